import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, node } from './fixtures';

const RULE = 'nftables/nodeport-primary-only';
const annotated = KUBE_PROXY_TABLE.replace('  set nodeport-ips {\n', `  set nodeport-ips {\n      ^^^^^^^^^^^^ ${RULE}\n`);
const CONFIG = 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n';

describe(RULE, () => {
  it('fires when route_localnet = 1 shows localhost NodePorts were in use', () => {
    const [r] = expectFindings([RULE], annotated, { path: 'node/nft.txt', node: node(['sysctl-a.txt', 'net.ipv4.conf.all.route_localnet = 1\n']) });
    expectMessage(r, 'primaryOnly', { nodePorts: 1, table: 'ip kube-proxy', addresses: '192.168.0.2' });
    assert.match(String(r!.data!.reliance), /net\.ipv4\.conf\.all\.route_localnet = 1 \(node\/sysctl-a\.txt\)/);
    assert.deepEqual(r!.related.map((x) => x.document.path), ['node/sysctl-a.txt']);
  });

  it('fires on localhostNodePorts: true and on iptables-mode NodePort rules from before the switch', () => {
    const [a] = expectFindings([RULE], annotated, { path: 'node/nft.txt', node: node(['kube-proxy.yaml', `${CONFIG}iptables:\n  localhostNodePorts: true\n`]) });
    assert.match(String(a!.data!.reliance), /kube-proxy iptables\.localhostNodePorts: true \(node\/kube-proxy\.yaml\)/);
    const save = '*nat\n:KUBE-NODEPORTS - [0:0]\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\nCOMMIT\n';
    const [b] = expectFindings([RULE], annotated, { path: 'node/nft.txt', node: node(['iptables-save.txt', save]) });
    assert.match(String(b!.data!.reliance), /iptables-mode kube-proxy rules \(2 kube-proxy iptables chains/);
  });

  it('does not fire with nodePortAddresses set, without NodePort Services, or without evidence of other addresses', () => {
    const sysctl: [string, string] = ['sysctl-a.txt', 'net.ipv4.conf.all.route_localnet = 1\n'];
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt', node: node(sysctl, ['kube-proxy.yaml', `${CONFIG}nodePortAddresses: ["0.0.0.0/0"]\n`]) });
    expectFindings([RULE], KUBE_PROXY_TABLE.replace('    elements = { tcp . 30080 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }\n', ''), { path: 'node/nft.txt', node: node(sysctl) });
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt', node: node(['sysctl-a.txt', 'net.ipv4.conf.all.route_localnet = 0\n']) });
  });
});
