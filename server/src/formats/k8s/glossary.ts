/**
 * The manifest fields kube-netlint's rules read, explained for hovers (knowledge/rules-catalogue.md
 * §3.8–3.10; Kubernetes Service and kube-proxy references; flannel configuration.md; GKE docs).
 * Only what the YAML schema extension does not already say: what the field does to traffic.
 */
export const FIELD_DOCS: Readonly<Record<string, string>> = {
  'service.externalTrafficPolicy': '`Cluster` (default): any node accepts external traffic and may forward it to a pod on another node — an extra hop, and the client source IP is lost (SNAT). `Local`: only nodes with a ready endpoint answer (load balancers use `healthCheckNodePort`), the source IP is kept, but load can be uneven.',
  'service.internalTrafficPolicy': '`Local`: in-cluster traffic only goes to endpoints on the same node; if the node has none, the traffic is dropped.',
  'service.sessionAffinity': '`ClientIP`: a client address keeps the same endpoint for `timeoutSeconds` (10800 by default). Behind SNAT (MASQUERADE, a proxy) many clients share one address and land on one pod.',
  'service.type': '`NodePort` and `LoadBalancer` expose the Service outside the cluster (node ports 30000–32767).',
  'service.healthCheckNodePort': 'Node port on which kube-proxy reports whether the node has local endpoints (`externalTrafficPolicy: Local`).',
  'backendConfig.timeoutSec': 'GKE backend service timeout (default 30 s). For WebSockets and long polls it is the maximum lifetime of a connection.',
  'backendConfig.drainingTimeoutSec': 'GKE connection draining when an endpoint is removed (0–3600 s).',
  'ingress.class': '`gce` / `gce-internal` (or no class on GKE): the GKE Ingress controller, which needs NEGs on backend Services for container-native load balancing.',
  'kubeProxy.mode': '`iptables` (default on Linux), `ipvs` (deprecated in 1.35), `nftables` (GA in 1.33; kernel ≥ 5.13). `userspace` was removed in 1.26.',
  'kubeProxy.clusterCIDR': 'The pod network; with `detectLocalMode: ClusterCIDR` kube-proxy masquerades Service traffic whose source is outside it.',
  'kubeProxy.ipvs.strictARP': 'Set `arp_ignore=1` / `arp_announce=2` so nodes do not answer ARP for Service IPs on kube-ipvs0. Required by MetalLB (L2) in IPVS mode.',
  'kubeProxy.ipvs.scheduler': 'IPVS scheduler (`rr` by default).',
  'kubeProxy.ipvs.tcpTimeout': 'IPVS idle timeout of established TCP connections (0 keeps the system value, 900 s).',
  'kubeProxy.ipvs.tcpFinTimeout': 'IPVS timeout after FIN (0 keeps 120 s).',
  'kubeProxy.ipvs.udpTimeout': 'IPVS UDP timeout (0 keeps 300 s).',
  'kubeProxy.conntrack.maxPerCore': 'kube-proxy sets `nf_conntrack_max` to this × CPUs (default 32768; 0 leaves it alone).',
  'kubeProxy.conntrack.min': 'Lower bound of `nf_conntrack_max` set by kube-proxy (default 131072).',
  'kubeProxy.conntrack.tcpEstablishedTimeout': 'kube-proxy sets `nf_conntrack_tcp_timeout_established` (default 24h; 0 leaves it alone).',
  'kubeProxy.conntrack.tcpCloseWaitTimeout': 'kube-proxy sets `nf_conntrack_tcp_timeout_close_wait` (default 1h).',
  'kubeProxy.conntrack.tcpBeLiberal': 'kube-proxy ≥ 1.29 sets `nf_conntrack_tcp_be_liberal`; the INVALID drop rule is then omitted.',
  'kubeProxy.iptables.masqueradeAll': 'SNAT all Service traffic (clients lose their source IP; rarely needed).',
  'kubeProxy.iptables.masqueradeBit': 'Mark bit for KUBE-MARK-MASQ (default 14 → 0x4000). flannel hard-codes 0x4000.',
  'kubeProxy.iptables.syncPeriod': 'Interval of full rule resyncs (default 30s).',
  'kubeProxy.iptables.minSyncPeriod': 'Minimum interval between syncs (default 1s).',
  'flannel.network': 'IPv4 pod network; must contain every node\'s podCIDR and match kube-proxy `clusterCIDR`.',
  'flannel.backend.type': '`vxlan` (recommended; device flannel.1, UDP 8472), `host-gw` (plain routes, needs L2 adjacency), `wireguard`, `udp` (debug only). VXLAN on kernels before 5.7 needs TX checksum offload off (`tx-checksum-ip-generic`).',
  'flannel.backend.vni': 'VXLAN id (default 1 → device `flannel.1`).',
  'flannel.backend.port': 'VXLAN UDP port (Linux default 8472); must be open between nodes.',
  'flannel.backend.directRouting': 'Use direct routes for peers on the same subnet, VXLAN otherwise.',
  'flannel.backend.mtu': 'MTU of the overlay; must leave room for encapsulation (VXLAN: 50 bytes).',
  'k3s.flannelBackend': 'k3s flannel backend: `vxlan` (default), `host-gw`, `wireguard-native`, `none`. `ipsec` and `wireguard` were removed in k3s 1.27.',
  'annotation.cloud.google.com/neg': '`{"ingress": true}`: GKE creates network endpoint groups so the load balancer sends traffic straight to pods (container-native load balancing) instead of to instance groups and node ports (extra hop, conntrack on an intermediate node).',
  'annotation.cloud.google.com/backend-config': 'Attaches a BackendConfig (timeouts, draining, health checks) to the Service\'s GKE backends.',
  'annotation.kubernetes.io/ingress.class': 'Which Ingress controller handles this Ingress (`gce`, `gce-internal`, `nginx`, ...).',
};

export const FLAG_DOCS: Readonly<Record<string, string>> = {
  '--proxy-mode': 'kube-proxy mode (`iptables`, `ipvs`, `nftables`). Ignored when `--config` is given: the config file wins.',
  '--config': 'kube-proxy configuration file (KubeProxyConfiguration); most other flags are then ignored.',
  '--cluster-cidr': 'Pod network for kube-proxy masquerade decisions.',
  '--masquerade-all': 'SNAT all Service traffic.',
  '--ip-masq': 'flannel: masquerade pod traffic leaving the pod network (FLANNEL-POSTRTG rules).',
  '--kube-subnet-mgr': 'flannel: read node subnets from the Kubernetes API (node.spec.podCIDR).',
  '--iface': 'flannel: interface (or address) used for inter-node traffic.',
  '--ip-masq-fully-random-disable': 'flannel ≥ 0.27.4: MASQUERADE rules without `--random-fully`.',
  '--iptables-forward-rules': 'flannel: add FLANNEL-FWD accept rules (default true).',
};
