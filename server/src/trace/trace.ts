import type { ParsedDocument } from '../node/document';
import type { NodeEnvironment } from './environment';
import { newFlow, type CtState, type Flow, type Origin } from './flow';
import { AFTER_ROUTING, CONNTRACK_PRIORITY, FIRST_HOOKS, IPVS_PRIORITY, NAT_KIND, type Hook } from './hooks';
import { formatIpv4, inPrefix, LOOPBACK } from './ip';
import { ipvsService, ipvsStep } from './ipvs';
import type { MatchEnv } from './match/types';
import { formatEndpoint, type Packet } from './packet';
import { forkPath, newBudget, newPath, type Budget, type PathState } from './path';
import { summarise, type TracePath, type TraceResult, type TraceStep } from './result';
import type { BaseChain, Ruleset } from './ruleset';

/**
 * The tracer: follows a packet through a node the way the kernel does. It owns the journey —
 * conntrack state, the hooks in order (hooks.ts), the routing decision, the sysctls that decide
 * a fate, IPVS — and asks each Ruleset to walk its chains at each hook. Every path ends with a
 * verdict; paths that fork (statistic, ipsets, IPVS weights) carry their probability.
 */

export interface TraceRequest {
  readonly packet: Packet;
  /** False when the user gave no source port (the default one is then listed as an assumption). */
  readonly sportGiven: boolean;
  readonly from: Origin;
  readonly inIface?: string;
  readonly outIface?: string;
  readonly mark?: number;
  readonly ctstate?: CtState;
  readonly maxPaths?: number;
  readonly maxEvaluations?: number;
}

export interface TraceInputs {
  readonly rulesets: readonly Ruleset[];
  readonly ipvs: readonly ParsedDocument<'ipvsadm'>[];
  readonly env: NodeEnvironment;
  /** What choosing the inputs assumed (files ignored, none found). */
  readonly assumptions: readonly string[];
  readonly sources: readonly string[];
}

/** Pseudo-stages besides hooks: decisions the kernel takes between them. */
type Stage = Hook | 'route' | 'reroute';

interface Work {
  readonly path: PathState;
  readonly stages: readonly Stage[];
}

const DEFAULT_IN: Readonly<Record<Origin, string>> = { pod: 'cni0', external: 'eth0', host: '' };

export function trace(req: TraceRequest, inputs: TraceInputs): TraceResult {
  const assumptions = [...inputs.assumptions];
  const inIface = req.inIface ?? DEFAULT_IN[req.from];
  if (req.inIface === undefined && req.from !== 'host') assumptions.push(`input interface assumed ${inIface} (pass --in)`);
  if (!req.sportGiven && req.packet.sport !== undefined) assumptions.push(`source port assumed ${req.packet.sport}`);
  const ctstate = req.ctstate ?? 'NEW';
  if (req.ctstate === undefined) assumptions.push('the packet is assumed to start a connection (conntrack state NEW; pass --ctstate)');
  const flow = newFlow(req.packet, req.mark ?? 0, ctstate, inIface, '');
  const budget = newBudget(req.maxPaths, req.maxEvaluations);
  const tracer = new Tracer(inputs, req, budget);
  const start = newPath(flow);
  start.steps.push(conntrackStep(flow, req.from === 'host' ? 'OUTPUT' : 'PREROUTING'));
  const finished = tracer.run(start);
  const paths: TracePath[] = finished.map((p) => ({
    probability: p.probability,
    verdict: p.verdict ?? 'ACCEPT',
    dnat: p.nat.dnat,
    snat: p.nat.snat,
    steps: p.steps,
    assumptions: p.assumptions,
  }));
  const packet = {
    protocol: req.packet.protocol,
    src: formatIpv4(req.packet.src),
    sport: req.packet.sport ?? null,
    dst: formatIpv4(req.packet.dst),
    dport: req.packet.dport ?? null,
    from: req.from,
    in: inIface === '' ? null : inIface,
    out: req.outIface ?? null,
    mark: `0x${(req.mark ?? 0).toString(16)}`,
    ctstate,
  };
  return summarise(packet, paths, [...assumptions, ...tracer.assumptions], inputs.sources);
}

