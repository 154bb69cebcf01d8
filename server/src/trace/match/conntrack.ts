import type { IptMatch } from '../../formats/iptables/model';
import type { Flow } from '../flow';
import { parsePrefix, inPrefix } from '../ip';
import { portRange } from './ports';
import { allOf, bool, negate, negated, unmodelled, value, type MatchResult } from './types';

/**
 * `-m conntrack` and its older spelling `-m state`. The packet's state comes from the trace
 * request (`--ctstate`, NEW by default); the virtual states DNAT and SNAT hold once the nat table
 * changed the connection's tuple, as in the kernel (the first packet already carries them).
 */

/** The states a packet is in, as `--ctstate` names them. */
function states(flow: Flow): Set<string> {
  const s = new Set<string>([flow.ctstate]);
  if (flow.dnatDone) s.add('DNAT');
  if (flow.snatDone) s.add('SNAT');
  return s;
}

function stateList(text: string | undefined, flow: Flow): boolean {
  const have = states(flow);
  return (text ?? '').split(',').some((x) => have.has(x.toUpperCase()));
}

const addr = (text: string | undefined, a: number): boolean | undefined => {
  const p = parsePrefix(text ?? '');
  return p ? inPrefix(a, p) : undefined;
};

const port = (text: string | undefined, p: number | undefined): boolean | undefined => {
  const r = portRange(text ?? '');
  return r ? p !== undefined && p >= r.from && p <= r.to : undefined;
};

/** Evaluators per `--ct*` option, over the connection's original tuple (before NAT) and its reply. */
const CT_OPTIONS: Readonly<Record<string, (v: string | undefined, f: Flow) => boolean | undefined>> = {
  '--ctstate': stateList,
  '--ctproto': (v, f) => (v ?? '').toLowerCase() === f.protocol || Number(v) === { tcp: 6, udp: 17, sctp: 132, icmp: 1 }[f.protocol],
  '--ctorigsrc': (v, f) => addr(v, f.orig.src),
  '--ctorigdst': (v, f) => addr(v, f.orig.dst),
  // The reply comes from where DNAT sent the packet, to where SNAT made it come from.
  '--ctreplsrc': (v, f) => addr(v, f.dst),
  '--ctrepldst': (v, f) => addr(v, f.src),
  '--ctorigsrcport': (v, f) => port(v, f.orig.sport),
  '--ctorigdstport': (v, f) => port(v, f.orig.dport),
  '--ctreplsrcport': (v, f) => port(v, f.dport),
  '--ctrepldstport': (v, f) => port(v, f.sport),
  '--ctdir': (v) => (v ?? '').toUpperCase() === 'ORIGINAL',
};

export function conntrackMatch(m: IptMatch, flow: Flow): MatchResult {
  return allOf(
    m.options.map((o) => {
      const f = CT_OPTIONS[o.name.value];
      const hit = f?.(value(o), flow);
      return hit === undefined ? unmodelled(m.name.value, o) : negate(bool(hit), negated(o));
    }),
  );
}

export function stateMatch(m: IptMatch, flow: Flow): MatchResult {
  return allOf(m.options.map((o) => (o.name.value === '--state' ? negate(bool(stateList(value(o), flow)), negated(o)) : unmodelled('state', o))));
}
