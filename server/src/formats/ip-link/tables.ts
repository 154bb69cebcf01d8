import type { ArityTable } from './words';

/**
 * Keywords `ip -d link` prints without a value (iproute2 ip/iplink_*.c print_opt functions). All
 * other words are `key value`. Kept to the kinds Kubernetes nodes have: vxlan, geneve, bridge
 * ports, ipip/gre tunnels, veth, wireguard.
 */
export const LINK_ARITY: ArityTable = {
  flags: new Set([
    // vxlan
    'nolearning', 'learning', 'proxy', 'noproxy', 'rsc', 'norsc', 'l2miss', 'nol2miss', 'l3miss', 'nol3miss',
    'udpcsum', 'noudpcsum', 'udp6zerocsumtx', 'noudp6zerocsumtx', 'udp6zerocsumrx', 'noudp6zerocsumrx',
    'remcsumtx', 'noremcsumtx', 'remcsumrx', 'noremcsumrx', 'external', 'noexternal', 'gbp', 'gpe', 'vnifilter',
    'localbypass', 'nolocalbypass',
    // ipip / gre / geneve
    'ipip', 'ip6ip', 'ip6ip6', 'any', 'pmtudisc', 'nopmtudisc', 'ignore-df', 'noignore-df', 'innerproto',
    // bridge port booleans also print as `key on|off` (handled by the on/off look-ahead)
    'hairpin', 'guard', 'root_block', 'fastleave', 'flood', 'mcast_flood', 'bcast_flood', 'mcast_to_unicast',
    'neigh_suppress', 'vlan_tunnel', 'isolated', 'locked', 'mab', 'proxy_arp', 'proxy_arp_wifi', 'mcast_fast_leave',
    'neigh_vlan_suppress',
  ]),
  twoValues: new Set(['srcport']),
};

/** Keys of address lines that take a value; every other word there is a keyword (`dynamic`, `secondary`, the label). */
export const ADDRESS_ARITY: ArityTable = {
  flags: new Set(),
  unknownIsFlag: true,
  valued: new Set(['brd', 'scope', 'peer', 'metric', 'valid_lft', 'preferred_lft', 'proto', 'anycast']),
};

/**
 * Words that start a detail line but are not a link kind (the line holds generic details:
 * `addrgenmode eui64 numtxqueues 1 ...`, `altname enp0s3`).
 */
export const DETAIL_KEYS: ReadonlySet<string> = new Set([
  'addrgenmode', 'numtxqueues', 'numrxqueues', 'gso_max_size', 'gso_max_segs', 'tso_max_size', 'tso_max_segs',
  'gro_max_size', 'gso_ipv4_max_size', 'gro_ipv4_max_size', 'parentbus', 'parentdev', 'altname', 'prop', 'vf',
  'RX:', 'TX:', 'alias', 'portname', 'portid', 'switchid', 'link-netnsid', 'link-netns', 'promiscuity', 'allmulti',
  'minmtu', 'maxmtu', 'openvswitch_slave', 'inet', 'inet6', 'valid_lft', 'preferred_lft',
]);
