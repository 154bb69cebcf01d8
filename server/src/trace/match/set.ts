import type { IptMatch } from '../../formats/iptables/model';
import { allOf, unmodelled, value, type MatchResult } from './types';

/**
 * `-m set --match-set NAME FLAGS`: ipset contents are not in iptables dumps, so membership is
 * unknown and the trace follows both answers (each branch records which it took).
 */
/** Options that change how the set is updated or counted, not whether the packet is a member. */
const COUNTING_ONLY = new Set(['--return-nomatch', '--update-counters', '--update-subcounters']);

export function setMatch(m: IptMatch): MatchResult {
  return allOf(
    m.options.map((o): MatchResult => {
      if (o.name.value !== '--match-set') return COUNTING_ONLY.has(o.name.value) ? { kind: 'yes' } : unmodelled('set', o);
      const name = value(o, 0) ?? '?';
      const flags = value(o, 1) ?? '';
      return { kind: 'unknown', note: `${o.negation ? 'not ' : ''}in ipset ${name} (${flags}): its members are not in the dump` };
    }),
  );
}
