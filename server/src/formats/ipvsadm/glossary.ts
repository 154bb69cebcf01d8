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