function conntrackStep(flow: Flow, hook: Hook): TraceStep {
  const what: Record<CtState, string> = {
    NEW: 'first packet of a connection: the nat table will be consulted',
    ESTABLISHED: 'part of a known connection: the nat table is not consulted again',
    RELATED: 'related to a known connection (an ICMP error, an FTP data flow): no nat chains',
    INVALID: 'conntrack could not place it: no nat chains',
    UNTRACKED: 'not tracked: no nat chains',
  };
  return { kind: 'conntrack', file: null, line: null, span: null, hook, table: null, chain: null, action: `conntrack (priority ${CONNTRACK_PRIORITY}): state ${flow.ctstate}, ${what[flow.ctstate]}`, assumptions: [] };
}

const decision = (kind: TraceStep['kind'], hook: string | null, action: string, assumptions: readonly string[] = []): TraceStep => ({
  kind,
  file: null,
  line: null,
  span: null,
  hook,
  table: null,
  chain: null,
  action,
  assumptions,
});

/** One entry of a hook: a ruleset's base chain, or IPVS (at INPUT, priority 98). */
type HookEntry = { readonly kind: 'chain'; readonly ruleset: Ruleset; readonly base: BaseChain } | { readonly kind: 'ipvs'; readonly priority: number };

class Tracer {
  readonly assumptions: string[] = [];
  private readonly noted = new Set<string>();
  private readonly matchEnv: (hook: Hook) => MatchEnv;

  constructor(
    private readonly inputs: TraceInputs,
    private readonly req: TraceRequest,
    private readonly budget: Budget,
  ) {
    const env = inputs.env;
    this.matchEnv = (hook) => ({ hook, isLocal: (a) => env.isLocal(a) });
  }

  /** An assumption of the whole trace, said once. */
  private assume(text: string): void {
    if (!this.noted.has(text)) {
      this.noted.add(text);
      this.assumptions.push(text);
    }
  }

  run(start: PathState): PathState[] {
    const done: PathState[] = [];
    const stages = this.startStages(start);
    const work: Work[] = [{ path: start, stages }];
    while (work.length > 0) {
      const w = work.pop()!;
      if (w.path.verdict !== undefined || w.stages.length === 0) {
        if (w.path.verdict === undefined) w.path.verdict = 'ACCEPT';
        done.push(w.path);
        continue;
      }
      const [stage, ...rest] = w.stages as [Stage, ...Stage[]];
      if (stage === 'route') {
        work.push({ path: w.path, stages: [...this.route(w.path), ...rest] });
      } else if (stage === 'reroute') {
        work.push({ path: w.path, stages: [...this.reroute(w.path), ...rest] });
      } else {
        for (const r of this.hook(stage, w.path)) work.push({ path: r.path, stages: r.stages ?? rest });
      }
    }
    return done;
  }

  /** Where the journey starts: locally generated packets are routed first, others meet PREROUTING. */
  private startStages(path: PathState): Stage[] {
    const f = path.flow;
    if (this.req.from === 'host') {
      const local = this.inputs.env.isLocal(f.dst) === true;
      f.outIface = local ? 'lo' : this.outInterface(f.dst, path);
      path.steps.push(decision('routing', 'OUTPUT', local ? `routing: ${formatIpv4(f.dst)} is this node's: out by lo` : `routing: out by ${f.outIface}`));
      return [...FIRST_HOOKS.host, 'reroute'];
    }
    if (this.req.from === 'pod' && this.bridgedPodToPod(path)) return ['PREROUTING', 'FORWARD', 'POSTROUTING'];
    return [...FIRST_HOOKS[this.req.from], 'route'];
  }

