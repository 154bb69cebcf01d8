import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { exampleNode, fixture, lintExample } from './support';

const RULE = 'sysctl/conntrack-tcp-be-liberal';
const KP = exampleNode('ipvs-conn-reuse').find((f) => f.path.endsWith('kube-proxy-cm.yaml'))!;
const KP_LIBERAL = { path: 'node/kube-proxy-cm.yaml', text: KP.text.replace('tcpEstablishedTimeout: 24h0m0s', 'tcpEstablishedTimeout: 24h0m0s\n      tcpBeLiberal: true') };
const ANNOTATED = `net.netfilter.nf_conntrack_tcp_be_liberal = 1\n^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ ${RULE}\n`;

describe(RULE, () => {
  it('fires as info when window tracking is relaxed, with no fix (nothing is required)', () => {
    const [r] = expectFindings([RULE], ANNOTATED, { path: 'node/sysctl-a.txt' });
    assert.equal(r!.severity, 'info');
    expectMessage(r, 'liberal', { key: 'net.netfilter.nf_conntrack_tcp_be_liberal', value: '1' });
    assert.match(r!.message, /only out-of-window RST packets INVALID/);
    assert.match(r!.message, /weakens conntrack's protection against injected packets/);
    assert.deepEqual(r!.fixes, []);
  });

  it('explains that a missing KUBE-FORWARD INVALID drop is then expected', () => {
    const [r] = expectFindings([RULE], ANNOTATED, {
      path: 'node/sysctl-a.txt',
      node: [{ path: 'node/iptables-save.txt', text: '*filter\n:FORWARD ACCEPT [0:0]\n:KUBE-FORWARD - [0:0]\n-A FORWARD -j KUBE-FORWARD\n-A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT\nCOMMIT\n' }],
    });
    expectMessage(r, 'liberalNoInvalidDrop', { iptables: 'node/iptables-save.txt' });
    assert.equal(r!.related[0]?.message, 'KUBE-FORWARD without the conntrack INVALID drop rule');
    const [w] = expectFindings([RULE], ANNOTATED, {
      path: 'node/sysctl-a.txt',
      node: [{ path: 'node/iptables-save.txt', text: '*filter\n:KUBE-FORWARD - [0:0]\n-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\nCOMMIT\n' }],
    });
    assert.equal(w!.related.length, 0);
  });

  it('does not fire at 0, or when kube-proxy is configured to set it (conntrack.tcpBeLiberal: true)', () => {
    expectFindings([RULE], 'net.netfilter.nf_conntrack_tcp_be_liberal = 0\n', { path: 'node/sysctl-a.txt' });
    expectFindings([RULE], 'net.netfilter.nf_conntrack_tcp_be_liberal = 1\n', { path: 'node/sysctl-a.txt', node: [KP_LIBERAL] });
    expectFindings([RULE], fixture('sysctl/sysctl-a-notes-netfilter-vm-sections-tab-values.txt'), { path: 'node/sysctl-a.txt' });
    assert.equal(lintExample('healthy-node', 'sysctl-a.txt').filter((r) => r.ruleId === RULE).length, 0);
  });
});
