/** Specification tests of the nftables readers: each form, each construct, and bad input with its range. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNftables } from '../../../server/src/formats/nftables';
import type { NftStatement } from '../../../server/src/formats/nftables/model';
import { renderExpr } from './render';

const slice = (text: string, s: { start: number; end: number }): string => text.slice(s.start, s.end);

describe('nftables list form', () => {
  const text = [
    'table ip kube-proxy { # handle 7',
    '\tchain nat-prerouting { # handle 3',
    '\t\ttype nat hook prerouting priority dstnat - 10; policy accept;',
    '\t\tjump services # handle 9',
    '\t}',
    '\tchain services {',
    '\t\tnumgen random mod 2 vmap { 0 : goto endpoint-A-ns/svc/tcp/p80__10.0.0.1/80, 1 : goto endpoint-B-ns/svc/tcp/p80__10.0.0.2/80 }',
    '\t}',
    '}',
  ].join('\n');
  const m = parseNftables(text);
  const t = m.tables[0]!;
  it('reads tables, base chains and handles', () => {
    assert.equal(m.variant, 'list');
    assert.deepEqual(m.problems, []);
    assert.equal(t.family.value, 'ip');
    assert.equal(t.handle?.value, 7);
    const c = t.chains[0]!;
    assert.equal(c.handle?.value, 3);
    assert.equal(c.base?.hook.value, 'prerouting');
    assert.equal(slice(text, c.base!.priority.span), 'dstnat - 10');
    assert.equal(c.base?.priority.value, -110);
    assert.equal(c.base?.policy?.value, 'accept');
    assert.equal(c.rules[0]?.handle?.value, 9);
    assert.equal(slice(text, c.rules[0]!.span), 'jump services');
  });
  it('reads numgen verdict maps with their targets', () => {
    const s = t.chains[1]!.rules[0]!.statements[0] as Extract<NftStatement, { kind: 'vmap' }>;
    assert.equal(s.kind, 'vmap');
    assert.equal(renderExpr(s.key), 'numgen(random mod 2)');
    assert.equal(s.map.kind, 'anonSet');
    if (s.map.kind !== 'anonSet') return;
    assert.deepEqual(
      s.map.elements.map((e) => slice(text, e.verdict!.target!.span)),
      ['endpoint-A-ns/svc/tcp/p80__10.0.0.1/80', 'endpoint-B-ns/svc/tcp/p80__10.0.0.2/80'],
    );
  });
});

describe('nftables script form', () => {
  const text = [
    'add table ip kube-proxy { comment "rules for kube-proxy" ; }',
    'add chain ip kube-proxy nat-output { type nat hook output priority -100 ; }',
    'add map ip kube-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }',
    'add rule ip kube-proxy nat-output jump services',
    'add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 comment "ns1/svc1:p80" : goto service-X-ns1/svc1/tcp/p80 }',
    'insert rule ip kube-proxy services position 3 ip daddr 10.0.0.1 drop',
    'flush chain ip kube-proxy services',
    'delete rule ip kube-proxy services handle 12',
  ].join('\n');
  const m = parseNftables(text);
  it('builds the same model as a listing', () => {
    assert.equal(m.variant, 'script');
    assert.deepEqual(m.problems, []);
    const t = m.tables[0]!;
    assert.equal(t.comment?.value, 'rules for kube-proxy');
    assert.deepEqual(t.chains.map((c) => [c.name.value, c.implicit]), [['nat-output', false], ['services', true]]);
    assert.equal(t.chains[0]!.base?.priority.value, -100);
    const map = t.sets[0]!;
    assert.equal(map.kind, 'map');
    assert.deepEqual(map.keyType.map((k) => k.value), ['ipv4_addr', 'inet_proto', 'inet_service']);
    assert.equal(map.valueType?.value, 'verdict');
    assert.equal(map.elements[0]?.comment?.value, 'ns1/svc1:p80');
    assert.equal(map.elements[0]?.verdict?.target?.value, 'service-X-ns1/svc1/tcp/p80');
    assert.equal(slice(text, t.chains[1]!.rules[0]!.span), 'ip daddr 10.0.0.1 drop');
  });
  it('keeps flush and delete as commands', () => {
    assert.deepEqual(m.commands.map((c) => [c.verb.value, c.object?.value, c.table?.value, c.name?.value, c.handle?.value]), [
      ['flush', 'chain', 'kube-proxy', 'services', undefined],
      ['delete', 'rule', 'kube-proxy', 'services', 12],
    ]);
  });
});

describe('nftables statements', () => {
  const rule = (r: string): readonly NftStatement[] => parseNftables(`table inet t {\n\tchain c {\n\t\t${r}\n\t}\n}\n`).tables[0]!.chains[0]!.rules[0]!.statements;
  const cases: [string, string[]][] = [
    ['meta mark set meta mark | 0x00004000', ['set']],
    ['meta l4proto tcp dnat to 10.180.0.5:80', ['match', 'nat']],
    ['masquerade fully-random', ['nat']],
    ['ip saddr 10.0.0.0/8 snat ip to 192.0.2.10-192.0.2.20 fully-random', ['match', 'nat']],
    ['tcp dport 8080 redirect to :80', ['match', 'nat']],
    ['update @affinity-X { ip saddr }', ['setUpdate']],
    ['ct mark set jhash ip saddr mod 4 seed 0xfeed offset 1', ['set']],
    ['limit rate over 100/second burst 5 packets drop', ['limit', 'verdict']],
    ['log prefix "x: " level info group 2 accept', ['log', 'verdict']],
    ['counter packets 12 bytes 3400 goto other', ['counter', 'verdict']],
    ['meta l4proto tcp reject with tcp reset', ['match', 'reject']],
    ['fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"', ['match', 'verdict', 'comment']],
    ['some-future-expression 42 frobnicate accept', ['other', 'other', 'other', 'verdict']],
  ];
  for (const [text, kinds] of cases) it(text, () => assert.deepEqual(rule(text).map((s) => s.kind), kinds));
  it('reads numbers and flags of statements', () => {
    const [c] = rule('counter packets 12 bytes 3400');
    assert.ok(c?.kind === 'counter' && c.packets?.value === 12 && c.bytes?.value === 3400);
    const [n] = rule('masquerade random,persistent');
    assert.ok(n?.kind === 'nat' && n.flags.map((f) => f.value).join() === 'random,persistent');
  });
});

describe('nftables bad input', () => {
  const problems = (text: string): [string, string][] => parseNftables(text).problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]);
  it('reports a truncated paste at the open block', () => {
    const text = 'table ip kube-proxy {\n\tchain services {\n\t\tjump x\n';
    assert.deepEqual(problems(text).map(([c]) => c), ['parse/nftables-truncated', 'parse/nftables-truncated']);
  });
  it('reports a member without a name, a stray word and an unclosed string with their ranges', () => {
    assert.deepEqual(problems('table ip t {\n\tchain {\n\t}\n}\n'), [['parse/nftables-syntax', 'chain {']]);
    assert.deepEqual(problems('hello world\n'), [['parse/nftables-syntax', 'hello world']]);
    assert.deepEqual(problems('table ip t {\n\tcomment "open\n}\n'), [['parse/nftables-syntax', '"open']]);
    assert.deepEqual(problems('}\n'), [['parse/nftables-syntax', '}']]);
  });
  it('caps bracket nesting instead of recursing', () => {
    const text = `table ip t {\n\tchain c {\n\t\tip saddr ${'{ '.repeat(100_000)}\n\t}\n}\n`;
    const m = parseNftables(text);
    assert.ok(m.problems.some((p) => /nested deeper/.test(p.message)));
  });
  it('reports JSON that is not nft -j output', () => {
    assert.deepEqual(problems('{"nftables": [{"table": ').map(([c]) => c), ['parse/nftables-json']);
    assert.deepEqual(problems('{"other": []}').map(([c]) => c), ['parse/nftables-json']);
    assert.deepEqual(problems(`{"nftables": ${'['.repeat(100_000)}`).map(([c]) => c), ['parse/nftables-json']);
  });
  it('reads the iptables-nft warning that a terminal paste holds', () => {
    const m = parseNftables('# Warning: table ip nat is managed by iptables-nft, do not touch!\ntable ip nat {\n}\n');
    assert.equal(m.iptablesNftWarnings[0]?.table.value, 'nat');
    assert.equal(m.iptablesNftWarnings[0]?.family.value, 'ip');
  });
});
