import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpv4 } from '../../server/src/trace/ip';
import { ruleSteps, traceFiles } from './helpers';

/**
 * The nftables walker on the kube-proxy fixture the kernel produced
 * (test/fixtures/nftables/kube-proxy-ipv4.list.nft: Service CIDR 172.30.0.0/16, pods 10.0.0.0/8,
 * node 192.168.0.2), and its interleaving with iptables tables by priority. The kernel itself
 * is compared in nftKernel.test.ts.
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'nftables');
const KP = readFileSync(join(FIXTURES, 'kube-proxy-ipv4.list.nft'), 'utf8');
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('nftables walker', () => {
  it('a ClusterIP with three endpoints: service-ips vmap, numgen random mod 3, one third each, DNAT', () => {
    const r = traceFiles({ 'ruleset.nft': KP }, 'tcp 10.0.1.5 -> 172.30.0.10:80');
    assert.equal(r.verdict, 'ACCEPT');
    assert.deepEqual(r.paths.map((p) => [p.dnat, Math.round(p.probability * 1e6) / 1e6]), [
      ['10.180.0.7:80', 0.333333],
      ['10.180.1.7:80', 0.333333],
      ['10.180.2.7:80', 0.333333],
    ]);
    const steps = ruleSteps(r.paths[1]!.steps);
    assert.ok(steps.includes(`${lineOf(KP, 'ip daddr . meta l4proto . th dport vmap @service-ips')} ip daddr . meta l4proto . th dport vmap @service-ips: 172.30.0.10 . tcp . 80 → goto service-KWDHSXPN-kube-system/kube-dns/tcp/p80`), steps.join('\n'));
    assert.ok(steps.some((s) => /numgen random mod 3 → 1 \(p=1\/3\): goto endpoint-9277DC57/.test(s)));
    assert.ok(steps.includes(`${lineOf(KP, 'dnat to 10.180.1.7:80')} dnat to 10.180.1.7:80`));
    // A pod source (10.0.0.0/8) is not marked for masquerade: masquerading returns.
    assert.ok(steps.includes(`${lineOf(KP, 'meta mark & 0x00004000 == 0x00000000 return')} return`));
    assert.ok(r.paths.every((p) => p.snat === null));
    const hooks = r.paths[0]!.steps.filter((s) => s.kind === 'rule').map((s) => `${s.hook} ${s.chain}`);
    assert.equal(hooks[0], 'PREROUTING filter-prerouting-pre-dnat', 'priority dstnat - 10 runs before nat-prerouting (dstnat)');
  });

  it('a Service without endpoints is rejected by service-endpoints-check; a pod sending it is not masqueraded', () => {
    const r = traceFiles({ 'ruleset.nft': KP }, 'tcp 10.0.1.5 -> 172.30.0.46:80');
    assert.equal(r.verdict, 'REJECT');
    const last = r.paths[0]!.steps.at(-1)!;
    assert.deepEqual([last.chain, last.action, last.line], ['reject-chain', 'reject', lineOf(KP, '\t\treject')]);
    assert.match(ruleSteps(r.paths[0]!.steps).at(-2)!, /vmap @no-endpoint-services: 172\.30\.0\.46 \. tcp \. 80 → goto reject-chain$/);
  });

  it('the node to a ClusterIP: marked for masquerade, masqueraded in postrouting, mark cleared', () => {
    const r = traceFiles({ 'ruleset.nft': KP }, 'tcp 192.168.0.2 -> 172.30.0.41:80', { from: 'host', local: [parseIpv4('192.168.0.2')!] });
    assert.equal(r.paths.length, 1);
    const p = r.paths[0]!;
    assert.deepEqual([p.dnat, p.snat], ['10.180.0.1:80', 'masquerade']);
    const actions = p.steps.filter((s) => s.kind === 'rule').map((s) => s.action);
    assert.ok(actions.includes('meta mark set meta mark | 0x00004000 (mark 0x4000)'));
    assert.ok(actions.includes('meta mark set meta mark ^ 0x00004000 (mark 0x0)'));
    assert.ok(actions.at(-1)!.startsWith('masquerade fully-random'));
  });

  it('fib saddr type local without the node addresses: both answers, each path consistent and saying what it took', () => {
    const r = traceFiles({ 'ruleset.nft': KP }, 'tcp 192.168.0.9 -> 1.2.3.4:80', { from: 'external' });
    assert.equal(r.paths.length, 2);
    const yes = r.paths.find((p) => p.dnat !== null)!;
    const no = r.paths.find((p) => p.dnat === null)!;
    assert.deepEqual(yes.assumptions, ["assumed fib saddr type local (the node's addresses are unknown; pass --local)"]);
    assert.deepEqual(no.assumptions, ["assumed not fib saddr type local (the node's addresses are unknown; pass --local)"]);
    assert.equal(yes.dnat, '10.180.0.2:80');
    assert.equal(yes.probability, 0.5);
    // With the node's addresses given, nothing is assumed: an outside source is not local.
    const known = traceFiles({ 'ruleset.nft': KP }, 'tcp 192.168.0.9 -> 1.2.3.4:80', { from: 'external', local: [parseIpv4('192.168.0.2')!] });
    assert.equal(known.paths.length, 1);
    assert.equal(known.paths[0]!.dnat, null);
  });

  it('a dynamic set without elements (session affinity) is assumed empty, and the step says so', () => {
    const r = traceFiles({ 'ruleset.nft': KP }, 'tcp 10.0.1.5 -> 172.30.0.45:80');
    assert.equal(r.paths.length, 1);
    assert.equal(r.paths[0]!.dnat, '10.180.0.3:80');
    const update = r.paths[0]!.steps.find((s) => s.action.startsWith('update @affinity-'));
    assert.ok(update, 'the endpoint records the client in its affinity set');
    assert.deepEqual(r.paths[0]!.assumptions, ['@affinity-D5B7GACC-ns5/svc5/tcp/p80__10.180.0.3/80 is filled at run time and shows no elements: assumed not to hold this packet']);
  });

  it('runs nft base chains and iptables tables of one hook by priority, and skips iptables-nft tables the iptables dump shows', () => {
    const ipt = '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j RETURN\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -j ACCEPT\nCOMMIT\n';
    const nft = [
      'table ip early { chain c { type filter hook prerouting priority -150; policy accept; meta l4proto tcp counter accept } }',
      'table ip late { chain c { type filter hook prerouting priority 10; policy accept; meta l4proto tcp meta mark set 0x1 } }',
      'table ip filter { chain FORWARD { type filter hook forward priority 0; policy drop; } }',
      '',
    ].join('\n');
    const r = traceFiles({ 'iptables-save.txt': ipt, 'ruleset.nft': nft }, 'tcp 10.0.0.1 -> 10.0.0.2:80');
    const pre = r.paths[0]!.steps.filter((s) => s.hook === 'PREROUTING' && (s.kind === 'rule' || s.kind === 'policy')).map((s) => `${s.table} ${s.chain}: ${s.action}`);
    assert.deepEqual(pre, ['ip early c: accept', 'nat PREROUTING: RETURN', 'nat PREROUTING: policy ACCEPT', 'ip late c: meta mark set 0x1 (mark 0x1)', 'ip late c: policy accept']);
    assert.equal(r.verdict, 'ACCEPT', 'the iptables-nft filter table (policy drop) is read from the iptables dump, not walked twice');
    assert.ok(r.assumptions.some((a) => /table ip filter not walked: the iptables dump shows its rules/.test(a)));
    assert.deepEqual(r.sources, ['iptables-save.txt', 'ruleset.nft']);
  });

  it('nat chains of one hook run in priority order until one maps; a jump loop is reported, not followed', () => {
    const nft = [
      'table ip a { chain n { type nat hook prerouting priority -110; policy accept; ip daddr 10.0.0.9 dnat to 10.0.0.7:80 } }',
      'table ip b { chain n { type nat hook prerouting priority -100; policy accept; dnat to 10.0.0.8:80 } }',
      'table ip c { chain f { type filter hook forward priority 0; policy accept; jump x }',
      '  chain x { jump y }',
      '  chain y { jump x } }',
      '',
    ].join('\n');
    const viaB = traceFiles({ 'ruleset.nft': nft }, 'tcp 10.0.0.1 -> 10.0.0.2:80');
    assert.equal(viaB.paths[0]!.dnat, '10.0.0.8:80', 'a does not map it, b does');
    const viaA = traceFiles({ 'ruleset.nft': nft }, 'tcp 10.0.0.1 -> 10.0.0.9:80');
    assert.equal(viaA.paths[0]!.dnat, '10.0.0.7:80');
    assert.ok(viaA.paths[0]!.steps.some((s) => s.action === 'ip b n not consulted: this connection\'s destination NAT was decided earlier'));
    assert.ok(viaA.paths[0]!.steps.some((s) => s.kind === 'note' && /jump x loops \(f → x → y → x\)/.test(s.action)));
  });
});
