// Shared pieces of the iproute2 grammars (ip link, ip addr, ip route, ip rule, bridge link).
// iproute2 separates every field with blanks, so words are matched between blanks; every regex is
// possessive or bounded, so tokenizing is linear. Names get the language suffix in emit().
import { R, ipv4Prefix, ipv6Token } from './common.mjs';

export const s = R`(?<![^\s])`;
export const e = R`(?![^\s])`;
const word = R`[^\s]++`;
const kw = (words) => R`${s}(?:${words})${e}`;

const on = { name: 'constant.language.boolean.on markup.inserted.on' };
const off = { name: 'constant.language.boolean.off markup.deleted.off' };

/** `5: veth1a2b3c4d@if2: <BROADCAST,MULTICAST,UP,LOWER_UP>` (ip link, ip addr, bridge link). */
export const header = {
  match: R`^(\d++)(:)\s++([^\s:@]++)(?:(@)([^\s:]++))?(:)\s++(<)([^>\s]*+)(>)`,
  name: 'meta.header.interface',
  captures: {
    1: { name: 'constant.numeric.index' },
    2: { name: 'punctuation.separator.index' },
    3: { name: 'entity.name.section.interface' },
    4: { name: 'punctuation.separator.peer' },
    5: { name: 'variable.other.peer' },
    6: { name: 'punctuation.separator.key-value' },
    7: { name: 'punctuation.definition.flags.begin' },
    8: {
      patterns: [
        { match: R`(?<![\w-])(?:UP|LOWER_UP)(?![\w-])`, name: 'constant.language.flag.up markup.inserted.up' },
        { match: R`(?<![\w-])(?:NO-CARRIER|M-DOWN|DORMANT)(?![\w-])`, name: 'constant.language.flag.down markup.deleted.down' },
        { match: R`[\w-]++`, name: 'constant.language.flag' },
      ],
    },
    9: { name: 'punctuation.definition.flags.end' },
  },
};

/** `state UP` / `state DOWN` (operational state) and bridge port states. */
export const state = {
  match: R`${s}(state)\s++(?:(UP|forwarding)|(DOWN|LOWERLAYERDOWN|disabled|blocking|NOTPRESENT)|(\S++))${e}`,
  captures: {
    1: { name: 'keyword.other.key' },
    2: { name: 'constant.language.state.up markup.inserted.up' },
    3: { name: 'constant.language.state.down markup.deleted.down' },
    4: { name: 'constant.language.state' },
  },
};

/** `hairpin on`, `learning off`: bridge port booleans and other on/off settings. */
export const onOff = {
  match: R`${s}([a-z][\w-]*+)\s++(?:(on)|(off))${e}`,
  captures: { 1: { name: 'keyword.other.key' }, 2: on, 3: off },
};

/** `mtu 1450`: the value rules care most about. */
export const mtu = {
  match: R`${s}(mtu)\s++(\d++)${e}`,
  captures: { 1: { name: 'keyword.other.key.mtu' }, 2: { name: 'constant.numeric.integer.mtu' } },
};

/** Keys whose value is an interface: `master cni0`, `dev eth0`, `iif cni0`. */
export const deviceRef = (keys) => ({
  match: R`${s}(${keys})\s++(${word})`,
  captures: { 1: { name: 'keyword.other.key' }, 2: { name: 'variable.other.interface' } },
});

export const linkType = { match: R`^\s++(link/[\w.-]++)`, captures: { 1: { name: 'storage.type.link' } } };
export const mac = { match: R`${s}[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5,19}${e}`, name: 'constant.other.mac-address' };
export const address = {
  match: R`${s}(?:${ipv4Prefix}|${ipv6Token}(?:/\d{1,3})?)${e}`,
  name: 'constant.numeric.ip-address',
};
export const number = { match: R`${s}(?:0x[0-9A-Fa-f]++(?:/0x[0-9A-Fa-f]++)?|\d++(?:\.\d++)?(?:sec)?)${e}`, name: 'constant.numeric' };
export const keyword = (words, scope = 'keyword.other.key') => ({ match: kw(words), name: scope });
export const errorLine = { match: R`^(?:Error|RTNETLINK answers|Cannot find device|Device "[^"]*+" does not exist|Object "[^"]*+" is unknown).*+$`, name: 'invalid.illegal.error' };

/** Link kinds as `ip -d` prints them on their own line. */
export const kinds = 'vxlan|geneve|wireguard|ipip|ip6tnl|sit|gre|gretap|ip6gre|veth|bridge|bridge_slave|bond|bond_slave|dummy|vlan|macvlan|ipvlan|vrf|vrf_slave|tun|openvswitch|openvswitch_slave|team|team_slave|xfrm|nlmon|ifb';
export const kindLine = { match: R`^\s++(${kinds})${e}`, captures: { 1: { name: 'entity.name.type.kind' } } };

export const LINK_KEYS = 'mtu|qdisc|state|mode|group|qlen|master|link-netnsid|link-netns|promiscuity|allmulti|minmtu|maxmtu|addrgenmode|numtxqueues|numrxqueues|gso_max_size|gso_max_segs|tso_max_size|tso_max_segs|gro_max_size|gso_ipv4_max_size|gro_ipv4_max_size|parentbus|parentdev|altname|brd|id|local|remote|dev|dstport|srcport|ttl|tos|ageing|maxaddress|priority|cost|port_id|port_no|designated_port|designated_cost|designated_bridge|designated_root|forward_delay|hello_time|max_age|ageing_time|stp_state|vlan_filtering|vlan_protocol|bridge_id|root_id|root_port|root_path_cost|group_fwd_mask|group_fwd_mask_str|mcast_router|peer|scope|valid_lft|preferred_lft|metric|proto|label|nf_call_iptables|nf_call_ip6tables|nf_call_arptables|mcast_snooping';
export const LINK_FLAGS = 'nolearning|learning|proxy|rsc|l2miss|l3miss|udpcsum|noudpcsum|udp6zerocsumtx|noudp6zerocsumtx|udp6zerocsumrx|noudp6zerocsumrx|external|gbp|gpe|pmtudisc|nopmtudisc|dynamic|noprefixroute|secondary|tentative|nodad|deprecated|permanent|mngtmpaddr|temporary|home|optimistic|dadfailed';

/** A grammar object with the schema header. */
export function grammarOf(name, comment, patterns, repository) {
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name,
    scopeName: `source.${name}`,
    comment,
    patterns,
    repository,
  };
}

/** ip link / ip addr / bridge link share their line shapes. */
export function linkRepository() {
  return {
    error: errorLine,
    header,
    'link-type': linkType,
    'kind-line': kindLine,
    family: { match: R`^\s++(inet6?+)${e}`, captures: { 1: { name: 'storage.type.family' } } },
    mtu,
    state,
    'on-off': onOff,
    'device-ref': deviceRef('master|dev|link-netns'),
    mac,
    address,
    key: keyword(LINK_KEYS),
    flag: keyword(LINK_FLAGS, 'storage.modifier.flag'),
    number,
  };
}

export const linkPatterns = ['error', 'header', 'link-type', 'kind-line', 'family', 'mtu', 'state', 'on-off', 'device-ref', 'mac', 'address', 'key', 'flag', 'number'].map((k) => ({ include: `#${k}` }));
