/** ipvsadm columns, schedulers, flags and forwarding methods (ipvsadm(8); knowledge/rules-catalogue.md §3.4). */

export const SCHEDULERS: Readonly<Record<string, string>> = {
  rr: 'round robin (kube-proxy default): each real server in turn.',
  wrr: 'weighted round robin.',
  lc: 'least connections.',
  wlc: 'weighted least connections.',
  lblc: 'locality-based least connections (by destination IP).',
  lblcr: 'locality-based least connections with replication.',
  dh: 'destination hashing.',
  sh: 'source hashing: the same client address goes to the same real server.',
  sed: 'shortest expected delay.',
  nq: 'never queue.',
  mh: 'maglev hashing (newer kernels).',
  fo: 'weighted failover: the highest-weight available server.',
  ovf: 'weighted overflow.',
};

export const FORWARD: Readonly<Record<string, string>> = {
  Masq: 'NAT (masquerading): the director rewrites the destination to the real server — what kube-proxy uses.',
  Route: 'direct routing (gatewaying): the real server must own the virtual IP.',
  Tunnel: 'IP-in-IP tunnelling to the real server.',
  Local: 'the real server is on this host.',
  FullNat: 'DPVS full NAT: both addresses rewritten.',
  '-m': 'NAT (masquerading).',
  '-g': 'direct routing (gatewaying).',
  '-i': 'IP-in-IP tunnelling.',
};

export const COLUMNS: Readonly<Record<string, string>> = {
  weight: 'Weight: share of new connections. kube-proxy uses 1, and 0 while an endpoint terminates gracefully (no new connections; existing ones keep working until they end).',
  activeConn: 'ActiveConn: IPVS connection entries in ESTABLISHED state.',
  inActConn: 'InActConn: IPVS entries in any other state (TIME_WAIT, FIN_WAIT, SYN_RECV, CLOSE…); UDP entries are counted here in practice. They are IPVS entries, not sockets, and linger for the state timeout.',
  persistConn: 'PersistConn: persistence templates pointing at this real server.',
  conns: 'Conns: connections scheduled since the service or server was added (`--stats`).',
  inPackets: 'InPkts: packets received (`--stats`).',
  outPackets: 'OutPkts: packets sent (`--stats`).',
  inBytes: 'InBytes: bytes received (`--stats`).',
  outBytes: 'OutBytes: bytes sent (`--stats`).',
  connsPerSecond: 'CPS: new connections per second (`--rate`, smoothed).',
  inPacketsPerSecond: 'InPPS: packets per second received (`--rate`).',
  outPacketsPerSecond: 'OutPPS: packets per second sent (`--rate`).',
  inBytesPerSecond: 'InBPS: bytes per second received (`--rate`).',
  outBytesPerSecond: 'OutBPS: bytes per second sent (`--rate`).',
};

export const PROTOCOLS: Readonly<Record<string, string>> = {
  TCP: 'TCP virtual service.',
  UDP: 'UDP virtual service.',
  SCTP: 'SCTP virtual service.',
  FWM: 'Firewall-mark service: packets carrying this netfilter mark are balanced together, whatever their address.',
};

/**
 * The column headers ipvsadm prints (`-Ln`, `--stats`, `--rate`, `--thresholds`, `--persistent-conn`,
 * `-Lnc`, `--timeout`), by the word under the cursor. ipvsadm(8) and its source (print_title,
 * print_service_entry) are the reference.
 */
export const HEADERS: Readonly<Record<string, string>> = {
  Prot: 'Prot: the protocol of the virtual service (TCP, UDP, SCTP) or FWM for a firewall-mark service.',
  'LocalAddress:Port': 'LocalAddress:Port: the virtual service address (a Service ClusterIP, NodePort or external IP with its port) that IPVS balances.',
  Scheduler: 'Scheduler: how the virtual service picks a real server for a new connection (rr, wrr, lc, sh, ...; kube-proxy uses rr unless --ipvs-scheduler says otherwise).',
  Flags: 'Flags: service options: `persistent N` (client affinity for N seconds), `ops` (one-packet scheduling), scheduler flags such as `sh-fallback`.',
  '->': 'The rows under this line are the real servers (endpoints) of the virtual service above them.',
  'RemoteAddress:Port': 'RemoteAddress:Port: a real server (endpoint, pod IP:targetPort) of the virtual service above it.',
  Forward: 'Forward: how packets reach the real server: Masq (NAT, what kube-proxy uses), Route (direct routing), Tunnel (IP-in-IP), Local.',
  Weight: COLUMNS['weight']!,
  ActiveConn: COLUMNS['activeConn']!,
  InActConn: COLUMNS['inActConn']!,
  PersistConn: COLUMNS['persistConn']!,
  Uthreshold: 'Uthreshold: upper connection threshold; above it the real server gets no new connections (0: none).',
  Lthreshold: 'Lthreshold: lower connection threshold; below it a server over its upper threshold takes new connections again.',
  Conns: COLUMNS['conns']!,
  InPkts: COLUMNS['inPackets']!,
  OutPkts: COLUMNS['outPackets']!,
  InBytes: COLUMNS['inBytes']!,
  OutBytes: COLUMNS['outBytes']!,
  CPS: COLUMNS['connsPerSecond']!,
  InPPS: COLUMNS['inPacketsPerSecond']!,
  OutPPS: COLUMNS['outPacketsPerSecond']!,
  InBPS: COLUMNS['inBytesPerSecond']!,
  OutBPS: COLUMNS['outBytesPerSecond']!,
  Timeout: 'Timeout (tcp tcpfin udp): the idle timeouts IPVS gives its connection entries, in seconds: established TCP, TCP after FIN, UDP (`ipvsadm --set` changes them; kube-proxy: ipvs.tcpTimeout, tcpFinTimeout, udpTimeout).',
  tcp: 'tcp: idle timeout of established TCP connections (ipvsadm default 900 s): an idle connection longer than this loses its IPVS entry.',
  tcpfin: 'tcpfin: timeout of a TCP connection after a FIN (default 120 s).',
  udp: 'udp: timeout of UDP entries (default 300 s).',
  pro: 'pro: the protocol of the connection entry (`ipvsadm -Lnc`).',
  expire: 'expire: time left (mm:ss) before the entry expires, restarted by each packet.',
  state: 'state: the IPVS state of the connection (ESTABLISHED, SYN_RECV, FIN_WAIT, TIME_WAIT, CLOSE, NONE for UDP and persistence templates).',
  source: 'source: the client address and port.',
  virtual: 'virtual: the virtual service address the client connected to.',
  destination: 'destination: the real server chosen for this connection.',
};
