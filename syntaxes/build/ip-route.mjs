import { R, emit } from './common.mjs';
import { address, deviceRef, e, errorLine, grammarOf, keyword, mtu, number, s } from './iproute2.mjs';

const types = 'unicast|local|broadcast|multicast|anycast|unreachable|blackhole|prohibit|throw|nat';
const repository = {
  error: errorLine,
  destination: {
    match: R`^(?:(${types})\s++)?(default|\S++)`,
    captures: { 1: { name: 'keyword.control.route-type' }, 2: { patterns: [{ match: '^default$', name: 'constant.language.default' }, { include: '#address' }] } },
  },
  nexthop: { match: R`^\s++(nexthop)${e}`, captures: { 1: { name: 'keyword.control.nexthop' } } },
  'device-ref': deviceRef('dev'),
  table: { match: R`${s}(table)\s++(\S++)`, captures: { 1: { name: 'keyword.other.key' }, 2: { name: 'entity.name.section.table' } } },
  mtu,
  key: keyword('via|proto|scope|src|metric|pref|expires|hoplimit|weight|realm|realms|advmss|rtt|rttvar|cwnd|initcwnd|initrwnd|quickack|features|nhid|encap|window|ssthresh|reordering|lock'),
  flag: keyword('onlink|linkdown|dead|pervasive|offload|trap|notify|rt_offload|rt_trap|rt_offload_failed', 'storage.modifier.flag'),
  address,
  number,
};
const patterns = ['error', 'destination', 'nexthop', 'device-ref', 'table', 'mtu', 'key', 'flag', 'address', 'number'].map((k) => ({ include: `#${k}` }));
emit(process.argv[2], grammarOf('ip-route', 'ip route / ip route show table all / ip -6 route: one route per line (type, destination, then key value pairs), multipath nexthop lines. Word based, linear.', patterns, repository), 'ip-route');
