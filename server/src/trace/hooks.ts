import type { Origin } from './flow';

/**
 * Where netfilter runs the tables, as data: for each hook, the tables that attach to it in the
 * kernel's priority order (include/uapi/linux/netfilter_ipv4.h: raw -300, conntrack -200,
 * mangle -150, nat DNAT -100, filter 0, security 50, nat SNAT 100), and for each origin of a
 * packet the hooks it passes. A Ruleset (iptables today, nftables later) says which of these
 * chains it has; the tracer walks them in this order.
 */

export type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** `nat` chains see only a connection's first packet, once per direction of NAT. */
export type ChainType = 'filter' | 'nat';

export interface HookTable {
  readonly table: string;
  readonly priority: number;
  readonly type: ChainType;
}

/** Priority of conntrack's own hook (state lookup) at PREROUTING and OUTPUT. */
export const CONNTRACK_PRIORITY = -200;
/** IPVS schedules at LOCAL_IN after filter (NF_IP_PRI_NAT_SRC - 2). */
export const IPVS_PRIORITY = 98;

export const IPTABLES_HOOKS: Readonly<Record<Hook, readonly HookTable[]>> = {
  PREROUTING: [
    { table: 'raw', priority: -300, type: 'filter' },
    { table: 'mangle', priority: -150, type: 'filter' },
    { table: 'nat', priority: -100, type: 'nat' },
  ],
  INPUT: [
    { table: 'mangle', priority: -150, type: 'filter' },
    { table: 'filter', priority: 0, type: 'filter' },
    { table: 'security', priority: 50, type: 'filter' },
    { table: 'nat', priority: 100, type: 'nat' },
  ],
  FORWARD: [
    { table: 'mangle', priority: -150, type: 'filter' },
    { table: 'filter', priority: 0, type: 'filter' },
    { table: 'security', priority: 50, type: 'filter' },
  ],
  OUTPUT: [
    { table: 'raw', priority: -300, type: 'filter' },
    { table: 'mangle', priority: -150, type: 'filter' },
    { table: 'nat', priority: -100, type: 'nat' },
    { table: 'filter', priority: 0, type: 'filter' },
    { table: 'security', priority: 50, type: 'filter' },
  ],
  POSTROUTING: [
    { table: 'mangle', priority: -150, type: 'filter' },
    { table: 'nat', priority: 100, type: 'nat' },
  ],
};

/** Which NAT a nat chain at this hook sets up: destination before routing, source after. */
export const NAT_KIND: Readonly<Record<Hook, 'dst' | 'src'>> = {
  PREROUTING: 'dst',
  OUTPUT: 'dst',
  INPUT: 'src',
  POSTROUTING: 'src',
  FORWARD: 'src',
};

/** The hooks before the routing decision, per origin (the rest depends on where the route goes). */
export const FIRST_HOOKS: Readonly<Record<Origin, readonly Hook[]>> = {
  pod: ['PREROUTING'],
  external: ['PREROUTING'],
  host: ['OUTPUT'],
};

/** After routing: delivered to this node, or forwarded out of an interface. */
export const AFTER_ROUTING: Readonly<Record<'local' | 'forward' | 'hostOut' | 'hostLocal', readonly Hook[]>> = {
  local: ['INPUT'],
  forward: ['FORWARD', 'POSTROUTING'],
  hostOut: ['POSTROUTING'],
  // Local traffic to the node itself leaves by POSTROUTING on lo and comes back in by PREROUTING/INPUT.
  hostLocal: ['POSTROUTING', 'PREROUTING', 'INPUT'],
};
