import type { IptMatch } from '../../formats/iptables/model';
import type { Flow } from '../flow';
import { allOf, bool, negate, negated, unmodelled, value, type MatchEnv, type MatchResult } from './types';

/**
 * `-m physdev`: bridge ports of a bridged packet (br_netfilter). A routed packet has no bridge
 * ports (names compare as empty, `--physdev-is-*` are false, as xt_physdev does). For a bridged
 * packet the bridge port names are not in any dump: unknown, both branches.
 */
export function physdevMatch(m: IptMatch, flow: Flow, env: MatchEnv): MatchResult {
  return allOf(
    m.options.map((o): MatchResult => {
      const n = o.name.value;
      const neg = negated(o);
      if (n === '--physdev-is-bridged') return negate(bool(flow.bridged), neg);
      if (n === '--physdev-is-in') return negate(bool(flow.bridged), neg);
      if (n === '--physdev-is-out') return negate(bool(flow.bridged && (env.hook === 'FORWARD' || env.hook === 'POSTROUTING')), neg);
      if (n === '--physdev-in' || n === '--physdev-out') {
        if (!flow.bridged) return negate(bool(false), neg);
        return { kind: 'unknown', note: `bridge port ${n.slice(10)} ${neg ? '!= ' : '= '}${value(o) ?? ''}: bridge port names are not in the dumps` };
      }
      return unmodelled('physdev', o);
    }),
  );
}
