import type { IptMatch } from '../../formats/iptables/model';
import { negate, negated, option, unmodelled, value, type MatchResult } from './types';

/**
 * `-m statistic`: `--mode random --probability P` forks the path (P and 1-P), which is how
 * kube-proxy spreads a Service over its endpoints; `--mode nth --every N [--packet K]` depends on
 * a packet counter no dump shows, so it is taken as one packet in N, and said so.
 */
export function statisticMatch(m: IptMatch): MatchResult {
  const mode = value(option(m, '--mode'));
  if (mode === 'random') {
    const o = option(m, '--probability');
    const p = Number(value(o));
    if (!o || !Number.isFinite(p) || p < 0 || p > 1) return o ? unmodelled('statistic', o) : { kind: 'chance', p: 0.5, note: 'statistic random without --probability: 0.5' };
    return negate({ kind: 'chance', p, note: `statistic random ${p}` }, negated(o));
  }
  if (mode === 'nth') {
    const o = option(m, '--every');
    const every = Number(value(o));
    if (!o || !Number.isInteger(every) || every < 1) return o ? unmodelled('statistic', o) : { kind: 'assumed', value: true, note: 'statistic nth without --every: assumed to match' };
    return negate({ kind: 'chance', p: 1 / every, note: `statistic nth every ${every}: counts packets, taken as 1 in ${every} (assumption)` }, negated(o));
  }
  return { kind: 'assumed', value: true, note: `statistic mode '${mode ?? ''}' is not simulated: assumed to match` };
}
