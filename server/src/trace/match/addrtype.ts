import type { IptMatch } from '../../formats/iptables/model';
import type { Flow } from '../flow';
import { formatIpv4, inPrefix, parsePrefix } from '../ip';
import { allOf, bool, negate, negated, unmodelled, value, type MatchEnv, type MatchResult } from './types';

/**
 * `-m addrtype --src-type/--dst-type TYPE[,TYPE]`: the kernel asks its routing table what kind of
 * address it is. LOCAL needs the node's own addresses: loopback always, the others when the trace
 * knows them (`--local`); otherwise the answer is an assumption written on the step.
 */

const MULTICAST = parsePrefix('224.0.0.0/4')!;

type Kind = boolean | undefined;

/** One address type against one address; undefined when the trace cannot tell. */
function isType(type: string, a: number, env: MatchEnv): Kind {
  const local = env.isLocal(a);
  switch (type) {
    case 'LOCAL':
      return local;
    case 'MULTICAST':
      return inPrefix(a, MULTICAST);
    case 'BROADCAST':
      // The limited broadcast is certain; a subnet's broadcast address needs the interface's prefix.
      return a === 0xffffffff ? true : undefined;
    case 'UNICAST':
      if (inPrefix(a, MULTICAST) || a === 0xffffffff) return false;
      return local === undefined ? undefined : !local;
    case 'UNSPEC':
      return a === 0;
    default:
      // BLACKHOLE, UNREACHABLE, PROHIBIT, THROW, NAT, XRESOLVE, ANYCAST: route types of the node's
      // routing table, which no dump shows.
      return undefined;
  }
}

export function addrtypeMatch(m: IptMatch, flow: Flow, env: MatchEnv): MatchResult {
  return allOf(
    m.options.map((o): MatchResult => {
      const n = o.name.value;
      if (n !== '--src-type' && n !== '--dst-type') return unmodelled('addrtype', o);
      const a = n === '--src-type' ? flow.src : flow.dst;
      const types = (value(o) ?? '').split(',').map((t) => t.toUpperCase());
      let hit: Kind = false;
      for (const t of types) {
        const k = isType(t, a, env);
        if (k === true) {
          hit = true;
          break;
        }
        if (k === undefined) hit = undefined;
      }
      if (hit !== undefined) return negate(bool(hit), negated(o));
      // Unknown: take "not an address of the node" (the node's addresses were not given), and say so.
      const guess = types.includes('LOCAL') ? false : true;
      return negate(
        { kind: 'assumed', value: guess, note: `${formatIpv4(a)} assumed ${guess ? '' : 'not '}to be of type ${types.join(',')} (the node's own addresses are not known: pass --local)` },
        negated(o),
      );
    }),
  );
}
