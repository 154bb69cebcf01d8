/**
 * A kube-proxy-shaped nftables ruleset (kube-proxy's nftables mode, as in
 * test/fixtures/nftables/kube-proxy-ipv4.list.nft and kubernetes pkg/proxy/nftables/proxier.go)
 * for the namespaces of kernel.ts: pod network 10.244.0.0/16, Service network 10.96.0.0/16.
 *
 * - kube-dns 10.96.0.10:53/udp: three endpoints 10.244.0.20-22 (`numgen random mod 3 vmap`);
 * - web 10.96.0.20:80/udp: one endpoint 10.244.0.30:8080;
 * - none 10.96.0.50:80/udp: no endpoints (`no-endpoint-services` → `goto reject-chain`).
 *
 * Every rule carries a `counter` just before its last statement when that one ends the rule (a
 * verdict, a verdict map, NAT, reject), else at its end: a rule's counter moves exactly when its
 * matches held, which is when the trace steps through it (a map lookup that misses included).
 * The same text is loaded into the kernel (`nft -f`) and traced.
 */
export const NFT_NODE_DUMP = `table ip kube-proxy {
	comment "rules for kube-proxy"
	set cluster-ips {
		type ipv4_addr
		comment "Active ClusterIPs"
		elements = { 10.96.0.10, 10.96.0.20, 10.96.0.50 }
	}

	map no-endpoint-services {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "vmap to drop or reject packets to services with no endpoints"
		elements = { 10.96.0.50 . udp . 80 comment "default/none:http" : goto reject-chain }
	}

	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"
		elements = { 10.96.0.10 . udp . 53 : goto service-ERIFXISQ-kube-system/kube-dns/udp/dns,
			     10.96.0.20 . udp . 80 : goto service-NPX46M4P-default/web/udp/http }
	}

	chain filter-forward {
		type filter hook forward priority filter; policy accept;
		ct state new counter jump service-endpoints-check
		ct state new counter jump cluster-ips-check
	}

	chain filter-input {
		type filter hook input priority filter; policy accept;
		ct state new counter jump service-endpoints-check
	}

	chain filter-output {
		type filter hook output priority filter; policy accept;
		ct state new counter jump service-endpoints-check
		ct state new counter jump cluster-ips-check
	}

	chain service-endpoints-check {
		counter ip daddr . meta l4proto . th dport vmap @no-endpoint-services
	}

	chain cluster-ips-check {
		ip daddr @cluster-ips counter reject comment "Reject traffic to invalid ports of ClusterIPs"
		ip daddr 10.96.0.0/16 counter drop comment "Drop traffic to unallocated ClusterIPs"
	}

	chain reject-chain {
		comment "helper for @no-endpoint-services / @no-endpoint-nodeports"
		counter reject
	}

	chain mark-for-masquerade {
		counter meta mark set meta mark | 0x00004000
	}

	chain masquerading {
		meta mark & 0x00004000 == 0x00000000 counter return
		counter meta mark set meta mark ^ 0x00004000
		counter masquerade fully-random
	}

	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		counter jump services
	}

	chain nat-output {
		type nat hook output priority -100; policy accept;
		counter jump services
	}

	chain nat-postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		counter jump masquerading
	}

	chain services {
		counter ip daddr . meta l4proto . th dport vmap @service-ips
	}

	chain service-ERIFXISQ-kube-system/kube-dns/udp/dns {
		ip daddr 10.96.0.10 ip saddr != 10.244.0.0/16 counter jump mark-for-masquerade
		counter numgen random mod 3 vmap { 0 : goto endpoint-AAAAAAA0-kube-system/kube-dns/udp/dns__10.244.0.20/53, 1 : goto endpoint-AAAAAAA1-kube-system/kube-dns/udp/dns__10.244.0.21/53, 2 : goto endpoint-AAAAAAA2-kube-system/kube-dns/udp/dns__10.244.0.22/53 }
	}

	chain endpoint-AAAAAAA0-kube-system/kube-dns/udp/dns__10.244.0.20/53 {
		ip saddr 10.244.0.20 counter jump mark-for-masquerade
		meta l4proto udp counter dnat to 10.244.0.20:53
	}

	chain endpoint-AAAAAAA1-kube-system/kube-dns/udp/dns__10.244.0.21/53 {
		ip saddr 10.244.0.21 counter jump mark-for-masquerade
		meta l4proto udp counter dnat to 10.244.0.21:53
	}

	chain endpoint-AAAAAAA2-kube-system/kube-dns/udp/dns__10.244.0.22/53 {
		ip saddr 10.244.0.22 counter jump mark-for-masquerade
		meta l4proto udp counter dnat to 10.244.0.22:53
	}

	chain service-NPX46M4P-default/web/udp/http {
		ip daddr 10.96.0.20 ip saddr != 10.244.0.0/16 counter jump mark-for-masquerade
		counter numgen random mod 1 vmap { 0 : goto endpoint-BBBBBBB0-default/web/udp/http__10.244.0.30/8080 }
	}

	chain endpoint-BBBBBBB0-default/web/udp/http__10.244.0.30/8080 {
		ip saddr 10.244.0.30 counter jump mark-for-masquerade
		meta l4proto udp counter dnat to 10.244.0.30:8080
	}
}
`;
