/**
 * Generates a kube-proxy nftables-mode ruleset as `nft list ruleset` prints it, shaped like the
 * kernel-captured fixtures (test/fixtures/nftables/kube-proxy-ipv4.list.nft, made by
 * make-fixtures.sh from kubernetes pkg/proxy/nftables): `table ip kube-proxy` with the base
 * chains and helper chains, the sets and verdict maps (cluster-ips, service-ips,
 * service-nodeports, no-endpoint-services, …), and per Service port a `service-HASH-ns/name/tcp/pN`
 * chain (masquerade off-cluster sources, `numgen random mod N vmap { … }`), one
 * `endpoint-HASH-…__IP/PORT` chain per endpoint (mark, DNAT), every second Service a NodePort with
 * its `external-…` chain; one in 50 without endpoints (a `no-endpoint-services` element).
 * 5,000 Services with 1–7 endpoints (4 on average) give about 20,000 endpoints.
 *
 * Run standalone: `node --import tsx bench/generate/nftablesRuleset.ts [services] > ruleset.nft`.
 * Deterministic (xorshift32): every run prints the same text, which `nft -c -f` accepts (output
 * hooks carry numbers, as nft prints them: 1.0.6 refuses the name `dstnat` there).
 */
import { kubeHash, kubeRandom, NAMESPACES } from './kubeNames';

export interface NftRulesetFigures {
  readonly services: number;
  readonly endpoints: number;
}

