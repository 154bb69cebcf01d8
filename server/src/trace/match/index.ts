import type { IptMatch } from '../../formats/iptables/model';
import type { Flow } from '../flow';
import { addrtypeMatch } from './addrtype';
import { conntrackMatch, stateMatch } from './conntrack';
import { markMatch } from './marks';
import { always, iprangeMatch, ipvsMatch, pkttypeMatch, unknownModule } from './misc';
import { physdevMatch } from './physdev';
import { multiport, protocolPorts } from './ports';
import { setMatch } from './set';
import { statisticMatch } from './statistic';
import type { Evaluator, MatchEnv, MatchResult } from './types';

export type { MatchEnv, MatchResult } from './types';

/**
 * One evaluator per iptables match module, keyed by the module name as the model gives it (`-m`
 * name, or the protocol for implicit `-p tcp --dport` matches; the listing reader maps its
 * phrases to the same names). A module missing here is not guessed: `unknownModule` assumes it
 * holds and the step says so.
 */
export const MATCHES: Readonly<Record<string, Evaluator>> = {
  tcp: protocolPorts,
  udp: protocolPorts,
  sctp: protocolPorts,
  udplite: protocolPorts,
  multiport,
  mark: markMatch('mark'),
  connmark: markMatch('ctmark'),
  comment: always,
  nfacct: always,
  addrtype: addrtypeMatch,
  conntrack: conntrackMatch,
  state: stateMatch,
  statistic: statisticMatch,
  set: setMatch,
  physdev: physdevMatch,
  iprange: iprangeMatch,
  ipvs: ipvsMatch,
  pkttype: pkttypeMatch,
};

export function evaluateMatch(m: IptMatch, flow: Flow, env: MatchEnv): MatchResult {
  const f = Object.hasOwn(MATCHES, m.name.value) ? MATCHES[m.name.value] : undefined;
  return f ? f(m, flow, env) : unknownModule(m);
}
