/**
 * kube-proxy's nftables names (kubernetes pkg/proxy/nftables/proxier.go): per Service port
 * `service-HASH-ns/name/proto/port`, `external-…`, `firewall-…`; per endpoint
 * `endpoint-HASH-ns/name/proto/port__IP/port` and the affinity set `affinity-…` (IPv6 endpoint
 * addresses have their colons written as dots, names longer than 240 end in `...`); and the fixed
 * chains, sets and maps of `table ip kube-proxy`.
 */
export interface KubeProxyName {
  readonly role: 'service' | 'external' | 'firewall' | 'endpoint' | 'affinity';
  readonly hash: string;
  readonly namespace: string;
  readonly service: string;
  readonly protocol: string;
  readonly port: string;
  readonly endpoint?: { readonly ip: string; readonly port: string };
  readonly truncated: boolean;
}

// The hash is base32 (A-Z, 2-7) in kube-proxy; any 8 upper-case letters or digits are accepted.
const NAME = /^(service|external|firewall|endpoint|affinity)-([A-Z0-9]{8})-([^/]+)\/([^/]+)\/([^/]+)\/([^_/]+?)(?:__([^/]+)\/(\d+))?(\.\.\.)?$/;

export function parseKubeProxyName(name: string): KubeProxyName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, role, hash, namespace, service, protocol, port, ip, epPort, dots] = m;
  // An IPv6 endpoint: kube-proxy replaced its colons by dots (more than 3 dots, or hex letters).
  const addr = ip && (ip.split('.').length > 4 || /[a-f]/i.test(ip)) ? ip.replace(/\./g, ':') : ip;
  return {
    role: role as KubeProxyName['role'],
    hash: hash!,
    namespace: namespace!,
    service: service!,
    protocol: protocol!,
    port: port!,
    truncated: dots !== undefined,
    ...(addr && epPort ? { endpoint: { ip: addr, port: epPort } } : {}),
  };
}

/** What each fixed object of `table ip kube-proxy` is for (proxier.go, its comments). */
export const KUBE_PROXY_FIXED: Readonly<Record<string, string>> = {
  'cluster-ips': 'set of every active ClusterIP; `cluster-ips-check` rejects traffic to a ClusterIP on a port no Service uses.',
  'nodeport-ips': 'set of the node addresses that accept NodePort traffic (`--nodeport-addresses`, default: the primary node IP only).',
  'service-ips': 'verdict map `ip . proto . port → goto service-…/external-…`: ClusterIP, ExternalIP and LoadBalancer IP traffic.',
  'service-nodeports': 'verdict map `proto . port → goto external-…`: NodePort traffic to the addresses in `nodeport-ips`.',
  'firewall-ips': 'verdict map of destinations subject to `loadBalancerSourceRanges` → `goto firewall-…`.',
  'no-endpoint-services': 'verdict map of Service IPs/ports without ready endpoints → `drop` (Local policy) or `goto reject-chain`.',
  'no-endpoint-nodeports': 'verdict map of NodePorts without ready endpoints → `drop` or `goto reject-chain`.',
  services: 'dispatch chain: looks the destination up in `service-ips` and `service-nodeports`.',
  masquerading: 'postrouting: masquerades (`fully-random`) packets marked 0x4000 and clears the mark.',
  'mark-for-masquerade': 'sets mark bit 0x4000 so `masquerading` SNATs the packet (hairpin, external, non-pod sources).',
  'firewall-check': 'pre-DNAT filter: looks up `firewall-ips` to enforce `loadBalancerSourceRanges`.',
  'service-endpoints-check': 'filter: looks up `no-endpoint-services` (drop/reject Services without endpoints).',
  'nodeport-endpoints-check': 'filter: looks up `no-endpoint-nodeports`.',
  'cluster-ips-check': 'filter: rejects invalid ports of ClusterIPs and drops traffic to unallocated IPs of the service CIDR.',
  'reject-chain': 'helper: `reject`, the verdict of `no-endpoint-*` elements for Cluster-policy Services.',
  'nat-prerouting': 'base chain, nat prerouting at dstnat (-100): `jump services` for incoming traffic.',
  'nat-output': 'base chain, nat output at -100: `jump services` for traffic from the node itself.',
  'nat-postrouting': 'base chain, nat postrouting at srcnat (100): `jump masquerading`.',
  'filter-prerouting-pre-dnat': 'base chain, filter prerouting at -110 (before DNAT): `jump firewall-check` for new connections.',
  'filter-output-pre-dnat': 'base chain, filter output at -110 (before DNAT): `jump firewall-check`.',
  'filter-forward': 'base chain, filter forward at 0: endpoint and ClusterIP checks for forwarded new connections.',
  'filter-input': 'base chain, filter input at 0: NodePort and endpoint checks for new connections to the node.',
  'filter-output': 'base chain, filter output at 0: endpoint and ClusterIP checks for the node’s own connections.',
};

/** `ns/svc/proto/port` as people say it. */
export function servicePortLabel(n: KubeProxyName): string {
  return `Service \`${n.namespace}/${n.service}\` port \`${n.port}\` (${n.protocol})`;
}
