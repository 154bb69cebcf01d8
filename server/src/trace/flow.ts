import type { Packet, Protocol } from './packet';

/**
 * The packet as it is while it crosses the node: addresses and ports as NAT left them, the mark,
 * the interfaces, and what conntrack knows about its connection. One `Flow` per path; a fork
 * copies it (`cloneFlow`), so a branch never sees another branch's mark or NAT.
 */

/** conntrack's view of the packet (`-m conntrack --ctstate`, `-m state --state`). */
export const CT_STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'] as const;
export type CtState = (typeof CT_STATES)[number];

export type Origin = 'pod' | 'host' | 'external';

export interface Flow {
  protocol: Protocol;
  src: number;
  dst: number;
  sport: number | undefined;
  dport: number | undefined;
  /** The connection's original tuple (before any NAT): `--ctorigdst`, `--ctorigsrc`, ... */
  readonly orig: Packet;
  mark: number;
  /** The connection mark (CONNMARK, `-m connmark`). */
  ctmark: number;
  /** Empty when there is none (locally generated packets have no input interface). */
  inIface: string;
  outIface: string;
  ctstate: CtState;
  /** Set once the nat table changed the destination / source (`--ctstate DNAT` / `SNAT`). */
  dnatDone: boolean;
  snatDone: boolean;
  /** The nat chains of each NAT direction ran for this connection (they run once: nf_nat_initialized). */
  natDst: boolean;
  natSrc: boolean;
  /** The hook whose nat chains decided the last NAT direction (several nat chains of one hook run until one maps). */
  natHook: string;
  /** Bridged between two ports of one bridge (`-m physdev --physdev-is-bridged`). */
  bridged: boolean;
  /** REDIRECT sent the packet to this node (its new address is the input interface's, not in any dump). */
  redirected: boolean;
  /** The packet was scheduled by IPVS (`-m ipvs --ipvs`) and to which virtual service. */
  ipvs: { readonly vaddr: number; readonly vport: number | undefined; readonly method: string } | undefined;
}

export function newFlow(p: Packet, mark: number, ctstate: CtState, inIface: string, outIface: string): Flow {
  return {
    protocol: p.protocol,
    src: p.src,
    dst: p.dst,
    sport: p.sport,
    dport: p.dport,
    orig: p,
    mark,
    ctmark: 0,
    inIface,
    outIface,
    ctstate,
    dnatDone: false,
    snatDone: false,
    natDst: false,
    natSrc: false,
    natHook: '',
    bridged: false,
    redirected: false,
    ipvs: undefined,
  };
}

export function cloneFlow(f: Flow): Flow {
  return { ...f };
}
