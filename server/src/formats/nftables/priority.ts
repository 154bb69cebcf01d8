import type { Located, Span } from '../../core/span';
import type { NftPriority } from './model';

/**
 * Symbolic base-chain priorities (nft(8), "CHAINS": "standard priority names, family and hook
 * compatibility matrix"). Names are family-dependent, and nft prints a name only for the hooks
 * where it is valid (`dstnat` on prerouting, `srcnat` on postrouting): kube-proxy's `-100` on the
 * output hook stays `-100` in a listing.
 */
const INET_NAMES: ReadonlyMap<string, number> = new Map([
  ['raw', -300],
  ['mangle', -150],
  ['dstnat', -100],
  ['filter', 0],
  ['security', 50],
  ['srcnat', 100],
]);

const NAMES_BY_FAMILY: Readonly<Record<string, ReadonlyMap<string, number>>> = {
  ip: INET_NAMES,
  ip6: INET_NAMES,
  inet: INET_NAMES,
  arp: new Map([['filter', 0]]),
  netdev: new Map([['filter', 0]]),
  bridge: new Map([
    ['dstnat', -300],
    ['filter', -200],
    ['out', 100],
    ['srcnat', 300],
  ]),
};

/** The number a priority name stands for in a family, if nft knows it. */
export function priorityNameValue(family: string, name: string): number | undefined {
  return NAMES_BY_FAMILY[family]?.get(name);
}

/**
 * Reads `priority` words: `-110`, `dstnat`, `dstnat - 10`, `filter + 10`, `dstnat-10` (nft 1.0.6
 * rejects the last on input, later versions print it; we read all of them).
 */
export function readPriority(family: string, words: readonly Located<string>[]): NftPriority | undefined {
  if (words.length === 0) return undefined;
  const span: Span = { start: words[0]!.span.start, end: words[words.length - 1]!.span.end };
  const text = words.map((w) => w.value).join(' ');
  const m = /^(?:(-?\d+)|([a-z]+)(?:\s*([+-])\s*(\d+))?)$/.exec(text);
  if (!m) return { span, text, offset: 0 };
  if (m[1] !== undefined) return { span, text, offset: 0, value: Number(m[1]) };
  const name = m[2]!;
  const offset = m[4] === undefined ? 0 : (m[3] === '-' ? -1 : 1) * Number(m[4]);
  const first = words[0]!;
  const symbol = { value: name, span: { start: first.span.start, end: first.span.start + name.length } };
  const base = priorityNameValue(family, name);
  return { span, text, symbol, offset, ...(base === undefined ? {} : { value: base + offset }) };
}

/**
 * What else runs on a hook, by priority (lower runs first), for hovers: the kernel's own hooks
 * (include/uapi/linux/netfilter_ipv4.h: NF_IP_PRI_*) and the tables iptables-nft creates at the
 * same priorities as iptables-legacy.
 */
export const WELL_KNOWN_PRIORITIES: readonly { readonly value: number; readonly what: string; readonly families: readonly string[] }[] = [
  { value: -400, what: 'conntrack defragmentation (NF_IP_PRI_CONNTRACK_DEFRAG)', families: ['ip', 'ip6', 'inet'] },
  { value: -300, what: '`raw` (iptables `-t raw`, NOTRACK happens here)', families: ['ip', 'ip6', 'inet'] },
  { value: -225, what: 'SELinux first (NF_IP_PRI_SELINUX_FIRST)', families: ['ip', 'ip6', 'inet'] },
  { value: -200, what: 'connection tracking (NF_IP_PRI_CONNTRACK): packets get their ct state here', families: ['ip', 'ip6', 'inet'] },
  { value: -150, what: '`mangle` (iptables `-t mangle`)', families: ['ip', 'ip6', 'inet'] },
  { value: -100, what: '`dstnat` (iptables `-t nat` PREROUTING/OUTPUT: DNAT)', families: ['ip', 'ip6', 'inet'] },
  { value: 0, what: '`filter` (iptables `-t filter`)', families: ['ip', 'ip6', 'inet', 'arp', 'netdev'] },
  { value: 50, what: '`security` (iptables `-t security`)', families: ['ip', 'ip6', 'inet'] },
  { value: 100, what: '`srcnat` (iptables `-t nat` POSTROUTING/INPUT: SNAT, MASQUERADE)', families: ['ip', 'ip6', 'inet'] },
  { value: 225, what: 'SELinux last', families: ['ip', 'ip6', 'inet'] },
  { value: 300, what: 'conntrack helpers (NF_IP_PRI_CONNTRACK_HELPER)', families: ['ip', 'ip6', 'inet'] },
  { value: -300, what: 'bridge `dstnat`', families: ['bridge'] },
  { value: -200, what: 'bridge `filter`', families: ['bridge'] },
  { value: 100, what: 'bridge `out`', families: ['bridge'] },
  { value: 300, what: 'bridge `srcnat`', families: ['bridge'] },
];
