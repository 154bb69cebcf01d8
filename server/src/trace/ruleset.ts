import type { ChainType, Hook } from './hooks';
import type { MatchEnv } from './match/types';
import type { Budget, PathState } from './path';
import type { Verdict } from './result';

/**
 * The seam between the tracer and a firewall's rules. The tracer owns the packet's journey
 * (hooks in order, conntrack, routing, sysctls, IPVS); a Ruleset owns its chains: which base
 * chains it attaches to a hook, and how a packet walks one of them. iptables implements it
 * today (walk.ts); nftables (base chains with their own priorities, verdict maps, numgen) plugs
 * in by implementing the same two methods.
 */

export interface BaseChain {
  readonly table: string;
  readonly chain: string;
  readonly priority: number;
  readonly type: ChainType;
}

/** How one base chain ended for one path: accepted (on to the next chain), or the packet's fate. */
export interface ChainOutcome {
  readonly path: PathState;
  readonly result: 'accept' | Exclude<Verdict, 'ACCEPT'>;
}

export interface WalkContext {
  readonly hook: Hook;
  readonly env: MatchEnv;
  readonly budget: Budget;
}

export interface Ruleset {
  /** The document, as the user named it (steps point into it). */
  readonly file: string;
  /** The base chains attached at `hook`, in the order the kernel runs them. */
  baseChains(hook: Hook): readonly BaseChain[];
  /** Walks one base chain; a path may fork (statistic, unknown ipset membership). */
  traverse(chain: BaseChain, path: PathState, ctx: WalkContext): ChainOutcome[];
}
