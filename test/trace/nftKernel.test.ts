import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNftables } from '../../server/src/formats/nftables';
import type { NftablesModel } from '../../server/src/formats/nftables/model';
import type { TraceResult } from '../../server/src/trace/result';
import { conntrackDump, inNs, sendUdp, sh, type Namespaces } from './kernel';
import { assertSameRules, connections, lineOfOffset, namespacesForSuite, NODE_TRACE, sorted, type Connection } from './netns';
import { NFT_NODE_DUMP } from './nftNodeDump';
import { traceFiles } from './helpers';

/**
 * The nftables walker against the real kernel, as kernel.test.ts does for iptables: the
 * kube-proxy-shaped ruleset of nftNodeDump.ts is loaded with `nft -f` into the node namespace of
 * kernel.ts (throwaway namespaces, always deleted), real UDP packets are sent, and the rules
 * whose `counter` moved (`nft list ruleset`) and the NAT conntrack recorded are compared with
 * the trace: the same rules (no more, no fewer), the same DNAT endpoints, the same SNAT.
 */

const FILE = 'nft-list-ruleset.nft';

/** `chain #index` of every rule of a model, by rule; the same keys for our text and the kernel's listing. */
function ruleKeys(model: NftablesModel): { key: string; packets: number | undefined; start: number }[] {
  const out: { key: string; packets: number | undefined; start: number }[] = [];
  for (const t of model.tables) {
    for (const c of t.chains) {
      c.rules.forEach((r, i) => {
        const counter = r.statements.find((s) => s.kind === 'counter');
        out.push({ key: `${c.name.value} #${i + 1}`, packets: counter?.kind === 'counter' ? counter.packets?.value : undefined, start: r.span.start });
      });
    }
  }
  return out;
}

/** What moved in the kernel: rule key → packets. */
function moved(listing: string): Map<string, number> {
  const m = parseNftables(listing);
  assert.equal(m.problems.length, 0, `the kernel's listing reads cleanly: ${JSON.stringify(m.problems.slice(0, 3))}`);
  return new Map(ruleKeys(m).filter((r) => (r.packets ?? 0) > 0).map((r) => [r.key, r.packets!]));
}

/** Every rule step of every path, as keys. */
function traced(...results: TraceResult[]): Set<string> {
  const byLine = new Map(ruleKeys(parseNftables(NFT_NODE_DUMP)).map((r) => [lineOfOffset(NFT_NODE_DUMP, r.start), r.key]));
  const out = new Set<string>();
  for (const r of results) for (const p of r.paths) for (const s of p.steps) if (s.kind === 'rule' && s.file === FILE) out.add(byLine.get(s.line!) ?? `? line ${s.line}`);
  return out;
}

const rows: string[] = [];

