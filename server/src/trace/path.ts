import { cloneFlow, type Flow } from './flow';
import type { TraceStep, Verdict } from './result';
import type { NatRecord } from './targets';

/**
 * One branch of a trace while it is being walked: the packet as it is now, its probability,
 * the steps so far, and what it assumed. A fork copies it; steps are appended, never shared
 * mutably (the arrays are copied on fork).
 */
export interface PathState {
  readonly flow: Flow;
  probability: number;
  readonly steps: TraceStep[];
  readonly assumptions: string[];
  readonly nat: NatRecord;
  /** Set when the packet's fate is decided on this path. */
  verdict: Verdict | undefined;
}

export function newPath(flow: Flow): PathState {
  return { flow, probability: 1, steps: [], assumptions: [], nat: { dnat: null, snat: null }, verdict: undefined };
}

export function forkPath(p: PathState): PathState {
  return {
    flow: cloneFlow(p.flow),
    probability: p.probability,
    steps: p.steps.slice(),
    assumptions: p.assumptions.slice(),
    nat: { ...p.nat },
    verdict: p.verdict,
  };
}

/** Limits shared by every path of one trace, so that no dump makes a trace run away. */
export interface Budget {
  /** Paths alive or finished; a fork beyond `maxPaths` follows only the likelier branch (and says so). */
  paths: number;
  readonly maxPaths: number;
  /** Rule evaluations left for the whole trace. */
  evaluations: number;
}

export const DEFAULT_MAX_PATHS = 256;
export const DEFAULT_MAX_EVALUATIONS = 2_000_000;

export function newBudget(maxPaths = DEFAULT_MAX_PATHS, maxEvaluations = DEFAULT_MAX_EVALUATIONS): Budget {
  return { paths: 1, maxPaths, evaluations: maxEvaluations };
}
