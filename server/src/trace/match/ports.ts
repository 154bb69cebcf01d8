import type { IptMatch } from '../../formats/iptables/model';
import type { Flow } from '../flow';
import { allOf, bool, negate, negated, unmodelled, value, type MatchResult } from './types';

/**
 * Port matches: the protocol matches (`-p tcp --dport 80`, `-m udp --sport 1024:65535`) and
 * `multiport` (`--dports 80,443,8000:8080`). A port spec iptables accepts but we cannot read
 * (a service name from /etc/services) is assumed, never guessed.
 */

/** `80`, `1024:65535`, `:1023`, `1024:` → inclusive bounds; undefined when not numeric. */
export function portRange(text: string): { readonly from: number; readonly to: number } | undefined {
  const colon = text.indexOf(':');
  const num = (s: string, dflt: number): number | undefined => (s === '' ? dflt : /^\d{1,5}$/.test(s) ? Number(s) : undefined);
  const from = num(colon < 0 ? text : text.slice(0, colon), 0);
  const to = colon < 0 ? from : num(text.slice(colon + 1), 65535);
  return from === undefined || to === undefined ? undefined : { from, to };
}

function portIn(port: number | undefined, spec: string, list: boolean): boolean | undefined {
  if (port === undefined) return false;
  for (const part of list ? spec.split(',') : [spec]) {
    const r = portRange(part);
    if (r === undefined) return undefined;
    if (port >= r.from && port <= r.to) return true;
  }
  return false;
}

const TCP_FLAG_BITS: Readonly<Record<string, number>> = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ALL: 63, NONE: 0 };

/** The TCP flags a packet in this conntrack state carries, as the trace assumes them. */
function assumedFlags(flow: Flow): { flags: number; note: string } | undefined {
  if (flow.ctstate === 'NEW') return { flags: TCP_FLAG_BITS['SYN']!, note: 'a NEW TCP packet is assumed to be a SYN' };
  if (flow.ctstate === 'ESTABLISHED' || flow.ctstate === 'RELATED') return { flags: TCP_FLAG_BITS['ACK']!, note: `an ${flow.ctstate} TCP packet is assumed to carry only ACK` };
  return undefined;
}

function flagSet(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let n = 0;
  for (const f of text.split(',')) {
    const b = TCP_FLAG_BITS[f.toUpperCase()];
    if (b === undefined) return undefined;
    n |= b;
  }
  return n;
}

/** `--tcp-flags MASK COMP` / `--syn` against the assumed flags. */
function tcpFlags(flow: Flow, mask: number | undefined, comp: number | undefined, neg: boolean, label: string): MatchResult {
  const a = assumedFlags(flow);
  if (mask === undefined || comp === undefined || a === undefined) {
    return { kind: 'assumed', value: true, note: `${label}: the packet's TCP flags are not known (conntrack state ${flow.ctstate}): assumed to match` };
  }
  const hit = ((a.flags & mask) === comp) !== neg;
  return { kind: 'assumed', value: hit, note: a.note };
}

const portOption = (flow: Flow, name: string): number | undefined => (name.includes('sport') || name.includes('source') ? flow.sport : flow.dport);

/** tcp / udp / sctp / udplite protocol match. */
export function protocolPorts(m: IptMatch, flow: Flow): MatchResult {
  if (flow.protocol !== m.name.value) return { kind: 'no' };
  return allOf(
    m.options.map((o): MatchResult => {
      const n = o.name.value;
      if (n === '--dport' || n === '--sport' || n === '--destination-port' || n === '--source-port') {
        const hit = portIn(portOption(flow, n), value(o) ?? '', false);
        return hit === undefined ? unmodelled(m.name.value, o) : negate(bool(hit), negated(o));
      }
      if (n === '--syn') return tcpFlags(flow, TCP_FLAG_BITS['SYN']! | TCP_FLAG_BITS['RST']! | TCP_FLAG_BITS['ACK']! | TCP_FLAG_BITS['FIN']!, TCP_FLAG_BITS['SYN'], negated(o), '--syn');
      if (n === '--tcp-flags') return tcpFlags(flow, flagSet(value(o, 0)), flagSet(value(o, 1)), negated(o), '--tcp-flags');
      return unmodelled(m.name.value, o);
    }),
  );
}

/** `-m multiport --dports/--sports/--ports`. */
export function multiport(m: IptMatch, flow: Flow): MatchResult {
  return allOf(
    m.options.map((o): MatchResult => {
      const n = o.name.value;
      const spec = value(o) ?? '';
      let hit: boolean | undefined;
      if (n === '--dports' || n === '--destination-ports') hit = portIn(flow.dport, spec, true);
      else if (n === '--sports' || n === '--source-ports') hit = portIn(flow.sport, spec, true);
      else if (n === '--ports') {
        const d = portIn(flow.dport, spec, true);
        const s = portIn(flow.sport, spec, true);
        hit = d === undefined || s === undefined ? undefined : d || s;
      } else return unmodelled('multiport', o);
      return hit === undefined ? unmodelled('multiport', o) : negate(bool(hit), negated(o));
    }),
  );
}
