import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIptablesSave } from '../../server/src/formats/iptables/parseSave';
import type { IptablesModel } from '../../server/src/formats/iptables/model';
import type { TraceResult } from '../../server/src/trace/result';
import { conntrackDump, countersDump, load, sendSynFin, sendUdp, sh, type Namespaces } from './kernel';
import { assertSameRules, connections, lineOfOffset, namespacesForSuite, NODE_TRACE, sorted, type Connection } from './netns';
import { NODE_DUMP } from './nodeDump';
import { traceFiles } from './helpers';

/**
 * The trace against the real kernel. NODE_DUMP is loaded with iptables-restore into a throwaway
 * network namespace wired like a node (see kernel.ts); real packets are sent from a pod
 * namespace, an "external" namespace or the node itself; then which rules' packet counters moved
 * (`iptables-save -c`) and the NAT conntrack recorded (`conntrack -L`) are compared with the
 * trace: the same rules and policies (no more, no fewer), the same DNAT endpoints (a Service
 * packet is sent 45 times, each a new connection, to see every endpoint: missing one of three
 * has a chance of 3·(2/3)^45 ≈ 3e-8), the same SNAT. Needs root, `ip netns`, iptables and
 * conntrack (CI has them: .ci/apt-packages). IPVS cannot be compared here: this kernel has no
 * IPVS (`ipvsadm` says so); test/trace/walk.test.ts covers it against an ipvsadm dump.
 */

const FILE = 'iptables-save.txt';

/** `table chain #index` of each rule and `table chain policy` of each built-in chain, by one-based line. */
function keysByLine(model: IptablesModel): Map<number, string> {
  const out = new Map<number, string>();
  for (const t of model.tables) {
    for (const c of t.chains) {
      out.set(lineOfOffset(NODE_DUMP, c.span.start), `${t.name.value} ${c.name.value} policy`);
      c.rules.forEach((r, i) => out.set(r.line + 1, `${t.name.value} ${c.name.value} #${i + 1}`));
    }
  }
  return out;
}

/** What moved in the kernel: key → packets, from `iptables-save -c`. */
function moved(save: string): Map<string, number> {
  const out = new Map<string, number>();
  const m = parseIptablesSave(save);
  for (const t of m.tables) {
    for (const c of t.chains) {
      if (c.builtin && (c.counters?.packets ?? 0) > 0) out.set(`${t.name.value} ${c.name.value} policy`, c.counters!.packets);
      c.rules.forEach((r, i) => {
        if ((r.counters?.packets ?? 0) > 0) out.set(`${t.name.value} ${c.name.value} #${i + 1}`, r.counters!.packets);
      });
    }
  }
  return out;
}

/** Every rule / policy step of every path, as keys. */
function traced(...results: TraceResult[]): Set<string> {
  const keys = keysByLine(parseIptablesSave(NODE_DUMP));
  const out = new Set<string>();
  for (const r of results) for (const p of r.paths) for (const s of p.steps) if ((s.kind === 'rule' || s.kind === 'policy') && s.file === FILE) out.add(keys.get(s.line!) ?? `? line ${s.line}`);
  return out;
}

const rows: string[] = [];

