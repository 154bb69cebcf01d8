/**
 * Sysctl keys the rules and the brief talk about: meaning, default, unit and kernel notes
 * (knowledge/rules-catalogue.md §3.7; kernel ip-sysctl.rst, nf_conntrack-sysctl.rst,
 * ipvs-sysctl.rst). Per-interface keys are written with `<if>` and matched for any interface.
 */
export interface SysctlKeyDoc {
  readonly meaning: string;
  readonly default?: string;
  readonly unit?: string;
  /** What each value means, for keys whose values are codes. */
  readonly values?: Readonly<Record<string, string>>;
  readonly notes?: string;
}

export const SYSCTL_KEYS: Readonly<Record<string, SysctlKeyDoc>> = {
  'kernel.osrelease': { meaning: 'Running kernel release (same as `uname -r`). kube-netlint reads kernel version gates from it.' },
  'net.ipv4.ip_forward': { meaning: 'Route packets between interfaces. Must be 1 on Kubernetes nodes (pods and Services are routed).', default: '0', values: { '0': 'forwarding off: pod and Service traffic through the node is dropped', '1': 'forwarding on' }, notes: 'Changing it resets per-interface router/host settings.' },
  'net.ipv6.conf.all.forwarding': { meaning: 'IPv6 forwarding (needed for dual-stack pods).', default: '0' },
  'net.bridge.bridge-nf-call-iptables': { meaning: 'Pass bridged IPv4 traffic through iptables (kube-proxy Service NAT for pods on the same bridge).', default: '1 once br_netfilter is loaded; the key is absent otherwise', values: { '0': 'bridged traffic bypasses iptables: Services break for same-node pods', '1': 'bridged traffic goes through iptables' } },
  'net.bridge.bridge-nf-call-ip6tables': { meaning: 'Pass bridged IPv6 traffic through ip6tables.', default: '1 once br_netfilter is loaded' },
  'net.ipv4.conf.<if>.rp_filter': { meaning: 'Reverse-path filtering: drop packets whose source would not be routed back out of the interface they came in on.', default: '0 (kernel); systemd ≥ 240 ships 2', values: { '0': 'off', '1': 'strict: breaks asymmetric routing (multi-homed nodes, some CNIs)', '2': 'loose: source must be routable by any interface' }, notes: 'The effective value is max(all, interface).' },
  'net.ipv4.conf.<if>.route_localnet': { meaning: 'Allow routing of 127.0.0.0/8 addresses. kube-proxy localhost NodePorts set it to 1 (CVE-2020-8558: guard with the KUBE-FIREWALL localnet rule).', default: '0' },
  'net.ipv4.conf.<if>.arp_ignore': { meaning: 'Which ARP requests to answer. 1 = only if the target IP is on the receiving interface (IPVS strictARP).', default: '0' },
  'net.ipv4.conf.<if>.arp_announce': { meaning: 'Which source address ARP requests use. 2 = always the best local address (IPVS strictARP).', default: '0' },
  'net.ipv4.ip_local_port_range': { meaning: 'Ephemeral ports for outgoing connections (first last). Keep it clear of the NodePort range 30000–32767.', default: '32768 60999' },
  'net.ipv4.ip_local_reserved_ports': { meaning: 'Ports excluded from automatic assignment (e.g. `30000-32767` for NodePorts).', default: 'empty' },
  'net.core.somaxconn': { meaning: 'Upper bound of the listen() backlog.', default: '4096 (kernel ≥ 5.4; 128 before)', unit: 'connections' },
  'net.ipv4.tcp_max_syn_backlog': { meaning: 'Half-open connections remembered per listener.', default: '128 or more (scaled with memory)', unit: 'connections' },
  'net.ipv4.tcp_syn_retries': { meaning: 'SYN retransmissions for active opens. With a 1 s initial RTO the last retry goes out at 63 s and connect() fails after about 127 s — why dropped SYNs look like "exactly 63 s" delays.', default: '6' },
  'net.ipv4.tcp_synack_retries': { meaning: 'SYN-ACK retransmissions for passive opens (about 63 s).', default: '5' },
  'net.ipv4.tcp_retries2': { meaning: 'Data retransmissions before a connection is given up (about 924 s with back-off).', default: '15' },
  'net.ipv4.tcp_keepalive_time': { meaning: 'Idle time before the first keepalive probe (sockets with SO_KEEPALIVE only). Longer than a load balancer or NAT idle timeout means idle connections are silently dropped by the middlebox.', default: '7200', unit: 'seconds' },
  'net.ipv4.tcp_keepalive_intvl': { meaning: 'Time between keepalive probes.', default: '75', unit: 'seconds' },
  'net.ipv4.tcp_keepalive_probes': { meaning: 'Unanswered probes before the connection is dropped.', default: '9' },
  'net.ipv4.tcp_fin_timeout': { meaning: 'FIN-WAIT-2 lifetime of orphaned sockets.', default: '60', unit: 'seconds' },
  'net.ipv4.tcp_tw_reuse': { meaning: 'Reuse TIME_WAIT sockets for new outgoing connections when safe.', default: '2', values: { '0': 'off', '1': 'on for all outgoing connections', '2': 'loopback only' } },
  'net.ipv4.tcp_tw_recycle': { meaning: 'Removed in kernel 4.12: it broke clients behind NAT (timestamps from many hosts behind one address).', notes: 'Never set it; on old kernels it drops connections from NATed clients and pods.' },
  'net.netfilter.nf_conntrack_max': { meaning: 'Maximum number of tracked connections; when full, new connections are dropped (`nf_conntrack: table full, dropping packet`).', default: 'equal to nf_conntrack_buckets (4 × buckets on older kernels); kube-proxy sets max(32768 × CPUs, 131072)', unit: 'entries' },
  'net.nf_conntrack_max': { meaning: 'Alias of net.netfilter.nf_conntrack_max.', unit: 'entries' },
  'net.netfilter.nf_conntrack_count': { meaning: 'Current number of conntrack entries (read-only).', unit: 'entries' },
  'net.netfilter.nf_conntrack_buckets': { meaning: 'Conntrack hash table size (= /sys/module/nf_conntrack/parameters/hashsize); writable only in the initial namespace.', default: 'RAM/16384 clamped to 1024…262144 (newer kernels)', unit: 'buckets' },
  'net.netfilter.nf_conntrack_tcp_timeout_established': { meaning: 'Idle timeout of established TCP entries.', default: '432000 (5 days); kube-proxy sets 86400', unit: 'seconds' },
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait': { meaning: 'Timeout of CLOSE_WAIT entries.', default: '60; kube-proxy sets 3600', unit: 'seconds' },
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait': { meaning: 'Timeout of TIME_WAIT entries.', default: '120', unit: 'seconds' },
  'net.netfilter.nf_conntrack_tcp_timeout_syn_sent': { meaning: 'Timeout of SYN_SENT entries (unanswered SYNs linger this long).', default: '120', unit: 'seconds' },
  'net.netfilter.nf_conntrack_udp_timeout': { meaning: 'Timeout of UDP entries with traffic in one direction only.', default: '30', unit: 'seconds' },
  'net.netfilter.nf_conntrack_udp_timeout_stream': { meaning: 'Timeout of UDP entries once traffic is seen both ways.', default: '120 (180 on older kernels)', unit: 'seconds' },
  'net.netfilter.nf_conntrack_tcp_be_liberal': { meaning: 'Only out-of-window RSTs are INVALID; other out-of-window packets are accepted. kube-proxy ≥ 1.29 skips its INVALID drop rule when this is 1.', default: '0' },
  'net.netfilter.nf_conntrack_tcp_loose': { meaning: 'Pick up already-established connections mid-stream.', default: '1' },
  'net.netfilter.nf_conntrack_checksum': { meaning: 'Verify checksums; packets with bad checksums are INVALID.', default: '1' },
  'net.netfilter.nf_conntrack_acct': { meaning: 'Per-flow packet/byte counters in conntrack entries.', default: '0' },
  'net.ipv4.vs.conntrack': { meaning: 'Keep netfilter conntrack entries for IPVS connections (needed for iptables NAT/filter on IPVS traffic); kube-proxy IPVS mode sets 1.', default: '0' },
  'net.ipv4.vs.conn_reuse_mode': { meaning: 'What IPVS does when a client reuses a source port of an old connection.', default: '1', values: { '0': 'no rescheduling: the old real server is reused (breaks draining of removed endpoints)', '1': 'reschedule when safe; with vs.conntrack=1 on kernels < 5.9 the first SYN is dropped (1 s delay)', '2': 'also reschedule FIN_WAIT connections' }, notes: 'kube-proxy sets 0 on kernels < 5.9 and leaves it alone on ≥ 5.9 (k/k#102122).' },
  'net.ipv4.vs.expire_nodest_conn': { meaning: 'Expire connections to removed real servers when a packet arrives (≥ 5.9: also proactively). kube-proxy IPVS mode sets 1.', default: '0' },
  'net.ipv4.vs.expire_quiescent_template': { meaning: 'Expire persistence templates pointing at weight-0 real servers. kube-proxy IPVS mode sets 1.', default: '0' },
  'net.ipv4.vs.sloppy_tcp': { meaning: 'Let IPVS create state for any TCP packet, not only SYN.', default: '0' },
  'net.ipv4.neigh.default.gc_thresh1': { meaning: 'Below this many neighbour (ARP) entries, no garbage collection runs.', default: '128' },
  'net.ipv4.neigh.default.gc_thresh2': { meaning: 'Soft limit of neighbour entries (GC becomes aggressive after 5 s above it).', default: '512' },
  'net.ipv4.neigh.default.gc_thresh3': { meaning: 'Hard limit of neighbour entries: above it new neighbours fail (`neighbour table overflow`), which breaks pod-to-pod traffic on large nodes/clusters.', default: '1024' },
};

