import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RULES } from '../../../server/src/rules/catalogue';
import { lintText } from '../../helpers/ruleTester';
import { KUBE_PROXY_TABLE, node, nftFixture } from './fixtures';

const MINE = RULES.filter((r) => r.meta.id.startsWith('nftables/')).map((r) => r.meta.id);
const SIBLINGS = node(
  ['kube-proxy.yaml', 'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\nclusterCIDR: 10.244.0.0/16\n'],
  ['uname-r.txt', '5.15.0-91-generic\n'],
  ['sysctl-a.txt', 'net.netfilter.nf_conntrack_tcp_be_liberal = 0\nnet.ipv4.conf.all.route_localnet = 1\n'],
  ['iptables-save.txt', '*nat\n:KUBE-SERVICES - [0:0]\nCOMMIT\n'],
);
/** Words that steer mutations into the structures the rules read. */
const WORDS = ['{', '}', ';', '"', '\n', 'drop', 'accept', 'reject', 'jump ', 'goto ', 'return', 'policy drop;', 'masquerade', 'fully-random', 'ip saddr 10.244.0.0/16 ', 'ct status dnat ', '# handle 9', 'type filter hook forward priority 0;', 'meta mark & 0x4000 == 0x4000 ', 'comment "a/b:c"', 'table ip kube-proxy {', 'chain x {', ' . ', 'elements = { '];

/** Rulesets from strangers: the nftables rules never throw and keep every finding inside its text. */
describe('nftables rules on hostile rulesets', () => {
  it('seeded mutations of kernel-captured rulesets: no crash, spans inside the text', () => {
    const seeds = [nftFixture('host-firewall.a.nft'), nftFixture('kube-proxy-ipv4.a.nft'), nftFixture('src/host-firewall.nft') + KUBE_PROXY_TABLE];
    let findings = 0;
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 5 }))), { maxLength: 8 }), (base, mutations) => {
        let t = base;
        for (const [pos, del, ins] of mutations) {
          const p = pos % (t.length + 1);
          t = t.slice(0, p) + ins + t.slice(p + del);
        }
        // lintText rethrows a rule's crash.
        const { reports } = lintText(t, { path: 'node/nft.txt', kind: 'nftables', node: SIBLINGS, only: MINE });
        for (const r of reports) assert.ok(r.span.start >= 0 && r.span.start <= r.span.end && r.span.end <= t.length, r.ruleId);
        findings += reports.filter((r) => MINE.includes(r.ruleId)).length;
      }),
      { numRuns: 300, seed: 13 },
    );
    assert.ok(findings > 300, `only ${findings} findings: the mutations no longer reach the rules`);
  });

  it('the firewall walk ends on jump loops and deep goto chains (bounded, no finding it cannot prove)', () => {
    const chains = Array.from({ length: 500 }, (_, i) => `  chain c${i} {\n    goto c${i + 1}\n  }\n`).join('');
    const text = `${KUBE_PROXY_TABLE}table inet fw {\n  chain fwd {\n    type filter hook forward priority 0; policy drop;\n    jump loop-a\n    goto c0\n  }\n  chain loop-a {\n    jump loop-b\n  }\n  chain loop-b {\n    jump loop-a\n  }\n${chains}}\n`;
    const started = performance.now();
    const reports = lintText(text, { path: 'node/nft.txt', only: ['nftables/host-firewall-drops-kube-traffic'] }).reports.filter((r) => r.ruleId === 'nftables/host-firewall-drops-kube-traffic');
    assert.equal(reports.length, 0, 'a walk cut short is unknown, not a drop');
    assert.ok(performance.now() - started < 2000);
  });
});
