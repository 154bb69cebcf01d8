import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { expectFindings, expectMessage, lintText } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, node, nftFixture } from './fixtures';

const RULE = 'nftables/host-firewall-drops-kube-traffic';
const NFT_MODE = node(['kube-proxy.nft', KUBE_PROXY_TABLE]);

describe(RULE, () => {
  it('fires on firewalld\'s final reject in filter_FORWARD (kernel-captured), not on its input chain that may accept by zone', () => {
    const text = nftFixture('host-firewall.a.nft');
    const reports = lintText(text, { path: 'node/nft-a.txt', node: NFT_MODE, only: [RULE] }).reports.filter((r) => r.ruleId === RULE);
    assert.equal(reports.length, 1);
    const r = reports[0]!;
    assert.equal(text.slice(r.span.start, r.span.end), 'reject with icmpx admin-prohibited');
    assert.equal(text.slice(0, r.span.start).split('\n').length, 29, 'the reject of filter_FORWARD (handle 23)');
    expectMessage(r, 'reject', { table: 'inet firewalld', chain: 'filter_FORWARD', traffic: 'new connections forwarded from pods (10.244.0.0/16) to other pods or the outside', podsUnknown: '' });
    assert.match(r.message, /an accept ends only its own chain, a drop or reject in any of them is final/);
    assert.doesNotMatch(r.message, /kube-proxy DNATed to pods/, "firewalld's `ct status dnat accept` lets Service traffic through");
    const fix = r.fixes[0] as CommandFix;
    assert.equal(fix.safe, false);
    assert.equal(scriptOf(fix).split('\n').pop(), 'nft insert rule inet firewalld filter_FORWARD position 23 ip saddr 10.244.0.0/16 accept');
  });

  it('its command, run by the kernel, puts the accept before the reject (throwaway network namespace)', () => {
    const text = nftFixture('host-firewall.a.nft');
    const r = lintText(text, { path: 'node/nft-a.txt', node: NFT_MODE, only: [RULE] }).reports.find((x) => x.ruleId === RULE)!;
    const step = (r.fixes[0] as CommandFix).steps.find((s) => s.kind === 'run')!;
    assert.equal(step.kind, 'run');
    const argv = step.kind === 'run' ? step.pipeline[0] : ['false'];
    // Load the captured ruleset, run the fix's argv as typed (no shell text), list the chain; the namespace dies with the process.
    const script = 'nft -f "$1" && shift && "$@" && nft list chain inet firewalld filter_FORWARD';
    const out = spawnSync('unshare', ['-n', 'bash', '-c', script, 'fix', '/dev/stdin', ...argv], { input: nftFixture('src/host-firewall.nft'), encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout.split('\n').map((l) => l.trim());
    const accept = lines.indexOf('ip saddr 10.244.0.0/16 accept');
    const reject = lines.indexOf('reject with icmpx admin-prohibited');
    assert.ok(accept > 0 && accept < reject, out.stdout);
  });

  it('fires on a policy drop of the forward hook and on DNATed Service traffic when nothing accepts it', () => {
    const [r] = expectFindings(
      [RULE],
      `table inet filter {
  chain forward {
    type filter hook forward priority filter; policy drop;
                                                     ^^^^ ${RULE}
    ct state established,related accept
    iifname "lo" accept
    meta l4proto icmp accept
  }
}
`,
      { path: 'node/nft.txt', node: NFT_MODE },
    );
    expectMessage(r, 'policyDrop', { chain: 'forward' });
    assert.match(r!.message, /drops by policy \(chain forward\) new connections forwarded from pods .*, and Service and NodePort connections that kube-proxy DNATed to pods/);
    assert.deepEqual(scriptOf(r!.fixes[0] as CommandFix).split('\n'), ['nft insert rule inet filter forward ct status dnat accept', 'nft insert rule inet filter forward ip saddr 10.244.0.0/16 accept']);
  });

  it('does not fire when the pod network or DNATed traffic is accepted first, on unknown matches, or on an iptables-mode node', () => {
    const accepting = `table inet filter {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    ct status dnat accept
    ip saddr { 10.244.0.0/16, 10.96.0.0/12 } accept
  }
  chain input {
    type filter hook input priority filter; policy drop;
    ip saddr 10.0.0.0/8 accept
    tcp dport 22 accept
  }
}
`;
    expectFindings([RULE], accepting, { path: 'node/nft.txt', node: NFT_MODE });
    // A rule the walk cannot decide (an interface other than lo) might accept: no finding.
    expectFindings([RULE], 'table inet filter {\n  chain forward {\n    type filter hook forward priority filter; policy drop;\n    iifname "cni0" accept\n    iifname "flannel.1" jump fw\n  }\n  chain fw {\n    accept\n  }\n}\n', { path: 'node/nft.txt', node: NFT_MODE });
    // The same firewall without kube-proxy's table: not this rule's business.
    expectFindings([RULE], 'table inet filter {\n  chain forward {\n    type filter hook forward priority filter; policy drop;\n  }\n}\n', { path: 'node/nft.txt' });
    // A drop limited to IPv6 does not touch the IPv4 pod network.
    expectFindings([RULE], 'table inet filter {\n  chain forward {\n    type filter hook forward priority filter; policy accept;\n    meta nfproto ipv6 drop\n    ip6 saddr ::/0 reject\n  }\n}\n', { path: 'node/nft.txt', node: NFT_MODE });
  });
});
