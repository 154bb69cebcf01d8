import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { applyEdits, expectFindings, expectMessage, lintText, onlyEditFix, splitAnnotated } from '../../helpers/ruleTester';
import { acrossFixtures, countByFile, lintNodeFolder } from './nodeFolders';
import { scriptOf } from '../../helpers/commandFix';

const RULE = 'iptables/forward-invalid-drop';
const sysctl = (v: number): { path: string; text: string } => ({ path: 'node/sysctl-a.txt', text: `kernel.osrelease = 6.1.0\nnet.netfilter.nf_conntrack_tcp_be_liberal = ${v}\n` });

const MISSING = `*filter
:FORWARD ACCEPT [0:0]
:KUBE-FORWARD - [0:0]
 ^^^^^^^^^^^^ ${RULE}
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
`;

describe(RULE, () => {
  it('is a warning when be_liberal is 0 and kube-proxy is known to write the rule', () => {
    const [r] = expectFindings([RULE], MISSING, { node: [sysctl(0)], settings: { facts: { kubeProxyVersion: '1.27.3' } } });
    assert.equal(r!.severity, 'warning');
    expectMessage(r, 'missing');
    assert.match(String(r!.data!.evidence), /net\.netfilter\.nf_conntrack_tcp_be_liberal = 0 \(from node\/sysctl-a\.txt\)/);
    assert.match(String(r!.data!.evidence), /kube-proxy is 1\.27\.3 \(from setting kubeProxyVersion\)/);
    assert.deepEqual(r!.related.map((x) => x.message), ['net.netfilter.nf_conntrack_tcp_be_liberal = 0']);
  });

  it('infers a new kube-proxy from KUBE-EXT-/KUBE-SVL-/KUBE-PROXY-FIREWALL chains', () => {
    const withExt = MISSING.replace(':KUBE-FORWARD - [0:0]\n', ':KUBE-EXT-ABC - [0:0]\n:KUBE-FORWARD - [0:0]\n');
    const [r] = expectFindings([RULE], withExt, { node: [sysctl(0)] });
    assert.equal(r!.severity, 'warning');
    assert.match(String(r!.data!.evidence), /chain KUBE-EXT-ABC \(kube-proxy 1\.24 or later\)/);
  });

  it('is downgraded to info and names the unknown facts', () => {
    const [r] = expectFindings([RULE], MISSING);
    assert.equal(r!.severity, 'info');
    assert.match(String(r!.data!.evidence), /Unknown: the kube-proxy version .*; net\.netfilter\.nf_conntrack_tcp_be_liberal \(add `sysctl -a`/);
    const [old] = expectFindings([RULE], MISSING, { node: [sysctl(0)], settings: { facts: { kubeProxyVersion: '1.13.5' } } });
    assert.equal(old!.severity, 'info');
    expectMessage(old, 'kubeProxyTooOld', { kubeProxy: '1.13.5 (from setting kubeProxyVersion)' });
  });

  it('fires in a listing', () => {
    const [r] = expectFindings(
      [RULE],
      `Chain FORWARD (policy DROP 0 packets, 0 bytes)
 pkts bytes target     prot opt in     out     source               destination
    0     0 KUBE-FORWARD  all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes forwarding rules */

Chain KUBE-FORWARD (1 references)
      ^^^^^^^^^^^^ ${RULE}
 pkts bytes target     prot opt in     out     source               destination
    0     0 ACCEPT     all  --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes forwarding rules */ mark match 0x4000/0x4000
`,
    );
    assert.deepEqual(r!.fixes.map((f) => f.kind), ['command']);
  });

  it('does not fire when the rule is there (any spelling), with be_liberal = 1, tcpBeLiberal, nftables mode, or an empty chain', () => {
    for (const drop of ['-m conntrack --ctstate INVALID -j DROP', '-m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP', '-m state --state INVALID -j DROP']) {
      expectFindings([RULE], splitAnnotated(MISSING).text.replace('-A KUBE-FORWARD -m comment', `-A KUBE-FORWARD ${drop}\n-A KUBE-FORWARD -m comment`), { node: [sysctl(0)] });
    }
    expectFindings(
      [RULE],
      `Chain KUBE-FORWARD (1 references)
 pkts bytes target     prot opt in     out     source               destination
    0     0 DROP       all  --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate INVALID
`,
    );
    const text = splitAnnotated(MISSING).text;
    expectFindings([RULE], text, { node: [sysctl(1)] });
    expectFindings([RULE], text, { settings: { facts: { kubeProxyMode: 'nftables' } } });
    expectFindings([RULE], text, {
      node: [{ path: 'node/kp.yaml', text: 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\nconntrack:\n  tcpBeLiberal: true\n' }],
    });
    expectFindings([RULE], '*filter\n:KUBE-FORWARD - [0:0]\nCOMMIT\n');
  });

  it('inserts the INVALID drop as the first KUBE-FORWARD rule (counters style kept) and the fixed dump is clean', () => {
    const text = '*filter\r\n:FORWARD ACCEPT [0:0]\r\n:KUBE-FORWARD - [0:0]\r\n[0:0] -A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT\r\nCOMMIT\r\n';
    const r = lintText(text).reports.find((x) => x.ruleId === RULE)!;
    const fix = onlyEditFix(r);
    assert.equal(fix.safe, false);
    const fixed = applyEdits(text, fix.edits);
    assert.equal(fixed, '*filter\r\n:FORWARD ACCEPT [0:0]\r\n:KUBE-FORWARD - [0:0]\r\n[0:0] -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\r\n[0:0] -A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT\r\nCOMMIT\r\n');
    assert.deepEqual(lintText(fixed).reports.filter((x) => x.ruleId === RULE || x.ruleId.startsWith('parse/')), []);
    const command = r.fixes.find((f): f is CommandFix => f.kind === 'command')!;
    assert.equal(
      scriptOf(command),
      [
        '# Let kube-proxy rewrite its rules (the DaemonSet name may differ; k3s embeds kube-proxy in the k3s service):',
        'kubectl -n kube-system rollout restart daemonset kube-proxy',
        '# Or, immediately on the node:',
        'iptables -t filter -I KUBE-FORWARD 1 -m conntrack --ctstate INVALID -j DROP',
        '# Alternative: have conntrack accept out-of-window packets (kube-proxy 1.29+ then leaves the rule out on purpose):',
        'sysctl -w net.netfilter.nf_conntrack_tcp_be_liberal=1',
        "printf '%s\\n' 'net.netfilter.nf_conntrack_tcp_be_liberal = 1' | tee /etc/sysctl.d/90-tcp-be-liberal.conf >/dev/null",
      ].join('\n'),
    );
  });

  it('on real dumps: silent on examples/healthy-node (be_liberal 0, rule present), info on the incident node and the 1.11-era dumps', () => {
    assert.deepEqual(lintNodeFolder('examples/healthy-node').filter((r) => r.ruleId === RULE), []);
    assert.deepEqual(lintNodeFolder('examples/vxlan-63s-delay').filter((r) => r.ruleId === RULE).map((r) => [r.line, r.severity]), [[45, 'info']]);
    assert.deepEqual(countByFile(acrossFixtures(RULE)), {
      'iptables/bossjones-kubeadm-1.11-weave-v1.6.0-broken-bridge.txt': 1,
      'iptables-list/qifangsu-kube-filter-L-n-v.txt': 1,
    });
  });
});