  /**
   * Pod to pod on the same bridge is switched, not routed: iptables sees it only through
   * br_netfilter with bridge-nf-call-iptables = 1; with 0 it skips every chain.
   */
  private bridgedPodToPod(path: PathState): boolean {
    const f = path.flow;
    const out = this.inputs.env.userRoute(f.dst) ?? this.req.outIface;
    if (out === undefined || out !== f.inIface) return false;
    f.outIface = out;
    const s = this.inputs.env.sysctl('net.bridge.bridge-nf-call-iptables');
    if (s && s.number === 0) {
      path.steps.push(this.inputs.env.sysctlStep(s, null, `bridged pod-to-pod on ${out}: bridge-nf-call-iptables = 0, iptables is not consulted`));
      path.verdict = 'ACCEPT';
      return true;
    }
    f.bridged = true;
    const step = s
      ? this.inputs.env.sysctlStep(s, null, `bridged pod-to-pod on ${out}: bridge-nf-call-iptables = ${s.value}, iptables sees the bridged packet`)
      : decision('routing', null, `bridged pod-to-pod on ${out}: iptables sees it through br_netfilter`, ['bridge-nf-call-iptables assumed 1 (no sysctl dump sets it)']);
    path.steps.push(step);
    return true;
  }

  /** The interface a packet to `dst` leaves by: the user's routes, --out, the cluster network, else eth0 (assumed). */
  private outInterface(dst: number, path: PathState): string {
    const env = this.inputs.env;
    const user = env.userRoute(dst) ?? this.req.outIface;
    if (user !== undefined) return user;
    const c = env.cluster;
    if (c && inPrefix(dst, c.prefix)) {
      const iface = c.backend === 'host-gw' ? 'eth0' : c.backend === 'wireguard' ? 'flannel-wg' : 'flannel.1';
      path.assumptions.push(`${formatIpv4(dst)} is in the cluster network (${c.file}:${c.line}): assumed a pod on another node, out by ${iface} (pass --out or --route for a pod on this node)`);
      return iface;
    }
    this.assume(`routes are not in the dumps: packets to ${formatIpv4(dst)} assumed to leave by eth0 (pass --out or --route)`);
    return 'eth0';
  }

  /** The routing decision after PREROUTING: local delivery or forwarding, and the sysctls that may stop it. */
  private route(path: PathState): Stage[] {
    const f = path.flow;
    const env = this.inputs.env;
    if (inPrefix(f.dst, LOOPBACK) && f.inIface !== 'lo') {
      const s = env.sysctl(`net.ipv4.conf.${f.inIface}.route_localnet`) ?? env.sysctl('net.ipv4.conf.all.route_localnet');
      if (!s || s.number !== 1) {
        path.steps.push(
          s
            ? env.sysctlStep(s, 'PREROUTING', `routing: ${formatIpv4(f.dst)} from ${f.inIface} is a martian (route_localnet = ${s.value}): dropped`)
            : decision('routing', 'PREROUTING', `routing: ${formatIpv4(f.dst)} from ${f.inIface} is a martian: dropped`, ['route_localnet assumed 0 (the default; no sysctl dump sets it)']),
        );
        path.verdict = 'DROP';
        return [];
      }
      path.steps.push(env.sysctlStep(s, 'PREROUTING', `routing: route_localnet = 1 lets ${formatIpv4(f.dst)} in from ${f.inIface}`));
    }
    const local = f.redirected ? true : env.isLocal(f.dst);
    if (local === undefined) this.assume(`${formatIpv4(f.dst)} assumed not to be an address of this node (pass --local with the node's addresses)`);
    if (local === true) {
      f.outIface = '';
      path.steps.push(decision('routing', 'PREROUTING', `routing: ${formatIpv4(f.dst)} is this node's: delivered locally (INPUT)`));
      return [...AFTER_ROUTING.local];
    }
    const fwd = env.sysctl('net.ipv4.ip_forward');
    if (fwd && fwd.number === 0) {
      path.steps.push(env.sysctlStep(fwd, 'PREROUTING', 'routing: ip_forward = 0, this node does not forward: dropped'));
      path.verdict = 'DROP';
      return [];
    }
    f.outIface = this.outInterface(f.dst, path);
    const rp = this.rpFilter(f.inIface);
    const notes = fwd ? [] : ['ip_forward assumed 1 (no sysctl dump sets it)'];
    path.steps.push(fwd ? env.sysctlStep(fwd, 'PREROUTING', `routing: forwarded out by ${f.outIface} (ip_forward = ${fwd.value})`) : decision('routing', 'PREROUTING', `routing: forwarded out by ${f.outIface}`, notes));
    if (rp) path.steps.push(rp);
    return [...AFTER_ROUTING.forward];
  }

