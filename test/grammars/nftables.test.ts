import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IGrammar } from 'vscode-textmate';
import { assertScope, tokensOf } from './scopes';
import type { ScopeCase } from './scopes';
import { loadGrammar } from './tokenize';

let g: IGrammar;
before(async () => {
  g = await loadGrammar('source.nftables');
});

function check(cases: readonly ScopeCase[]): void {
  for (const c of cases) assertScope(g, c);
}

describe('nftables grammar: nft list ruleset', () => {
  it('scopes tables, families, handles and members', () => {
    const t = 'table ip kube-proxy { # handle 7';
    check([
      [t, 'table', 'keyword.other.table.nftables'],
      [t, 'ip', 'storage.type.family.nftables'],
      [t, 'kube-proxy', 'entity.name.section.table.nftables'],
      [t, 'handle', 'keyword.other.handle.nftables'],
      [t, '7', 'constant.numeric.integer.handle.nftables'],
      ['\tchain service-ULMVA6XW-ns1/svc1/tcp/p80 {', 'service-ULMVA6XW-ns1/svc1/tcp/p80', 'entity.name.function.member.nftables'],
      ['\tmap service-ips {', 'map', 'storage.type.set.nftables'],
      ['\tct helper ftp-standard {', 'ftp-standard', 'entity.name.function.member.nftables'],
    ]);
  });
  it('scopes base chains: type, hook, symbolic priority, policy', () => {
    const l = '\t\ttype filter hook prerouting priority dstnat - 10; policy accept;';
    check([
      [l, 'type', 'keyword.other.property.nftables'],
      [l, 'prerouting', 'support.constant.hook.nftables'],
      [l, 'dstnat', 'support.constant.priority.nftables'],
      [l, '10', 'constant.numeric.integer.nftables'],
      [l, 'accept', 'keyword.control.verdict.nftables'],
      [l, ';', 'punctuation.separator.nftables'],
    ]);
  });
  it('scopes jumps, verdict maps, set references, counters and addresses', () => {
    const v = '\t\tnumgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80, 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }';
    check([
      [v, 'numgen', 'support.function.hash.nftables'],
      [v, 'vmap', 'keyword.operator.map.nftables'],
      [v, 'goto', 'keyword.control.verdict.nftables'],
      [v, 'endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80', 'entity.name.function.chain.reference.nftables'],
      [v, '{', 'punctuation.section.braces.begin.nftables'],
      ['\t\tip daddr . meta l4proto . th dport vmap @service-ips', 'service-ips', 'variable.other.set.reference.nftables'],
      ['\t\tip daddr . meta l4proto . th dport vmap @service-ips', '.', 'keyword.operator.nftables'],
      ['\t\tip saddr 10.0.0.0/8 counter packets 12 bytes 3400 drop', '10.0.0.0/8', 'constant.numeric.ip.nftables'],
      ['\t\tip saddr 10.0.0.0/8 counter packets 12 bytes 3400 drop', '12', 'constant.numeric.integer.packets.nftables'],
      ['\t\tip saddr 10.0.0.0/8 counter packets 12 bytes 3400 drop', '3400', 'constant.numeric.integer.bytes.nftables'],
      ['\t\tmeta l4proto tcp dnat to 10.180.0.5:80', '10.180.0.5:80', 'constant.numeric.ip.nftables'],
      ['\t\tmeta l4proto tcp dnat to 10.180.0.5:80', 'dnat', 'keyword.other.statement.nftables'],
      ['\t\tmeta mark & 0x00004000 == 0x00000000 return', '0x00004000', 'constant.numeric.hex.nftables'],
      ['\t\tmeta mark & 0x00004000 == 0x00000000 return', '==', 'keyword.operator.nftables'],
      ['\t\tip daddr @cluster-ips reject comment "Reject traffic"', '"', 'punctuation.definition.string.begin.nftables'],
    ]);
  });
  it('does not colour keywords inside names', () => {
    for (const t of tokensOf(g, '\tchain filter-input {')) assert.ok(!t.scopes.some((s) => s.startsWith('support.constant.hook')), t.text);
    for (const t of tokensOf(g, '\t\tct state new jump nodeport-endpoints-check')) if (t.text.includes('nodeport')) assert.equal(t.scopes.at(-1), 'entity.name.function.chain.reference.nftables');
  });
});

describe('nftables grammar: nft -f scripts and pasted warnings', () => {
  it('scopes commands with their table and member', () => {
    const l = 'add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips';
    check([
      [l, 'add', 'keyword.control.command.nftables'],
      [l, 'rule', 'keyword.other.object.nftables'],
      [l, 'kube-proxy', 'entity.name.section.table.nftables'],
      [l, 'services', 'entity.name.function.member.nftables'],
      ['flush ruleset', 'flush', 'keyword.control.command.nftables'],
    ]);
  });
  it('marks the iptables-nft warning', () => {
    check([['# Warning: table ip nat is managed by iptables-nft, do not touch!', 'Warning: table ip nat is managed by iptables-nft, do not touch!', 'invalid.deprecated.warning.nftables']]);
  });
  it('is linear on long adversarial lines', () => {
    for (const line of ['"'.repeat(100_000), `ip daddr ${'1.'.repeat(40_000)}`, `${'@'.repeat(50_000)}`, `jump ${'a/'.repeat(50_000)}`]) {
      const t0 = performance.now();
      tokensOf(g, line);
      assert.ok(performance.now() - t0 < 2000, `${(performance.now() - t0).toFixed(0)} ms`);
    }
  });
});
