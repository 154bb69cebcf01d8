/** conntrack tokens (knowledge/rules-catalogue.md §3.5–3.6; conntrack(8); nf_conntrack-sysctl.rst). */

export const STATES: Readonly<Record<string, string>> = {
  SYN_SENT: 'A SYN was seen, no SYN-ACK yet. With `[UNREPLIED]` towards a DNATed pod address: the fingerprint of dropped SYNs (checksum bug, MTU, firewall). Times out after `nf_conntrack_tcp_timeout_syn_sent` (120 s).',
  SYN_RECV: 'SYN-ACK seen, waiting for the final ACK of the handshake.',
  ESTABLISHED: 'Handshake complete; times out after `nf_conntrack_tcp_timeout_established` of idleness (5 days by default, 1 day when kube-proxy sets it).',
  FIN_WAIT: 'One side sent FIN.',
  CLOSE_WAIT: 'The other side acknowledged a FIN and has not closed yet (kube-proxy sets its timeout to 1 h).',
  LAST_ACK: 'Both FINs sent, waiting for the last ACK.',
  TIME_WAIT: 'Connection closed; the entry lingers for `nf_conntrack_tcp_timeout_time_wait` (120 s) so late packets are recognised.',
  CLOSE: 'Connection reset (RST seen); the entry lingers for 10 s.',
  SYN_SENT2: 'Simultaneous open.',
  NONE: 'No state yet (picked up mid-stream).',
};

export const FLAGS: Readonly<Record<string, string>> = {
  UNREPLIED: '`[UNREPLIED]`: no packet has been seen in the reply direction yet.',
  ASSURED: '`[ASSURED]`: traffic was seen in both directions (TCP: handshake completed); assured entries are not evicted by early_drop.',
  OFFLOAD: '`[OFFLOAD]`: the flow is offloaded to a software flowtable.',
  HW_OFFLOAD: '`[HW_OFFLOAD]`: the flow is offloaded to hardware.',
};

export const FIELDS: Readonly<Record<string, string>> = {
  mark: 'Conntrack mark (connmark), decimal.',
  zone: 'Conntrack zone (printed when non-default; OVS and some CNIs use zones).',
  use: 'Reference count of the entry (kernel internal).',
  secctx: 'Security context (SELinux label), with secmark.',
  secmark: 'Security mark.',
  packets: 'Packets in this direction (needs `nf_conntrack_acct=1`).',
  bytes: 'Bytes in this direction (needs `nf_conntrack_acct=1`).',
};

export const COUNTERS: Readonly<Record<string, string>> = {
  entries: 'Current number of entries (global, repeated on each row).',
  found: 'Lookups that found an existing entry (informational).',
  invalid: 'Packets conntrack could not track (malformed, out-of-window TCP). Dropped by kube-proxy\'s KUBE-FORWARD INVALID rule.',
  insert: 'Entries inserted (always 0 on newer kernels).',
  insert_failed: 'Entries that could not be inserted: the packet was dropped (SNAT port race, DNS A/AAAA race). Before kernel 5.10 it also counted clashes that were resolved without loss; since 5.15 it also counts chain-too-long refusals.',
  clash_resolve: 'Races where the clashing entry was reused successfully — no packet loss (kernel ≥ 5.10).',
  clashres: 'Races where the clashing entry was reused successfully — no packet loss (kernel ≥ 5.10).',
  drop: 'Packets dropped because no new entry could be allocated (table full, nothing evictable).',
  early_drop: 'Entries evicted (non-assured) to make room when the table was full.',
  error: 'Packets rejected by protocol helpers.',
  icmp_error: 'ICMP errors that could not be matched to a connection.',
  search_restart: 'Hash lookups restarted because the table was resized or an entry moved (high = contention).',
  chaintoolong: 'Insertions refused because a hash chain grew beyond 64 entries (kernel ≥ 5.15): hash table too small for the load.',
  chainlength: 'Insertions refused because a hash chain grew too long (kernel ≥ 5.15).',
  searched: 'Legacy counter (mostly zero on modern kernels).',
  new: 'Legacy counter (mostly zero on modern kernels).',
  ignore: 'Packets already tracked or untracked (legacy).',
  delete: 'Legacy counter.',
  delete_list: 'Legacy counter.',
  expect_new: 'Expectations (ALG helpers) created.',
  expect_create: 'Expectations (ALG helpers) created.',
  expect_delete: 'Expectations (ALG helpers) deleted.',
};

export const PROTOCOLS: Readonly<Record<string, string>> = {
  tcp: 'TCP (protocol 6).',
  udp: 'UDP (protocol 17): no state word; `[UNREPLIED]` entries time out after `nf_conntrack_udp_timeout` (30 s).',
  icmp: 'ICMP (protocol 1): tuples carry type, code and id.',
  icmpv6: 'ICMPv6 (protocol 58).',
  sctp: 'SCTP (protocol 132).',
  gre: 'GRE (protocol 47).',
  ipv4: 'IPv4 (address family 2).',
  ipv6: 'IPv6 (address family 10).',
};
