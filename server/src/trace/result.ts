import type { Span } from '../core/span';

/**
 * What a trace answers, as data the CLI prints and a UI draws (tree, decorations, webview). The
 * JSON form is a contract documented in docs/trace.md: field names and meanings only ever grow.
 */

export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT';

/** What a step is: a rule whose counters would move, a chain policy, or a decision outside the rules. */
export type StepKind = 'rule' | 'policy' | 'routing' | 'sysctl' | 'conntrack' | 'ipvs' | 'note';

export interface TraceStep {
  readonly kind: StepKind;
  /** The document the step comes from (as the user named it), or null for decisions no file shows. */
  readonly file: string | null;
  /** One-based line in that file, or null. */
  readonly line: number | null;
  /** UTF-16 offsets of the rule / declaration / entry in the file (editors reveal and decorate it). */
  readonly span: Span | null;
  /** The netfilter hook the packet was in (`PREROUTING`, `FORWARD`, ...), or null before the first. */
  readonly hook: string | null;
  readonly table: string | null;
  readonly chain: string | null;
  /** What happened, in iptables words: `jump KUBE-SVC-X`, `DNAT 10.244.1.12:53`, `policy ACCEPT`. */
  readonly action: string;
  /** What the simulator could not know at this step and assumed instead (empty: nothing assumed). */
  readonly assumptions: readonly string[];
}

export interface TracePath {
  /** The chance of this branch: products of `statistic` probabilities, IPVS weights and even splits of unknowns. */
  readonly probability: number;
  readonly verdict: Verdict;
  /** Where DNAT (or IPVS) sent the packet: `IP:PORT` / `IP`, or null. */
  readonly dnat: string | null;
  /** `masquerade`, the SNAT address (`IP[:PORT]`), or null. */
  readonly snat: string | null;
  readonly steps: readonly TraceStep[];
  /** Decisions taken on this path without evidence (an ipset's membership, a branch of an unknown). */
  readonly assumptions: readonly string[];
}

export interface TracePacket {
  readonly protocol: string;
  readonly src: string;
  readonly sport: number | null;
  readonly dst: string;
  readonly dport: number | null;
  readonly from: 'pod' | 'host' | 'external';
  readonly in: string | null;
  readonly out: string | null;
  /** `0x0` when none. */
  readonly mark: string;
  readonly ctstate: string;
}

export interface TraceResult {
  readonly packet: TracePacket;
  /** The fate when every path agrees, else the fate of the most likely path (see `pathsDiffer`). */
  readonly verdict: Verdict;
  readonly pathsDiffer: boolean;
  /** Most likely first; probabilities add up to 1. */
  readonly paths: readonly TracePath[];
  /** What the whole trace assumed (interfaces, addresses, routes, which files were read). */
  readonly assumptions: readonly string[];
  /** The documents the trace read. */
  readonly sources: readonly string[];
}

/**
 * Merges paths whose outcome and steps are identical (two branches that end up doing exactly the
 * same thing), sorts the most likely first and picks the overall verdict.
 */
export function summarise(packet: TracePacket, raw: readonly TracePath[], assumptions: readonly string[], sources: readonly string[]): TraceResult {
  const byKey = new Map<string, TracePath>();
  for (const p of raw) {
    const key = JSON.stringify([p.verdict, p.dnat, p.snat, p.steps, p.assumptions]);
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, probability: seen.probability + p.probability } : p);
  }
  // Most likely first; equal chances in a stable order (by DNAT target, then verdict) so output is reproducible.
  const paths = [...byKey.values()].sort((a, b) => b.probability - a.probability || (a.dnat ?? '').localeCompare(b.dnat ?? '') || a.verdict.localeCompare(b.verdict));
  const first = paths[0];
  const verdict: Verdict = first ? first.verdict : 'DROP';
  const pathsDiffer = paths.some((p) => p.verdict !== verdict);
  return { packet, verdict, pathsDiffer, paths, assumptions, sources };
}