  /** rp_filter: the kernel uses the larger of `all` and the interface's value; strict mode needs the routes, which no dump shows. */
  private rpFilter(iface: string): TraceStep | undefined {
    const env = this.inputs.env;
    const all = env.sysctl('net.ipv4.conf.all.rp_filter');
    const dev = env.sysctl(`net.ipv4.conf.${iface}.rp_filter`);
    const pick = [all, dev].filter((x) => x !== undefined).sort((a, b) => (b!.number ?? 0) - (a!.number ?? 0))[0];
    if (!pick || !pick.number) return undefined;
    const mode = pick.number === 1 ? 'strict' : 'loose';
    const step = env.sysctlStep(pick, 'PREROUTING', `rp_filter = ${pick.value} (${mode}) on ${iface}: the packet passes only if the route back to its source ${mode === 'strict' ? `leaves by ${iface}` : 'exists'}`);
    return { ...step, assumptions: ['the node\'s routes are not in the dumps: the reverse path check is assumed to pass'] };
  }

  /** After OUTPUT: DNAT may have changed the destination; route again (to lo when it is now local). */
  private reroute(path: PathState): Stage[] {
    const f = path.flow;
    if (f.dst !== f.orig.dst || f.redirected) {
      const local = f.redirected || this.inputs.env.isLocal(f.dst) === true;
      f.outIface = local ? 'lo' : this.outInterface(f.dst, path);
      path.steps.push(decision('routing', 'OUTPUT', `routing again after DNAT: ${local ? 'to this node by lo' : `out by ${f.outIface}`}`));
      if (local) return [...AFTER_ROUTING.hostLocal];
    } else if (f.outIface === 'lo') return [...AFTER_ROUTING.hostLocal];
    return [...AFTER_ROUTING.hostOut];
  }

  private entries(hook: Hook): HookEntry[] {
    const list: HookEntry[] = [];
    for (const ruleset of this.inputs.rulesets) for (const base of ruleset.baseChains(hook)) list.push({ kind: 'chain', ruleset, base });
    if (hook === 'INPUT' && this.inputs.ipvs.length > 0) list.push({ kind: 'ipvs', priority: IPVS_PRIORITY });
    const prio = (e: HookEntry): number => (e.kind === 'chain' ? e.base.priority : e.priority);
    return list.sort((a, b) => prio(a) - prio(b));
  }

  /** Runs every chain of a hook in priority order; each path that survives goes on. */
  private hook(hook: Hook, start: PathState): { path: PathState; stages?: Stage[] }[] {
    // Looping back in by lo: the packet now arrives on lo.
    if (hook === 'PREROUTING' && this.req.from === 'host') start.flow.inIface = 'lo';
    let live: PathState[] = [start];
    const out: { path: PathState; stages?: Stage[] }[] = [];
    const ctx = { hook, env: this.matchEnv(hook), budget: this.budget };
    for (const entry of this.entries(hook)) {
      const next: PathState[] = [];
      for (const path of live) {
        if (entry.kind === 'ipvs') {
          const r = this.ipvs(path);
          if (r === undefined) next.push(path);
          else out.push(...r.map((p) => ({ path: p, stages: p.verdict ? [] : (['POSTROUTING'] as Stage[]) })));
          continue;
        }
        if (entry.base.type === 'nat' && !this.natRuns(hook, entry.base, path)) {
          next.push(path);
          continue;
        }
        for (const o of entry.ruleset.traverse(entry.base, path, ctx)) {
          if (o.result === 'accept') next.push(o.path);
          else {
            o.path.verdict = o.result;
            out.push({ path: o.path, stages: [] });
          }
        }
      }
      live = next;
    }
    for (const p of live) out.push({ path: p });
    return out;
  }