describe('nftables trace against the kernel (network namespaces)', () => {
  const namespaces = namespacesForSuite('nftables kernel comparison (case | kernel | trace)', rows);

  /** Loads the ruleset (counters at zero, no connections), runs `send`, returns what moved and conntrack's NAT. */
  function observe(send: (ns: Namespaces) => void, dport: number): { moved: Map<string, number>; conns: Connection[] } {
    const ns = namespaces();
    const flush = sh(inNs(ns.node, 'nft', 'flush', 'ruleset'));
    assert.equal(flush.status, 0, flush.stderr);
    const load = sh(inNs(ns.node, 'nft', '-f', '-'), NFT_NODE_DUMP);
    assert.equal(load.status, 0, `nft -f: ${load.stderr}`);
    sh(inNs(ns.node, 'conntrack', '-F'));
    send(ns);
    const listing = sh(inNs(ns.node, 'nft', 'list', 'ruleset'));
    assert.equal(listing.status, 0, listing.stderr);
    return { moved: moved(listing.stdout), conns: connections(conntrackDump(ns), dport) };
  }

  it('ClusterIP with three endpoints (numgen random mod 3 vmap): every endpoint chosen is a traced path, and every path was chosen', () => {
    const N = 45;
    const r = traceFiles({ [FILE]: NFT_NODE_DUMP }, 'udp 10.244.0.5:41000 -> 10.96.0.10:53', { ...NODE_TRACE, from: 'pod', inIface: 'cni0' });
    const k = observe((n) => sendUdp(n.pod, '10.244.0.5', 41000, '10.96.0.10', 53, N), 53);
    assertSameRules(k.moved, traced(r));
    assert.equal(r.paths.length, 3);
    for (const p of r.paths) assert.ok(Math.abs(p.probability - 1 / 3) < 1e-9);
    assert.equal(k.conns.length, N);
    const chosen = new Set(k.conns.map((c) => c.reply.src));
    assert.deepEqual(sorted(chosen), sorted(r.paths.map((p) => p.dnat!)));
    assert.ok(k.conns.every((c) => c.reply.dst === '10.244.0.5') && r.paths.every((p) => p.snat === null), 'no SNAT');
    assert.equal(k.moved.get('service-ERIFXISQ-kube-system/kube-dns/udp/dns #2'), N);
    rows.push(`ClusterIP 3 endpoints | DNAT to ${sorted(chosen).join(', ')} over ${N} packets, no SNAT | ${r.paths.map((p) => `${p.dnat} p=${p.probability.toFixed(3)}`).join(', ')}, no SNAT`);
  });

  it('Service without endpoints: the no-endpoint-services verdict map sends it to reject-chain', () => {
    const r = traceFiles({ [FILE]: NFT_NODE_DUMP }, 'udp 10.244.0.5:43000 -> 10.96.0.50:80', { ...NODE_TRACE, from: 'pod', inIface: 'cni0' });
    const k = observe((n) => sendUdp(n.pod, '10.244.0.5', 43000, '10.96.0.50', 80, 3), 80);
    assert.equal(r.verdict, 'REJECT');
    assertSameRules(k.moved, traced(r));
    assert.ok([...k.moved.values()].every((n) => n === 3));
    assert.equal(k.moved.get('reject-chain #1'), 3);
    assert.equal(k.conns.length, 0, 'a rejected packet leaves no connection');
    rows.push(`Service without endpoints | reject-chain counted 3 times, no conntrack entry | REJECT (${r.paths[0]!.steps.filter((s) => s.kind === 'rule').at(-1)!.chain})`);
  });

  it('node to a ClusterIP: mark-for-masquerade marks it, masquerading masquerades it to the pod-side address', () => {
    const r = traceFiles({ [FILE]: NFT_NODE_DUMP }, 'udp 172.18.0.2:46000 -> 10.96.0.20:80', { ...NODE_TRACE, from: 'host' });
    const k = observe((n) => sendUdp(n.node, '172.18.0.2', 46000, '10.96.0.20', 80, 3), 80);
    assertSameRules(k.moved, traced(r));
    assert.equal(r.paths.length, 1);
    assert.equal(r.paths[0]!.dnat, '10.244.0.30:8080');
    assert.equal(r.paths[0]!.snat, 'masquerade');
    assert.ok(k.conns.length === 3 && k.conns.every((c) => c.reply.src === '10.244.0.30:8080' && c.reply.dst === '10.244.0.1'), JSON.stringify(k.conns));
    assert.equal(k.moved.get('masquerading #3'), 3);
    rows.push(`node to ClusterIP (masquerade) | DNAT 10.244.0.30:8080, SNAT to 10.244.0.1 | DNAT ${r.paths[0]!.dnat}, SNAT ${r.paths[0]!.snat} (mark 0x4000 set in mark-for-masquerade, cleared in masquerading)`);
  });

  it('pod to a pod on another node: no Service, masquerading returns (mark not set)', () => {
    const r = traceFiles({ [FILE]: NFT_NODE_DUMP }, 'udp 10.244.0.5:45000 -> 10.244.1.9:9', { ...NODE_TRACE, from: 'pod', inIface: 'cni0' });
    const k = observe((n) => sendUdp(n.pod, '10.244.0.5', 45000, '10.244.1.9', 9, 3), 9);
    assertSameRules(k.moved, traced(r));
    assert.equal(r.paths[0]!.snat, null);
    assert.equal(r.paths[0]!.dnat, null);
    assert.ok(k.conns.length === 3 && k.conns.every((c) => c.reply.dst === '10.244.0.5' && c.reply.src === '10.244.1.9:9'));
    rows.push(`pod to pod (other node) | no NAT, services vmap miss and masquerading return counted | no NAT, return at masquerading`);
  });
});
