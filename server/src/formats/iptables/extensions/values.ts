/**
 * Value checks, each written after the parsing code of iptables 1.8.9 (libxtables and the
 * extension modules) and cross-checked with `iptables-restore --test` (test/formats/iptables/
 * oracle.test.ts). A check returns `undefined` when iptables accepts the value, else a message.
 *
 * Deliberate leniency (iptables' answer depends on the machine, not on the text):
 * - a host NAME (`-s db.example`, last label starting with a letter) is accepted: iptables
 *   resolves it through DNS / /etc/hosts at restore time;
 * - a port or service NAME (`--dport ssh`) is accepted when it starts with a letter
 *   (/etc/services differs between machines); numeric ports are checked exactly;
 * - protocol names are checked against the IANA keyword list of /etc/protocols (netbase).
 * All loops are linear in the value length; no regular expression can backtrack.
 */
import { isPlaceholder } from '../../../core/redaction';

export type Family = 'ipv4' | 'ipv6' | undefined;
export type Check = (value: string, family: Family) => string | undefined;

const UINT_RE = /^\+?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/;

/** `strtoumax(s, &end, 0)` consuming all of `s`, within [min, max] (xtables_strtoul_base). */
export function parseUint(s: string, min = 0, max = 0xffffffff): number | undefined {
  if (!UINT_RE.test(s)) return undefined;
  const t = s[0] === '+' ? s.slice(1) : s;
  let v: number;
  if (t.length > 1 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X')) v = parseInt(t.slice(2), 16);
  else if (t.length > 1 && t[0] === '0') v = parseInt(t, 8);
  else v = parseInt(t, 10);
  return Number.isFinite(v) && v >= min && v <= max ? v : undefined;
}

// ---------------------------------------------------------------- addresses

/** Plain dotted-decimal `a.b.c.d` without leading zeros (what iptables-save prints), scanned without allocating. */
function plainDottedQuad(s: string, from: number, to: number): boolean {
  let parts = 0;
  let i = from;
  while (i < to) {
    const st = i;
    let n = 0;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      i++;
    }
    const len = i - st;
    if (len === 0 || len > 3 || n > 255 || (len > 1 && s.charCodeAt(st) === 48)) return false;
    parts++;
    if (i === to) break;
    if (s.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
    if (i === to) return false;
  }
  return parts === 4;
}

/** libxtables `__numeric_to_ipaddr`: 1-4 dotted parts, each strtoul base 0 <= 255; fewer parts autocomplete. */
function numericIpv4(s: string, isMask: boolean): boolean {
  if (plainDottedQuad(s, 0, s.length)) return true;
  if (s.length === 0) return false;
  const parts = s.split('.');
  if (parts.length > 4) return false;
  if (isMask && parts.length !== 4) return false;
  for (const p of parts) if (parseUint(p, 0, 255) === undefined) return false;
  return true;
}

/** inet_pton(AF_INET): exactly four decimal octets without leading zeros. */
export function strictIpv4(s: string): boolean {
  return plainDottedQuad(s, 0, s.length);
}

/** inet_pton(AF_INET6). */
export function strictIpv6(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  let groups = 0;
  let doubleColon = false;
  let i = 0;
  if (s.startsWith('::')) {
    doubleColon = true;
    i = 2;
    if (i === s.length) return true;
  } else if (s[0] === ':') return false;
  while (i < s.length) {
    let j = i;
    while (j < s.length && s[j] !== ':' && s[j] !== '.') j++;
    if (j < s.length && s[j] === '.') {
      // Trailing dotted IPv4: counts as two groups and must end the address.
      if (!strictIpv4(s.slice(i))) return false;
      groups += 2;
      i = s.length;
      break;
    }
    const g = s.slice(i, j);
    if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return false;
    groups++;
    if (j === s.length) {
      i = j;
      break;
    }
    // s[j] === ':'
    if (s[j + 1] === ':') {
      if (doubleColon) return false;
      doubleColon = true;
      i = j + 2;
      if (i === s.length) break;
    } else {
      i = j + 1;
      if (i === s.length) return false;
    }
  }
  return doubleColon ? groups <= 7 : groups === 8;
}

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
/**
 * A name iptables would hand to the resolver: DNS labels, the last one starting with a letter.
 * A redaction placeholder (`x.x.x.x`, `10.0.x.x`) has that shape but names nothing: it is refused
 * like any other bad address, and the reader folds it into its one redaction note (core/redaction.ts).
 */
function hostName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = (s.endsWith('.') ? s.slice(0, -1) : s).split('.');
  for (const l of labels) if (!LABEL.test(l)) return false;
  return /^[A-Za-z]/.test(labels[labels.length - 1]!) && !isPlaceholder(s);
}