  /** nat chains see the first packet of a connection only, once per NAT direction. */
  private natRuns(hook: Hook, base: BaseChain, path: PathState): boolean {
    const f = path.flow;
    const kind = NAT_KIND[hook];
    if (f.ctstate !== 'NEW') {
      path.steps.push(decision('note', hook, `${base.table} ${base.chain} not consulted: conntrack state ${f.ctstate} (nat sees only a connection's first packet)`));
      return false;
    }
    // The kernel runs the nat chains of one hook in priority order (an iptables nat table and nft
    // nat chains interleave) until one sets up a mapping; a later hook of the same direction does not run them again.
    const decided = kind === 'dst' ? f.natDst : f.natSrc;
    const mapped = kind === 'dst' ? f.dnatDone : f.snatDone;
    if (decided && (f.natHook !== hook || mapped)) {
      path.steps.push(decision('note', hook, `${base.table} ${base.chain} not consulted: this connection's ${kind === 'dst' ? 'destination' : 'source'} NAT was decided earlier`));
      return false;
    }
    if (kind === 'dst') f.natDst = true;
    else f.natSrc = true;
    f.natHook = hook;
    return true;
  }

  /** IPVS at LOCAL_IN: a packet to a virtual service goes to a real server (forks by weight). */
  private ipvs(path: PathState): PathState[] | undefined {
    const f = path.flow;
    const hit = ipvsService(this.inputs.ipvs, f);
    if (!hit) return undefined;
    const svcAction = `IPVS virtual service ${hit.service.protocol.value} ${formatEndpoint(hit.vaddr, f.dport)} (scheduler ${hit.service.scheduler?.value ?? '?'})`;
    if (hit.choices.length === 0) {
      path.steps.push(ipvsStep(hit.document, hit.service, `${svcAction}: no real server with weight above 0; the packet goes to the local stack`));
      return undefined;
    }
    const base = path.probability;
    const choices = hit.choices.slice(0, Math.max(1, this.budget.maxPaths - this.budget.paths + 1));
    if (choices.length < hit.choices.length) path.assumptions.push(`more than ${this.budget.maxPaths} paths: only ${choices.length} of ${hit.choices.length} real servers followed`);
    const total = choices.reduce((a, c) => a + c.p, 0);
    this.budget.paths += choices.length - 1;
    return choices.map((c, i) => {
      const p = i === 0 ? path : forkPath(path);
      p.probability = base * (c.p / total);
      p.flow.dst = c.addr;
      if (c.port !== undefined) p.flow.dport = c.port;
      p.flow.ipvs = { vaddr: hit.vaddr, vport: f.dport, method: c.method };
      p.flow.dnatDone = c.method === 'Masq';
      p.nat.dnat = formatEndpoint(c.addr, c.port);
      p.steps.push(ipvsStep(hit.document, hit.service, svcAction));
      p.steps.push(ipvsStep(hit.document, c.server, `IPVS → ${p.nat.dnat} (${c.method}, weight ${c.server.weight?.value ?? 1}, p=${Math.round(c.p * 1e6) / 1e6})`, ['the real server is chosen by the scheduler\'s state; the trace uses weight / total weight']));
      p.flow.outIface = this.outInterface(c.addr, p);
      p.steps.push(decision('routing', 'OUTPUT', `IPVS sends the packet out by ${p.flow.outIface}`));
      return p;
    });
  }
}
