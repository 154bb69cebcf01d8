import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, node } from './fixtures';

const RULE = 'nftables/no-invalid-drop-workaround';
const annotated = KUBE_PROXY_TABLE.replace('table ip kube-proxy {\n', `table ip kube-proxy {\n         ^^^^^^^^^^ ${RULE}\n`);
const OLD = (liberal: number): [string, string][] => [['uname-r.txt', '5.15.0-91-generic\n'], ['sysctl-a.txt', `net.netfilter.nf_conntrack_tcp_be_liberal = ${liberal}\n`]];

describe(RULE, () => {
  it('fires (warning) on kernel 5.15 with nf_conntrack_tcp_be_liberal = 0, offering the sysctl for review', () => {
    const [r] = expectFindings([RULE], annotated, { path: 'node/nft.txt', node: node(...OLD(0)) });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'noWorkaround', { table: 'ip kube-proxy' });
    assert.match(String(r!.data!.evidence), /kernel 5\.15\.0-91-generic belongs to the 5\.15 series, which never received the fix upstream/);
    assert.match(String(r!.data!.evidence), /nf_conntrack_tcp_be_liberal = 0, so conntrack does not accept those packets either/);
    const fix = r!.fixes[0] as CommandFix;
    assert.equal(fix.safe, false);
    assert.equal(scriptOf(fix).split('\n').slice(1).join('\n'), "sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1\nprintf '%s\\n' 'net.netfilter.nf_conntrack_tcp_be_liberal = 1' | tee /etc/sysctl.d/90-tcp-be-liberal.conf >/dev/null");
  });

  it('downgrades to info and says what is unknown when the kernel or the sysctl is missing', () => {
    const [r] = expectFindings([RULE], annotated, { path: 'node/nft.txt' });
    assert.equal(r!.severity, 'info');
    assert.match(String(r!.data!.evidence), /Unknown: the kernel version is unknown .*; net\.netfilter\.nf_conntrack_tcp_be_liberal is unknown/);
  });

  it('does not fire on kernel 6.1+, with be_liberal = 1, with kube-proxy tcpBeLiberal, or with an INVALID drop in a forward chain', () => {
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt', node: node(['uname-r.txt', '6.1.0-18-amd64\n']) });
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt', node: node(...OLD(1)) });
    expectFindings([RULE], KUBE_PROXY_TABLE, { path: 'node/nft.txt', node: node(...OLD(0), ['kube-proxy.yaml', 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\nconntrack:\n  tcpBeLiberal: true\n']) });
    const dropInvalid = `${KUBE_PROXY_TABLE}table inet host {\n  chain fwd {\n    type filter hook forward priority filter; policy accept;\n    ct state invalid drop\n  }\n}\n`;
    expectFindings([RULE], dropInvalid, { path: 'node/nft.txt', node: node(...OLD(0)) });
  });
});