function ipv4HostMask(s: string, allowMask: boolean): string | undefined {
  const slash = s.indexOf('/');
  // Fast path for iptables-save's own spelling: a.b.c.d/len.
  if (allowMask && slash > 0 && slash >= s.length - 3 && plainDottedQuad(s, 0, slash)) {
    const len = s.length - slash - 1;
    const a = s.charCodeAt(slash + 1) - 48;
    const b = len === 2 ? s.charCodeAt(slash + 2) - 48 : 0;
    if (len === 1 && a >= 0 && a <= 9) return undefined;
    if (len === 2 && a >= 1 && a <= 3 && b >= 0 && b <= 9 && a * 10 + b <= 32) return undefined;
  }
  const addr = slash < 0 ? s : s.slice(0, slash);
  if (slash >= 0) {
    if (!allowMask) return `'${s}' must be an address without a mask`;
    const mask = s.slice(slash + 1);
    const ok = mask.includes('.') ? numericIpv4(mask, true) : parseUint(mask, 0, 32) !== undefined;
    if (!ok) return `invalid mask '${mask}' (IPv4 prefix lengths are 0-32)`;
  }
  if (numericIpv4(addr, false) || hostName(addr)) return undefined;
  return `'${addr}' is not an IPv4 address`;
}

function ipv6HostMask(s: string, allowMask: boolean): string | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  if (slash >= 0) {
    if (!allowMask) return `'${s}' must be an address without a mask`;
    const mask = s.slice(slash + 1);
    const ok = mask.includes(':') ? strictIpv6(mask) : parseUint(mask, 0, 128) !== undefined;
    if (!ok) return `invalid mask '${mask}' (IPv6 prefix lengths are 0-128)`;
  }
  if (strictIpv6(addr) || hostName(addr)) return undefined;
  return `'${addr}' is not an IPv6 address`;
}

/** One `addr[/mask]` for the family; with an unknown family either kind is accepted. */
export function hostMask(s: string, family: Family, allowMask = true): string | undefined {
  if (family === 'ipv4') return ipv4HostMask(s, allowMask);
  if (family === 'ipv6') return ipv6HostMask(s, allowMask);
  const v4 = ipv4HostMask(s, allowMask);
  return v4 === undefined || ipv6HostMask(s, allowMask) === undefined ? undefined : v4;
}

/** `-s` / `-d`: a comma-separated list of `addr[/mask]`. */
export const addressList: Check = (s, family) => {
  if (!s.includes(',')) return hostMask(s, family);
  for (const part of s.split(',')) {
    const e = hostMask(part, family);
    if (e) return e;
  }
  return undefined;
};

function numericAddr(s: string, family: Family): boolean {
  if (family === 'ipv4') return strictIpv4(s);
  if (family === 'ipv6') return strictIpv6(s);
  return strictIpv4(s) || strictIpv6(s);
}

// ---------------------------------------------------------------- ports and numbers

const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9._+-]*$/;
export function port(s: string): number | string | undefined {
  const n = parseUint(s, 0, 65535);
  if (n !== undefined) return n;
  return SERVICE_NAME.test(s) ? s : undefined;
}

/** `a`, `a:b`, `:b`, `a:` (tcp/udp/sctp/dccp `--sport`/`--dport`, conntrack port ranges). */
export const portRange: Check = (s) => {
  const c = s.indexOf(':');
  if (c < 0) return port(s) === undefined ? `invalid port/service '${s}'` : undefined;
  const a = s.slice(0, c);
  const b = s.slice(c + 1);
  const pa = a === '' ? 0 : port(a);
  const pb = b === '' ? 65535 : port(b);
  if (pa === undefined) return `invalid port/service '${a}'`;
  if (pb === undefined) return `invalid port/service '${b}'`;
  if (typeof pa === 'number' && typeof pb === 'number' && pa > pb) return `invalid port range '${s}' (first port is larger than the last)`;
  return undefined;
};

/**
 * The xtables PORTRC type (udp, dccp, conntrack ports) as 1.8.9 really parses it: each side of
 * ':' is empty, a decimal number (not range-checked: `--dport 70000` passes) or a service name;
 * hex and octal spellings go to the service lookup and fail; min > max is not checked.
 */
