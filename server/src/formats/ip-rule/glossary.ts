/** What `ip rule` words mean, for hovers. Source: ip-rule(8). */
export const RULE_WORDS: Readonly<Record<string, string>> = {
  from: 'Source prefix selector (`all` matches every source).',
  to: 'Destination prefix selector.',
  fwmark: 'Firewall mark selector `MARK[/MASK]` (kube-proxy uses 0x4000 for masquerade, Calico and Cilium use their own bits: a rule on a mark they use steers their traffic).',
  iif: 'Incoming interface selector (packets from this device; `lo` means locally generated).',
  oif: 'Outgoing interface selector (sockets bound to this device).',
  lookup: 'The table to consult when the selector matches (`local` 255, `main` 254, `default` 253, or a number/name).',
  table: 'The table to consult when the selector matches.',
  goto: 'Jump to the rule with this priority.',
  not: 'Inverts the selector.',
  suppress_prefixlength: 'Ignore routes from the table with a prefix this long or shorter (WireGuard uses `suppress_prefixlength 0` to skip the main default route).',
  suppress_ifgroup: 'Ignore routes from the table through devices of this group.',
  uidrange: 'Socket owner UID range selector.',
  ipproto: 'IP protocol selector.',
  sport: 'Source port (range) selector.',
  dport: 'Destination port (range) selector.',
  tos: 'Type-of-service selector.',
  dsfield: 'DS field selector.',
  realms: 'Route realms selector/setting.',
  l3mdev: 'Look up the table of the VRF device the packet belongs to.',
  blackhole: 'Drop matching packets silently.',
  unreachable: 'Reject matching packets with ICMP unreachable.',
  prohibit: 'Reject matching packets with ICMP prohibited.',
  nop: 'Do nothing (a placeholder).',
  proto: 'Who installed the rule (`kernel` for the three defaults, `boot`, `static`, a daemon).',
  '[detached]': 'The interface named by `iif`/`oif` does not exist now: the rule matches nothing until it comes back.',
  '[unresolved]': 'The `goto` target rule does not exist.',
};

/** The three rules every Linux network namespace starts with. */
export const DEFAULT_RULES: readonly { readonly priority: number; readonly table: string; readonly what: string }[] = [
  { priority: 0, table: 'local', what: 'local and broadcast addresses first' },
  { priority: 32766, table: 'main', what: 'the main table, where the CNI and the node put their routes' },
  { priority: 32767, table: 'default', what: 'an empty table by default, kept for compatibility' },
];
