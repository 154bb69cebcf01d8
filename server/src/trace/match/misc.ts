import type { IptMatch } from '../../formats/iptables/model';
import type { Flow } from '../flow';
import { parseIpv4, parseRange } from '../ip';
import { allOf, bool, negate, negated, unmodelled, value, YES, type MatchResult } from './types';

/** Matches that only count or annotate: they always hold. */
export const always = (): MatchResult => YES;

/** `-m iprange --src-range A-B / --dst-range A-B`. */
export function iprangeMatch(m: IptMatch, flow: Flow): MatchResult {
  return allOf(
    m.options.map((o) => {
      const r = parseRange(value(o) ?? '');
      const n = o.name.value;
      if (!r || (n !== '--src-range' && n !== '--dst-range')) return unmodelled('iprange', o);
      const a = n === '--src-range' ? flow.src : flow.dst;
      return negate(bool(a >= r.from && a <= r.to), negated(o));
    }),
  );
}

/** `-m ipvs --ipvs [--vaddr A] [--vport P] [--vmethod M]`: whether IPVS scheduled this packet. */
export function ipvsMatch(m: IptMatch, flow: Flow): MatchResult {
  return allOf(
    m.options.map((o): MatchResult => {
      const v = flow.ipvs;
      const neg = negated(o);
      switch (o.name.value) {
        case '--ipvs':
          return negate(bool(v !== undefined), neg);
        case '--vaddr': {
          const a = parseIpv4((value(o) ?? '').split('/')[0] ?? '');
          return a === undefined ? unmodelled('ipvs', o) : negate(bool(v !== undefined && v.vaddr === a), neg);
        }
        case '--vport':
          return negate(bool(v !== undefined && String(v.vport) === value(o)), neg);
        case '--vmethod':
          return negate(bool(v !== undefined && v.method.toUpperCase() === (value(o) ?? '').toUpperCase()), neg);
        case '--vdir':
          return negate(bool(v !== undefined && (value(o) ?? '').toUpperCase() === 'ORIGINAL'), neg);
        default:
          return unmodelled('ipvs', o);
      }
    }),
  );
}

/** `-m pkttype --pkt-type unicast|broadcast|multicast`. */
export function pkttypeMatch(m: IptMatch, flow: Flow): MatchResult {
  return allOf(
    m.options.map((o) => {
      if (o.name.value !== '--pkt-type') return unmodelled('pkttype', o);
      const first = flow.dst >>> 28 === 14 ? 'multicast' : flow.dst === 0xffffffff ? 'broadcast' : 'unicast';
      return negate(bool((value(o) ?? '').toLowerCase() === first), negated(o));
    }),
  );
}

/** A listing phrase no reader recognised (`?`) or a module with no model: assumed, said so. */
export function unknownModule(m: IptMatch): MatchResult {
  const text = m.options.map((o) => [o.name.value, ...o.values.map((v) => v.value)].join(' ')).join(' ');
  return { kind: 'assumed', value: true, note: `-m ${m.name.value}${text ? ` ${text}` : ''} is not simulated: assumed to match` };
}

