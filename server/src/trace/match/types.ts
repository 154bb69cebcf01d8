import type { IptMatch, IptOption } from '../../formats/iptables/model';
import type { Flow } from '../flow';

/**
 * What one match says about the packet. Most say yes or no; the rest say why they cannot:
 * - `chance`: true with probability `p` (`statistic --mode random`): the path forks, probabilities multiply;
 * - `unknown`: no evidence either way (an ipset's members): the path forks into both, evenly, and
 *   each branch records what it assumed;
 * - `assumed`: the simulator cannot evaluate it (a match it has no model of, an address it cannot
 *   place) and takes `value`, written on the step as an assumption — never silently.
 */
export type MatchResult =
  | { readonly kind: 'yes' }
  | { readonly kind: 'no' }
  | { readonly kind: 'chance'; readonly p: number; readonly note: string }
  | { readonly kind: 'unknown'; readonly note: string }
  | { readonly kind: 'assumed'; readonly value: boolean; readonly note: string };

export const YES: MatchResult = { kind: 'yes' };
export const NO: MatchResult = { kind: 'no' };
export const bool = (b: boolean): MatchResult => (b ? YES : NO);

/** Where the packet is and what the node is known to have, for matches that need more than the packet. */
export interface MatchEnv {
  /** The netfilter hook being walked (`PREROUTING`, ...). */
  readonly hook: string;
  /** Whether an address is one of the node's own: true / false, or undefined when unknown. */
  isLocal(addr: number): boolean | undefined;
}

export type Evaluator = (m: IptMatch, flow: Flow, env: MatchEnv) => MatchResult;

/** Negates a result when the option carries `!` (an unknown stays unknown, a chance flips). */
export function negate(r: MatchResult, negated: boolean): MatchResult {
  if (!negated) return r;
  switch (r.kind) {
    case 'yes':
      return NO;
    case 'no':
      return YES;
    case 'chance':
      return { kind: 'chance', p: 1 - r.p, note: r.note };
    case 'unknown':
      return r;
    case 'assumed':
      return { kind: 'assumed', value: !r.value, note: r.note };
  }
}

/** Every option of a match must hold (iptables ANDs them); the first `no` decides, in order. */
export function allOf(results: readonly MatchResult[]): MatchResult {
  let p = 1;
  const notes: string[] = [];
  let unknown: string | undefined;
  let assumed: MatchResult | undefined;
  for (const r of results) {
    if (r.kind === 'no') return NO;
    if (r.kind === 'chance') {
      p *= r.p;
      notes.push(r.note);
    } else if (r.kind === 'unknown') unknown = r.note;
    else if (r.kind === 'assumed') {
      if (!r.value) return r;
      assumed = r;
    }
  }
  if (unknown !== undefined) return { kind: 'unknown', note: unknown };
  if (notes.length > 0) return { kind: 'chance', p, note: notes.join('; ') };
  return assumed ?? YES;
}

export const option = (m: IptMatch, ...names: string[]): IptOption | undefined => m.options.find((o) => names.includes(o.name.value));
export const value = (o: IptOption | undefined, i = 0): string | undefined => o?.values[i]?.value;
export const negated = (o: IptOption | undefined): boolean => o?.negation !== undefined;

/** An option this evaluator has no model of: assumed to hold, and said so. */
export const unmodelled = (module: string, o: IptOption): MatchResult => ({
  kind: 'assumed',
  value: true,
  note: `-m ${module} ${o.negation ? '! ' : ''}${o.name.value}${o.values.length ? ` ${o.values.map((v) => v.value).join(' ')}` : ''} is not simulated: assumed to match`,
});