const x6PortRange: Check = (s) => {
  for (const p of s.split(':')) {
    if (p === '' || SERVICE_NAME.test(p)) continue;
    if (!/^\d+$/.test(p) || BigInt(p) > 0xffffffffffffffffn) return `port '${p}' is neither a number nor a service name`;
  }
  return undefined;
};

/** multiport: up to 15 ports, a range counting two. */
const multiportList: Check = (s) => {
  let count = 0;
  for (const p of s.split(',')) {
    if (p === '') return `empty port in list '${s}'`;
    const c = p.indexOf(':');
    if (c >= 0) {
      const e = portRange(p, undefined);
      if (e) return e;
      count += 2;
    } else {
      if (port(p) === undefined) return `invalid port/service '${p}'`;
      count++;
    }
  }
  return count > 15 ? `too many ports in '${s}' (multiport takes at most 15, a range counts as two)` : undefined;
};

const TYPE_MAX: Record<string, number> = { UINT8: 0xff, UINT16: 0xffff, UINT32: 0xffffffff, UINT64: Number.MAX_SAFE_INTEGER };

function uint(s: string, bits: string, min: number, max: number): string | undefined {
  const hi = max || TYPE_MAX[bits]!;
  if (bits === 'UINT64' && /^\d{16,20}$/.test(s)) {
    return BigInt(s) <= 0xffffffffffffffffn ? undefined : `'${s}' is out of range`;
  }
  return parseUint(s, min, hi) === undefined ? `'${s}' is not a number in ${min}-${hi}` : undefined;
}

function uintRange(s: string, bits: string, min: number, max: number): string | undefined {
  const c = s.indexOf(':');
  if (c < 0) return uint(s, bits, min, max);
  const a = s.slice(0, c);
  const b = s.slice(c + 1);
  return (a === '' ? undefined : uint(a, bits, min, max)) ?? (b === '' ? undefined : uint(b, bits, min, max));
}

const DOUBLE_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function valueMask(s: string, max: number): string | undefined {
  const slash = s.indexOf('/');
  const v = slash < 0 ? s : s.slice(0, slash);
  if (parseUint(v, 0, max) === undefined) return `'${v}' is not a number in 0-${max}`;
  if (slash >= 0 && parseUint(s.slice(slash + 1), 0, max) === undefined) return `mask '${s.slice(slash + 1)}' is not a number in 0-${max}`;
  return undefined;
}

const SYSLOG = new Set(['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug', 'panic']);
const TOS_NAMES = new Set(['minimize-delay', 'maximize-throughput', 'maximize-reliability', 'minimize-cost', 'normal-service']);

/** /etc/protocols keywords and aliases (netbase), plus the names iptables itself knows. */
const PROTOCOLS = new Set(
  (
    'all ip hopopt icmp igmp ggp ipencap ip-encap st tcp egp igp pup udp hmp xns-idp rdp iso-tp4 dccp xtp ddp idpr-cmtp ' +
    'ipv6 ipv6-route ipv6-frag idrp rsvp gre esp ipsec-esp ah ipsec-ah skip ipv6-icmp icmpv6 ipv6-nonxt ipv6-opts rspf vmtp eigrp ' +
    'ospf ospfigp ax.25 ipip etherip encap pim ipcomp vrrp l2tp isis sctp fc mobility-header ipv6-mh mh udplite mpls-in-ip manet ' +
    'hip shim6 wesp rohc ethernet mptcp'
  ).split(' '),
);

const KNOWN_PROTOCOLS: Readonly<Record<string, number>> = { all: 0, icmp: 1, tcp: 6, udp: 17, dccp: 33, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58, sctp: 132, udplite: 136 };

/** Protocol number for `-p` (256: a named protocol whose number does not matter here). */
export function protocolNumber(s: string): number | undefined {
  const fast = KNOWN_PROTOCOLS[s];
  if (fast !== undefined) return fast;
  const n = parseUint(s, 0, 255);
  if (n !== undefined) return n;
  const l = s.toLowerCase();
  return KNOWN_PROTOCOLS[l] ?? (PROTOCOLS.has(l) ? 256 : undefined);
}

const protocol: Check = (s) => (protocolNumber(s) === undefined ? `unknown protocol '${s}'` : undefined);

const ETHERMAC = /^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2}){5}$/;