/** Where a key is documented in the kernel tree, by prefix. */
const DOC_BY_PREFIX: readonly (readonly [string, string])[] = [
  ['net.netfilter.', 'https://docs.kernel.org/networking/nf_conntrack-sysctl.html'],
  ['net.ipv4.vs.', 'https://docs.kernel.org/networking/ipvs-sysctl.html'],
  ['net.ipv4.', 'https://docs.kernel.org/networking/ip-sysctl.html'],
  ['net.ipv6.', 'https://docs.kernel.org/networking/ip-sysctl.html'],
  ['net.core.', 'https://docs.kernel.org/admin-guide/sysctl/net.html'],
  ['net.bridge.', 'https://docs.kernel.org/networking/bridge.html'],
  ['vm.', 'https://docs.kernel.org/admin-guide/sysctl/vm.html'],
  ['kernel.', 'https://docs.kernel.org/admin-guide/sysctl/kernel.html'],
  ['fs.', 'https://docs.kernel.org/admin-guide/sysctl/fs.html'],
];

/** The glossary entry of a key, matching per-interface keys (`net.ipv4.conf.eth0.rp_filter`). */
export function sysctlKeyDoc(key: string): { doc: SysctlKeyDoc; pattern: string } | undefined {
  const exact = SYSCTL_KEYS[key];
  if (exact) return { doc: exact, pattern: key };
  const m = /^net\.ipv4\.conf\.[^.]+\.(.+)$/.exec(key);
  if (m) {
    const pattern = `net.ipv4.conf.<if>.${m[1]}`;
    const d = SYSCTL_KEYS[pattern];
    if (d) return { doc: d, pattern };
  }
  return undefined;
}

export function sysctlDocUrl(key: string): string | undefined {
  return DOC_BY_PREFIX.find(([p]) => key.startsWith(p))?.[1];
}

/** `/proc/sys` path of a key: dots become slashes, slashes inside a component (`eth0/100`) become dots. */
export function procPath(key: string): string {
  return `/proc/sys/${key.split('.').map((c) => c.replace(/\//g, '.')).join('/')}`;
}