export function nftablesRuleset(services = 5000): { text: string; figures: NftRulesetFigures } {
  const rnd = kubeRandom();
  const hash = (): string => kubeHash(rnd, 8);
  const clusterIp = (k: number): string => `172.30.${(k >> 8) & 255}.${k & 255}`;
  const podIp = (k: number): string => `10.180.${(k >> 8) & 255}.${k & 255}`;

  const clusterIps: string[] = [];
  const serviceIps: string[] = [];
  const nodePorts: string[] = [];
  const noEndpoints: string[] = [];
  const chains: string[] = [];
  let endpoints = 0;
  for (let s = 0; s < services; s++) {
    const ns = NAMESPACES[rnd(NAMESPACES.length)]!;
    const svc = `${ns}/svc-${s}/tcp/p80`;
    const ip = clusterIp(s + 1);
    const svcChain = `service-${hash()}-${svc}`;
    clusterIps.push(ip);
    if (s % 50 === 49) {
      noEndpoints.push(`${ip} . tcp . 80 comment "${ns}/svc-${s}:p80" : goto reject-chain`);
      continue;
    }
    serviceIps.push(`${ip} . tcp . 80 : goto ${svcChain}`);
    const n = 1 + rnd(7);
    const eps: string[] = [];
    for (let e = 0; e < n; e++) {
      const addr = podIp(endpoints++ + 1);
      const epChain = `endpoint-${hash()}-${svc}__${addr}/8080`;
      eps.push(epChain);
      chains.push(`\tchain ${epChain} {\n\t\tip saddr ${addr} jump mark-for-masquerade\n\t\tmeta l4proto tcp dnat to ${addr}:8080\n\t}\n`);
    }
    chains.push(
      `\tchain ${svcChain} {\n\t\tip daddr ${ip} ip saddr != 10.0.0.0/8 jump mark-for-masquerade\n` +
        `\t\tnumgen random mod ${n} vmap { ${eps.map((c, k) => `${k} : goto ${c}`).join(', ')} }\n\t}\n`,
    );
    if (s % 2 === 0) {
      const ext = `external-${hash()}-${svc}`;
      nodePorts.push(`tcp . ${30000 + (s % 2768)} : goto ${ext}`);
      chains.push(`\tchain ${ext} {\n\t\tjump mark-for-masquerade\n\t\tgoto ${svcChain}\n\t}\n`);
    }
  }
  // nft prints long element lists two per line, continued with tabs and spaces.
  const elements = (items: readonly string[]): string => (items.length ? `\t\telements = { ${items.join(',\n\t\t\t     ')} }\n` : '');
  // NodePorts are unique per Service in a real cluster: keep the first of each port.
  const seen = new Set<string>();
  const uniqueNodePorts = nodePorts.filter((e) => {
    const port = e.split(' : ')[0]!;
    if (seen.has(port)) return false;
    seen.add(port);
    return true;
  });
  const text =
    'table ip kube-proxy {\n\tcomment "rules for kube-proxy"\n' +
    `\tset cluster-ips {\n\t\ttype ipv4_addr\n\t\tcomment "Active ClusterIPs"\n${elements(clusterIps)}\t}\n\n` +
    '\tset nodeport-ips {\n\t\ttype ipv4_addr\n\t\tcomment "IPs that accept NodePort traffic"\n\t\telements = { 192.168.0.2 }\n\t}\n\n' +
    '\tmap firewall-ips {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n\t\tcomment "destinations that are subject to LoadBalancerSourceRanges"\n\t}\n\n' +
    '\tmap no-endpoint-nodeports {\n\t\ttype inet_proto . inet_service : verdict\n\t\tcomment "vmap to drop or reject packets to service nodeports with no endpoints"\n\t}\n\n' +
    `\tmap no-endpoint-services {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n\t\tcomment "vmap to drop or reject packets to services with no endpoints"\n${elements(noEndpoints)}\t}\n\n` +
    `\tmap service-ips {\n\t\ttype ipv4_addr . inet_proto . inet_service : verdict\n\t\tcomment "ClusterIP, ExternalIP and LoadBalancer IP traffic"\n${elements(serviceIps)}\t}\n\n` +
    `\tmap service-nodeports {\n\t\ttype inet_proto . inet_service : verdict\n\t\tcomment "NodePort traffic"\n${elements(uniqueNodePorts)}\t}\n\n` +
    '\tchain filter-prerouting-pre-dnat {\n\t\ttype filter hook prerouting priority dstnat - 10; policy accept;\n\t\tct state new jump firewall-check\n\t}\n\n' +
    '\tchain filter-forward {\n\t\ttype filter hook forward priority filter; policy accept;\n\t\tct state new jump service-endpoints-check\n\t\tct state new jump cluster-ips-check\n\t}\n\n' +
    '\tchain filter-input {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tct state new jump nodeport-endpoints-check\n\t\tct state new jump service-endpoints-check\n\t}\n\n' +
    '\tchain filter-output {\n\t\ttype filter hook output priority filter; policy accept;\n\t\tct state new jump service-endpoints-check\n\t\tct state new jump cluster-ips-check\n\t}\n\n' +
    '\tchain filter-output-pre-dnat {\n\t\ttype filter hook output priority -110; policy accept;\n\t\tct state new jump firewall-check\n\t}\n\n' +
    '\tchain nat-output {\n\t\ttype nat hook output priority -100; policy accept;\n\t\tjump services\n\t}\n\n' +
    '\tchain nat-postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tjump masquerading\n\t}\n\n' +
    '\tchain nat-prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tjump services\n\t}\n\n' +
    '\tchain cluster-ips-check {\n\t\tip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"\n\t\tip daddr 172.30.0.0/16 drop comment "Drop traffic to unallocated ClusterIPs"\n\t}\n\n' +
    '\tchain firewall-check {\n\t\tip daddr . meta l4proto . th dport vmap @firewall-ips\n\t}\n\n' +
    '\tchain mark-for-masquerade {\n\t\tmeta mark set meta mark | 0x00004000\n\t}\n\n' +
    '\tchain masquerading {\n\t\tmeta mark & 0x00004000 == 0x00000000 return\n\t\tmeta mark set meta mark ^ 0x00004000\n\t\tmasquerade fully-random\n\t}\n\n' +
    '\tchain nodeport-endpoints-check {\n\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports\n\t}\n\n' +
    '\tchain reject-chain {\n\t\tcomment "helper for @no-endpoint-services / @no-endpoint-nodeports"\n\t\treject\n\t}\n\n' +
    '\tchain services {\n\t\tip daddr . meta l4proto . th dport vmap @service-ips\n\t\tip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports\n\t}\n\n' +
    '\tchain service-endpoints-check {\n\t\tip daddr . meta l4proto . th dport vmap @no-endpoint-services\n\t}\n\n' +
    chains.join('\n') +
    '}\n';
  return { text, figures: { services, endpoints } };
}

// Only when run as this file: bundled into a bench (nftables.bench.ts), `require.main === module` holds too.
if (require.main === module && /nftablesRuleset\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  const n = Number(process.argv[2] ?? 5000);
  process.stdout.write(nftablesRuleset(n).text);
}