/** Checks for the generic xtables option types. */
export function typeCheck(type: string, value: string, family: Family, min: number, max: number): string | undefined {
  switch (type) {
    case 'UINT8':
    case 'UINT16':
    case 'UINT32':
    case 'UINT64':
      return uint(value, type, min, max);
    case 'UINT8RC':
    case 'UINT16RC':
    case 'UINT32RC':
    case 'UINT64RC':
      return uintRange(value, type.slice(0, -2), min, max);
    case 'DOUBLE': {
      if (!DOUBLE_RE.test(value)) return `'${value}' is not a number`;
      const d = Number(value);
      return (max && d > max) || d < min ? `'${value}' is out of range (${min}-${max})` : undefined;
    }
    case 'STRING':
      if (value.length < min) return `the value must be at least ${min} character${min === 1 ? '' : 's'} long`;
      if (max && value.length > max) return `the value is ${value.length} characters long; iptables allows at most ${max}`;
      return undefined;
    case 'TOSMASK':
      return TOS_NAMES.has(value.toLowerCase()) ? undefined : valueMask(value, 0xff);
    case 'MARKMASK32':
      return valueMask(value, 0xffffffff);
    case 'SYSLOGLEVEL':
      return SYSLOG.has(value) || parseUint(value, 0, 7) !== undefined ? undefined : `unknown log level '${value}' (emerg, alert, crit, error, warning, notice, info, debug or 0-7)`;
    case 'HOST':
      return hostMask(value, family, false);
    case 'HOSTMASK':
      return hostMask(value, family, true);
    case 'PROTOCOL':
      return protocol(value, family);
    case 'PORT':
      return port(value) === undefined ? `invalid port/service '${value}'` : undefined;
    case 'PORTRC':
      return x6PortRange(value, family);
    case 'PLEN':
    case 'PLENMASK':
      return parseUint(value, 0, family === 'ipv4' ? 32 : 128) === undefined ? `invalid prefix length '${value}'` : undefined;
    case 'ETHERMAC':
      return ETHERMAC.test(value) ? undefined : `invalid MAC address '${value}' (six hex bytes separated by ':')`;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- extension-specific values

function commaList(allowed: ReadonlySet<string>, what: string, caseless = true): Check {
  return (s) => {
    for (const p of s.split(',')) if (!allowed.has(caseless ? p.toUpperCase() : p)) return `unknown ${what} '${p}'`;
    return undefined;
  };
}

/** A name of `table` or a non-empty case-insensitive prefix of one (how iptables compares them). */
function prefixOf(table: readonly string[], what: string): Check {
  return (s) => {
    const l = s.toLowerCase();
    if (l.length > 0 && table.some((n) => n.toLowerCase().startsWith(l))) return undefined;
    return `unknown ${what} '${s}'`;
  };
}

const REJECT4 = ['icmp-net-unreachable', 'net-unreach', 'icmp-host-unreachable', 'host-unreach', 'icmp-proto-unreachable', 'proto-unreach', 'icmp-port-unreachable', 'port-unreach', 'icmp-net-prohibited', 'net-prohib', 'icmp-host-prohibited', 'host-prohib', 'tcp-reset', 'tcp-rst', 'icmp-admin-prohibited', 'admin-prohib'];
const REJECT6 = ['icmp6-no-route', 'no-route', 'icmp6-adm-prohibited', 'adm-prohibited', 'icmp6-addr-unreachable', 'addr-unreach', 'icmp6-port-unreachable', 'port-unreach', 'tcp-reset', 'icmp6-policy-fail', 'policy-fail', 'icmp6-reject-route', 'reject-route'];
const ICMP4 = ['any', 'echo-reply', 'pong', 'destination-unreachable', 'network-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'fragmentation-needed', 'source-route-failed', 'network-unknown', 'host-unknown', 'network-prohibited', 'host-prohibited', 'TOS-network-unreachable', 'TOS-host-unreachable', 'communication-prohibited', 'host-precedence-violation', 'precedence-cutoff', 'source-quench', 'redirect', 'network-redirect', 'host-redirect', 'TOS-network-redirect', 'TOS-host-redirect', 'echo-request', 'ping', 'router-advertisement', 'router-solicitation', 'time-exceeded', 'ttl-exceeded', 'ttl-zero-during-transit', 'ttl-zero-during-reassembly', 'parameter-problem', 'ip-header-bad', 'required-option-missing', 'timestamp-request', 'timestamp-reply', 'address-mask-request', 'address-mask-reply'];
const ICMP6 = ['destination-unreachable', 'no-route', 'communication-prohibited', 'beyond-scope', 'address-unreachable', 'port-unreachable', 'failed-policy', 'reject-route', 'packet-too-big', 'time-exceeded', 'ttl-exceeded', 'ttl-zero-during-transit', 'ttl-zero-during-reassembly', 'parameter-problem', 'bad-header', 'unknown-header-type', 'unknown-option', 'echo-request', 'ping', 'echo-reply', 'pong', 'mld-listener-query', 'mld-listener-report', 'mld-listener-done', 'mld-listener-reduction', 'router-solicitation', 'router-advertisement', 'neighbour-solicitation', 'neighbor-solicitation', 'neighbour-advertisement', 'neighbor-advertisement', 'redirect'];

function icmpType(names: readonly string[]): Check {
  const byName = prefixOf(names, 'ICMP type');
  return (s) => {
    if (/^\d/.test(s)) {
      const [t, c, more] = s.split('/');
      return more === undefined && parseUint(t!, 0, 255) !== undefined && (c === undefined || parseUint(c, 0, 255) !== undefined) ? undefined : `invalid ICMP type '${s}'`;
    }
    return byName(s, undefined);
  };
}

const TCP_FLAGS = new Set(['SYN', 'ACK', 'FIN', 'RST', 'URG', 'PSH', 'ALL', 'NONE']);
const tcpFlags = commaList(TCP_FLAGS, 'TCP flag');

const rejectWith: Check = (s, family) => {
  const table = family === 'ipv4' ? REJECT4 : family === 'ipv6' ? REJECT6 : [...REJECT4, ...REJECT6];
  return prefixOf(table, 'reject type')(s, family);
};

/** limit / hashlimit rates: `N[/second|minute|hour|day]` (any prefix of the unit), N >= 1. */
const rate: Check = (s) => {
  const slash = s.indexOf('/');
  const n = slash < 0 ? s : s.slice(0, slash);
  if (!/^\d+$/.test(n) || Number(n) < 1) return `bad rate '${s}' (write e.g. 5/second)`;
  if (slash < 0) return undefined;
  const unit = s.slice(slash + 1).toLowerCase();
  return unit.length > 0 && ['second', 'minute', 'hour', 'day'].some((u) => u.startsWith(unit)) ? undefined : `bad rate '${s}' (units: second, minute, hour, day)`;
};

/** What `natRange` answers (shared between callers: read only). */
export type NatRange = Readonly<{ error?: string; hasPort: boolean }>;

/**
 * The last value `natRange` read, and its answer: the rule reader asks twice for each DNAT/SNAT
 * value (its check, then whether it names a port), and a kube-proxy dump has one per endpoint.
 */
let lastNat: { s: string; family: Family; r: NatRange } | undefined;

/** DNAT/SNAT `[addr[-addr]][:port[-port]]` (IPv6: `[addr[-addr]]:port[-port]` or a bare address). */
export function natRange(s: string, family: Family): NatRange {
  const last = lastNat;
  if (last !== undefined && last.s === s && last.family === family) return last.r;
  const r = readNatRange(s, family);
  lastNat = { s, family, r };
  return r;
}

function readNatRange(s: string, family: Family): NatRange {
  let addrs = s;
  let ports: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return { error: `missing ']' in '${s}'`, hasPort: false };
    addrs = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return { error: `invalid address range '${s}'`, hasPort: false };
      ports = rest.slice(1);
    }
  } else if (family !== 'ipv6' && !(family === undefined && s.indexOf(':') !== s.lastIndexOf(':'))) {
    const c = s.indexOf(':');
    if (c >= 0) {
      addrs = s.slice(0, c);
      ports = s.slice(c + 1);
    }
  }
  if (addrs !== '') {
    const dash = addrs.indexOf('-');
    for (const a of dash < 0 ? [addrs] : [addrs.slice(0, dash), addrs.slice(dash + 1)]) {
      if (!numericAddr(a, family)) return { error: `bad IP address '${a}'`, hasPort: false };
    }
  }
  if (ports !== undefined) {
    const e = toPorts(ports, undefined);
    if (e) return { error: e, hasPort: true };
    return { hasPort: true };
  }
  return addrs === '' ? { error: `'${s}' gives neither an address nor a port`, hasPort: false } : { hasPort: false };
}

/** MASQUERADE/REDIRECT `--to-ports port[-port]`. */
const toPorts: Check = (s) => {
  if (s.includes(':')) return `invalid port range '${s}': use a dash (1024-65535)`;
  const dash = s.indexOf('-');
  const list = dash < 0 ? [s] : [s.slice(0, dash), s.slice(dash + 1)];
  for (const p of list) if (parseUint(p, 0, 65535) === undefined || !/^\d+$/.test(p)) return `invalid port '${p}'`;
  return dash >= 0 && Number(list[0]) > Number(list[1]) ? `invalid port range '${s}'` : undefined;
};

const ipRange: Check = (s, family) => {
  const dash = s.indexOf('-');
  for (const a of dash < 0 ? [s] : [s.slice(0, dash), s.slice(dash + 1)]) if (!numericAddr(a, family)) return `bad IP address '${a}'`;
  return undefined;
};

const setFlags: Check = (s) => {
  const parts = s.split(',');
  if (parts.length > 6) return `too many set flags in '${s}' (at most 6)`;
  for (const p of parts) if (p !== 'src' && p !== 'dst') return `set flag '${p}' is neither src nor dst`;
  return undefined;
};

const tcpPortRange: Check = (s) => portRange(s, undefined);

/**
 * Checks beyond the option type, keyed `ext/option`; the array gives one check per value word.
 * Options without an entry here fall back to the generic type check.
 */
export const VALUE_CHECKS: Readonly<Record<string, readonly Check[]>> = {
  'tcp/source-port': [tcpPortRange],
  'tcp/sport': [tcpPortRange],
  'tcp/destination-port': [tcpPortRange],
  'tcp/dport': [tcpPortRange],
  'tcp/tcp-flags': [tcpFlags, tcpFlags],
  'tcp/tcp-option': [(s) => (parseUint(s, 1, 255) === undefined ? `bad TCP option '${s}'` : undefined)],
  'sctp/source-port': [tcpPortRange],
  'sctp/sport': [tcpPortRange],
  'sctp/destination-port': [tcpPortRange],
  'sctp/dport': [tcpPortRange],
  'multiport/source-ports': [multiportList],
  'multiport/sports': [multiportList],
  'multiport/destination-ports': [multiportList],
  'multiport/dports': [multiportList],
  'multiport/ports': [multiportList],
  'conntrack/ctstate': [commaList(new Set(['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT']), 'conntrack state')],
  'conntrack/ctstatus': [commaList(new Set(['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED']), 'conntrack status')],
  'conntrack/ctdir': [(s) => (/^(?:ORIGINAL|REPLY)$/i.test(s) ? undefined : `conntrack direction '${s}' is neither ORIGINAL nor REPLY`)],
  'state/state': [commaList(new Set(['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED']), 'state')],
  'statistic/mode': [(s) => (s === 'random' || s === 'nth' ? undefined : `statistic mode '${s}' is neither random nor nth`)],
  'addrtype/src-type': [commaList(new Set(['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE']), 'address type')],
  'addrtype/dst-type': [commaList(new Set(['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE']), 'address type')],
  'icmp/icmp-type': [icmpType(ICMP4)],
  'icmp6/icmpv6-type': [icmpType(ICMP6)],
  'limit/limit': [rate],
  'limit/limit-burst': [(s) => (parseUint(s, 0, 10000) === undefined ? `bad --limit-burst '${s}' (0-10000)` : undefined)],
  'hashlimit/hashlimit': [rate],
  'hashlimit/hashlimit-upto': [rate],
  'hashlimit/hashlimit-above': [rate],
  'iprange/src-range': [ipRange],
  'iprange/dst-range': [ipRange],
  'set/match-set': [() => undefined, setFlags],
  'set/set': [() => undefined, setFlags],
  'SET/add-set': [() => undefined, setFlags],
  'SET/del-set': [() => undefined, setFlags],
  'SET/map-set': [() => undefined, setFlags],
  'REJECT/reject-with': [rejectWith],
  'MASQUERADE/to-ports': [toPorts],
  'REDIRECT/to-ports': [toPorts],
  'DNAT/to-destination': [(s, f) => natRange(s, f).error],
  'SNAT/to-source': [(s, f) => natRange(s, f).error],
  'MARK/set-mark': [(s) => valueMask(s, 0xffffffff)],
  'MARK/and-mark': [(s) => valueMask(s, 0xffffffff)],
  'MARK/or-mark': [(s) => valueMask(s, 0xffffffff)],
  'SET/timeout': [(s) => (parseUint(s) === undefined ? `bad timeout '${s}'` : undefined)],
};

/** Protocols a protocol match needs (`-p tcp` for `-m tcp --dport`), as protocol numbers. */
export const MATCH_PROTOCOL: Readonly<Record<string, number>> = { tcp: 6, udp: 17, dccp: 33, icmp: 1, icmp6: 58, sctp: 132, udplite: 136 };