describe('trace against the kernel (network namespaces)', () => {
  const namespaces = namespacesForSuite('kernel comparison (case | kernel | trace)', rows);

  /** Loads the dump, runs `send`, and returns what moved and what conntrack recorded. */
  function observe(send: (ns: Namespaces) => void, dport: number): { moved: Map<string, number>; conns: Connection[] } {
    const ns = namespaces();
    load(ns, NODE_DUMP);
    send(ns);
    return { moved: moved(countersDump(ns)), conns: connections(conntrackDump(ns), dport) };
  }

  it('ClusterIP with three endpoints: every endpoint the kernel chose is a traced path, and every traced path was chosen', () => {
    const N = 45;
    const r = traceFiles({ [FILE]: NODE_DUMP }, 'udp 10.244.0.5:41000 -> 10.96.0.10:53', { ...NODE_TRACE, from: 'pod', inIface: 'cni0' });
    const k = observe((n) => sendUdp(n.pod, '10.244.0.5', 41000, '10.96.0.10', 53, N), 53);
    assertSameRules(k.moved, traced(r));
    assert.equal(k.conns.length, N);
    const chosen = new Set(k.conns.map((c) => c.reply.src));
    assert.deepEqual(sorted(chosen), sorted(r.paths.map((p) => p.dnat!)));
    assert.ok(k.conns.every((c) => c.reply.dst === '10.244.0.5'), 'no SNAT');
    assert.ok(r.paths.every((p) => p.snat === null));
    const dnatRules = [...k.moved].filter(([key]) => /KUBE-SEP-DNS\d #2/.test(key));
    assert.equal(dnatRules.reduce((a, [, n]) => a + n, 0), N);
    rows.push(`ClusterIP 3 endpoints | DNAT to ${sorted(chosen).join(', ')} over ${N} packets, no SNAT | ${r.paths.map((p) => `${p.dnat} p=${p.probability.toFixed(3)}`).join(', ')}, no SNAT`);
  });

  it('NodePort from outside: KUBE-NODEPORTS, DNAT to the endpoint, masquerade to the pod-side address', () => {
    const r = traceFiles({ [FILE]: NODE_DUMP }, 'udp 172.18.0.1:42000 -> 172.18.0.2:30080', { ...NODE_TRACE, from: 'external', inIface: 'eth0' });
    const k = observe((n) => sendUdp(n.ext, '172.18.0.1', 42000, '172.18.0.2', 30080, 3), 30080);
    assertSameRules(k.moved, traced(r));
    assert.ok([...k.moved.values()].every((n) => n === 3));
    assert.equal(r.paths.length, 1);
    assert.deepEqual(sorted(new Set(k.conns.map((c) => c.reply.src))), [r.paths[0]!.dnat]);
    assert.equal(r.paths[0]!.snat, 'masquerade');
    assert.ok(k.conns.every((c) => c.reply.dst === '10.244.0.1'), 'masqueraded to cni0\'s address');
    rows.push(`NodePort 30080 from outside | DNAT ${k.conns[0]!.reply.src}, SNAT to ${k.conns[0]!.reply.dst} (cni0) | DNAT ${r.paths[0]!.dnat}, SNAT ${r.paths[0]!.snat} out cni0`);
  });

  it('Service without endpoints: REJECT in filter KUBE-SERVICES', () => {
    const r = traceFiles({ [FILE]: NODE_DUMP }, 'udp 10.244.0.5:43000 -> 10.96.0.50:80', { ...NODE_TRACE, from: 'pod', inIface: 'cni0' });
    const k = observe((n) => sendUdp(n.pod, '10.244.0.5', 43000, '10.96.0.50', 80, 3), 80);
    assert.equal(r.verdict, 'REJECT');
    assertSameRules(k.moved, traced(r));
    assert.ok([...k.moved.values()].every((n) => n === 3));
    assert.equal(k.conns.length, 0, 'a rejected packet leaves no connection');
    rows.push(`Service without endpoints | REJECT rule counted 3 times, no conntrack entry | REJECT (${r.paths[0]!.steps.at(-1)!.action})`);
  });

  it('pod to an external address: flannel masquerades it to the node address', () => {
    const r = traceFiles({ [FILE]: NODE_DUMP }, 'udp 10.244.0.5:44000 -> 192.0.2.10:9', { ...NODE_TRACE, from: 'pod', inIface: 'cni0' });
    const k = observe((n) => sendUdp(n.pod, '10.244.0.5', 44000, '192.0.2.10', 9, 3), 9);
    assertSameRules(k.moved, traced(r));
    assert.equal(r.paths[0]!.snat, 'masquerade');
    assert.ok(k.conns.length === 3 && k.conns.every((c) => c.reply.dst === '172.18.0.2' && c.reply.src === '192.0.2.10:9'));
    rows.push(`pod to external | SNAT to ${k.conns[0]!.reply.dst} (eth0), no DNAT | SNAT ${r.paths[0]!.snat} out ${'eth0'}, DNAT ${r.paths[0]!.dnat}`);
  });

  it('pod to a pod on another node: flannel RETURNs it from masquerading', () => {
    const r = traceFiles({ [FILE]: NODE_DUMP }, 'udp 10.244.0.5:45000 -> 10.244.1.9:9', { ...NODE_TRACE, from: 'pod', inIface: 'cni0' });
    const k = observe((n) => sendUdp(n.pod, '10.244.0.5', 45000, '10.244.1.9', 9, 3), 9);
    assertSameRules(k.moved, traced(r));
    assert.equal(r.paths[0]!.snat, null);
    assert.ok(k.conns.length === 3 && k.conns.every((c) => c.reply.dst === '10.244.0.5'));
    rows.push(`pod to pod (other node) | no SNAT, FLANNEL-POSTRTG RETURN counted | no SNAT, RETURN at FLANNEL-POSTRTG`);
  });

  it('node to a ClusterIP: KUBE-MARK-MASQ marks it and KUBE-POSTROUTING masquerades it', () => {
    const r = traceFiles({ [FILE]: NODE_DUMP }, 'udp 172.18.0.2:46000 -> 10.96.0.20:80', { ...NODE_TRACE, from: 'host' });
    const k = observe((n) => sendUdp(n.node, '172.18.0.2', 46000, '10.96.0.20', 80, 3), 80);
    assertSameRules(k.moved, traced(r));
    assert.equal(r.paths[0]!.dnat, '10.244.0.30:8080');
    assert.equal(r.paths[0]!.snat, 'masquerade');
    assert.ok(k.conns.length === 3 && k.conns.every((c) => c.reply.src === '10.244.0.30:8080' && c.reply.dst === '10.244.0.1'));
    rows.push(`node to ClusterIP (marked for masquerade) | DNAT 10.244.0.30:8080, SNAT to 10.244.0.1 | DNAT ${r.paths[0]!.dnat}, SNAT ${r.paths[0]!.snat} (mark 0x4000 set, cleared in KUBE-POSTROUTING)`);
  });

  it('an INVALID packet (TCP SYN+FIN): dropped by KUBE-FORWARD, no nat chain runs', () => {
    const r = traceFiles({ [FILE]: NODE_DUMP }, 'tcp 10.244.0.5:47000 -> 192.0.2.10:80', { ...NODE_TRACE, from: 'pod', inIface: 'cni0', ctstate: 'INVALID' });
    const k = observe((n) => sendSynFin(n.pod, '10.244.0.5', 47000, '192.0.2.10', 80), 80);
    assert.equal(r.verdict, 'DROP');
    assertSameRules(k.moved, traced(r));
    assert.equal(k.conns.length, 0);
    rows.push(`INVALID (SYN+FIN) | KUBE-FORWARD INVALID DROP counted, no conntrack entry | DROP at ${r.paths[0]!.steps.filter((s) => s.kind === 'rule').at(-1)!.chain}`);
  });

  it('this kernel has no IPVS (so IPVS is covered against an ipvsadm dump in walk.test.ts)', () => {
    const r = sh(['ip', 'netns', 'exec', namespaces().node, 'ipvsadm', '-Ln']);
    assert.notEqual(r.status, 0, 'if ipvsadm works here, add an IPVS case to this file');
  });
});
