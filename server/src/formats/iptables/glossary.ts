/**
 * What iptables tokens mean, for hovers. Sources: iptables(8), iptables-extensions(8), and the
 * kube-proxy / flannel chain glossary in the domain brief (knowledge/rules-catalogue.md §3.1–3.3).
 */

export const TARGETS: Readonly<Record<string, string>> = {
  ACCEPT: 'Stop traversing and let the packet through.',
  DROP: 'Stop traversing and discard the packet silently (the sender retries until it times out).',
  RETURN: 'Go back to the calling chain; in a built-in chain, apply the chain policy.',
  REJECT: 'Discard the packet and answer with an error (`--reject-with`, default icmp-port-unreachable). filter table only.',
  DNAT: 'Rewrite the destination (`--to-destination ip[:port]`). kube-proxy `KUBE-SEP-*` chains end with it: this is where a Service address becomes a pod address.',
  SNAT: 'Rewrite the source to a fixed address (`--to-source`). `--random-fully` picks the source port fully at random (avoids the SNAT port race).',
  MASQUERADE:
    'SNAT to the address of the outgoing interface (nat POSTROUTING). `--random-fully` = fully random source-port choice (kernel ≥ 3.13, iptables ≥ 1.6.2); since kernel 5.0 `--random` behaves the same.',
  MARK: 'Set the packet mark (`--set-xmark value/mask`: clear the mask bits, then XOR the value). kube-proxy: `0x4000` = needs masquerade, `0x8000` = drop.',
  CONNMARK: 'Copy marks between the packet and its conntrack entry (`--save-mark`, `--restore-mark`, `--set-mark`).',
  CT: 'Set conntrack parameters for the packet (`--notrack`, `--zone`, `--helper`); raw table.',
  NOTRACK: 'Do not track this packet in conntrack (raw table). NodeLocal DNSCache uses it for its link-local address.',
  LOG: 'Log the packet to the kernel log (`--log-prefix`) and continue.',
  NFLOG: 'Send the packet to userspace logging through nfnetlink (`--nflog-group`) and continue.',
  REDIRECT: 'DNAT to the local machine (`--to-ports`).',
  TPROXY: 'Transparent proxying to a local socket (mangle PREROUTING).',
};

export const OPTIONS: Readonly<Record<string, string>> = {
  '-A': 'Append a rule to the end of the chain.',
  '-I': 'Insert a rule at the top of the chain (or at the given position).',
  '-s': 'Source address or CIDR (`!` negates). iptables-save always prints a prefix length.',
  '-d': 'Destination address or CIDR (`!` negates).',
  '-i': 'Interface the packet came in on (`+` is a wildcard suffix).',
  '-o': 'Interface the packet will leave by.',
  '-p': 'Protocol: tcp, udp, sctp, icmp, all or a number.',
  '-m': 'Load a match extension; the options that follow belong to it.',
  '-j': 'Jump to a target or user-defined chain.',
  '-g': 'Goto a chain: like -j but RETURN from it goes back past this chain.',
  '!': 'Negates the option that follows.',
  '--comment': 'Free text (≤ 256 chars). kube-proxy writes `namespace/service:port` and what the rule is for.',
  '--ctstate': 'conntrack state: NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED, SNAT, DNAT. INVALID = conntrack could not classify the packet.',
  '--state': 'Legacy alias of conntrack --ctstate.',
  '--mark': 'Matches when (packet mark AND mask) == value. kube-proxy: 0x4000/0x4000 = marked for masquerade.',
  '--probability': 'statistic match, random mode: matches with this probability. kube-proxy gives endpoint i of n probability 1/(n-i), so the cascade is uniform.',
  '--mode': 'statistic match mode: random (with --probability) or nth (with --every / --packet).',
  '--dport': 'Destination port (or range a:b).',
  '--sport': 'Source port (or range a:b).',
  '--dst-type': 'addrtype match: class of the destination address in the local routing table; LOCAL = an address this node owns (catches NodePorts).',
  '--src-type': 'addrtype match: class of the source address; LOCAL = sent by this node.',
  '--match-set': 'ipset lookup: the set name and which packet fields (dst,dst = destination IP and port) are looked up.',
  '--to-destination': 'DNAT: the new destination ip[:port].',
  '--to-source': 'SNAT: the new source ip[-ip][:port-port].',
  '--random-fully': 'Fully randomised source-port choice for SNAT/MASQUERADE; avoids the SNAT port-allocation race (insert_failed).',
  '--random': 'Randomised port choice; equals --random-fully on kernel 5.0 and later.',
  '--set-xmark': 'MARK: clear the mask bits, then XOR the value. `0x4000/0x4000` sets bit 14; `0x4000/0x0` toggles it (kube-proxy clears its mark this way).',
  '--or-mark': 'MARK: OR the value into the mark (iptables-save prints it as --set-xmark v/v).',
  '--xor-mark': 'MARK: XOR the value into the mark (iptables-save prints it as --set-xmark v/0x0).',
  '--set-mark': 'MARK/CONNMARK: set the mark (iptables-save prints it as --set-xmark v/0xffffffff).',
  '--reject-with': 'REJECT: which error to answer with (icmp-port-unreachable, tcp-reset, ...).',
  '--rcheck': 'recent match: is the source in the list? kube-proxy uses it for sessionAffinity: ClientIP.',
  '--seconds': 'recent match: only entries seen in the last N seconds (kube-proxy: the affinity timeout, default 10800).',
  '--set': 'recent match: add the source address to the list.',
  '--name': 'recent match: name of the address list (kube-proxy: the KUBE-SEP chain of the endpoint).',
  '--nfacct-name': 'nfacct match: count packets in a named accounting object (kube-proxy metrics).',
};

export const TABLES: Readonly<Record<string, string>> = {
  filter: 'filter table: accept or drop. Built-in chains INPUT, FORWARD, OUTPUT.',
  nat: 'nat table: address translation, consulted for the first packet of each connection only. Built-in chains PREROUTING, INPUT, OUTPUT, POSTROUTING.',
  mangle: 'mangle table: packet alterations (marks, TOS). Built-in chains PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING.',
  raw: 'raw table: before conntrack (NOTRACK / CT). Built-in chains PREROUTING, OUTPUT.',
  security: 'security table: SELinux marking. Built-in chains INPUT, FORWARD, OUTPUT.',
};

/** Chain names by pattern: exact names first, then hashed families. */
export const CHAINS: readonly (readonly [RegExp, string])[] = [
  [/^PREROUTING$/, 'Built-in: packets as they arrive, before routing.'],
  [/^INPUT$/, 'Built-in: packets addressed to this node.'],
  [/^FORWARD$/, 'Built-in: packets routed through this node (pod traffic on most CNIs).'],
  [/^OUTPUT$/, 'Built-in: packets generated on this node.'],
  [/^POSTROUTING$/, 'Built-in: packets about to leave, after routing (where masquerading happens).'],
  [/^KUBE-SERVICES$/, 'kube-proxy entry point (from PREROUTING and OUTPUT): one rule per Service address and port, jumping to its KUBE-SVC-* chain; the last rule sends local-address traffic to KUBE-NODEPORTS. In filter: REJECT for Services without endpoints.'],
  [/^KUBE-SVC-/, 'kube-proxy: one Service port with cluster traffic policy. Marks off-cluster traffic for masquerade, then picks an endpoint (KUBE-SEP-*) with statistic probabilities.'],
  [/^KUBE-SVL-/, 'kube-proxy ≥ 1.24: like KUBE-SVC but only local endpoints (externalTrafficPolicy / internalTrafficPolicy Local).'],
  [/^KUBE-EXT-/, 'kube-proxy ≥ 1.24: entry for external traffic to a Service (NodePort, LoadBalancer IP, externalIP).'],
  [/^KUBE-XLB-/, 'kube-proxy < 1.24: external chain for externalTrafficPolicy: Local Services (replaced by KUBE-EXT + KUBE-SVL).'],
  [/^KUBE-SEP-/, 'kube-proxy: one endpoint of a Service: hairpin masquerade mark, then DNAT to the pod address.'],
  [/^KUBE-FW-/, 'kube-proxy: LoadBalancer source ranges (loadBalancerSourceRanges): allowed sources continue to KUBE-EXT.'],
  [/^KUBE-NODEPORTS$/, 'kube-proxy: one rule per NodePort (nat), or health-check node ports (filter).'],
  [/^KUBE-POSTROUTING$/, 'kube-proxy (and kubelet < 1.28): masquerades packets marked 0x4000. Modern form: RETURN unmarked, clear the mark, MASQUERADE.'],
  [/^KUBE-MARK-MASQ$/, 'Sets mark 0x4000: "masquerade this packet in KUBE-POSTROUTING".'],
  [/^KUBE-MARK-DROP$/, 'Sets mark 0x8000: dropped by KUBE-FIREWALL (kubelet < 1.28).'],
  [/^KUBE-FORWARD$/, 'kube-proxy (filter, from FORWARD): drops INVALID, accepts marked and established service traffic.'],
  [/^KUBE-PROXY-FIREWALL$/, 'kube-proxy ≥ 1.25 (filter): enforces loadBalancerSourceRanges.'],
  [/^KUBE-FIREWALL$/, 'kubelet/kube-proxy (filter): blocks incoming localnet connections (CVE-2020-8558 guard) and, before 1.28, drops 0x8000-marked packets.'],
  [/^KUBE-EXTERNAL-SERVICES$/, 'kube-proxy (filter): rejects external traffic to Services without (local) endpoints.'],
  [/^KUBE-(?:PROXY|KUBELET)-CANARY$/, 'Empty canary chain: if it disappears the tables were flushed and the owner resyncs.'],
  [/^KUBE-IPTABLES-HINT$/, 'Empty marker chain (kubelet ≥ 1.24) telling containerised tools which iptables backend the host uses.'],
  [/^KUBE-(?:NODE-PORT|LOAD-BALANCER.*|SOURCE-RANGES-FIREWALL)$/, 'kube-proxy IPVS mode: masquerade/filter decisions for IPVS services using ipsets.'],
  [/^FLANNEL-POSTRTG$/, 'flannel ≥ 0.20: pod traffic masquerading (--ip-masq). ≥ 0.20.2 first RETURNs packets kube-proxy marked 0x4000.'],
  [/^FLANNEL-FWD$/, 'flannel: accepts pod traffic in FORWARD even if the policy is DROP.'],
  [/^CNI-/, 'CNI plugin chain (portmap / bridge masquerade).'],
  [/^DOCKER/, 'Docker chain.'],
  [/^(?:cali|felix)-/, 'Calico chain.'],
  [/^WEAVE/, 'Weave Net chain.'],
];

export function chainDoc(name: string): string | undefined {
  return CHAINS.find(([re]) => re.test(name))?.[1];
}

/** The tool named in the `# Generated by ...` header line. */
export const TOOLS: Readonly<Record<string, string>> = {
  'iptables-save': 'Dump of the IPv4 rules, in the format `iptables-restore` reads back.',
  'ip6tables-save': 'Dump of the IPv6 rules, in the format `ip6tables-restore` reads back.',
  'iptables-legacy-save': 'Dump of the IPv4 rules of the legacy (x_tables) backend only.',
  'ip6tables-legacy-save': 'Dump of the IPv6 rules of the legacy (x_tables) backend only.',
  'iptables-nft-save': 'Dump of the IPv4 rules of the nf_tables backend only.',
  'ip6tables-nft-save': 'Dump of the IPv6 rules of the nf_tables backend only.',
  'xtables-save': 'iptables-nft 1.8.0–1.8.2 name of the nf_tables dump tool.',
};

/** The backend in the header's parentheses. */
export const BACKENDS: Readonly<Record<string, string>> = {
  nf_tables:
    'Rules written through the iptables-nft compatibility layer into nftables tables. A node can hold a second, legacy rule set that this dump does not show: `iptables-legacy-save` prints it (iptables/mixed-backends).',
  legacy:
    'Rules in the kernel\'s x_tables interface (iptables-legacy). A node can hold a second, nf_tables rule set that this dump does not show: `iptables-nft-save` prints it (iptables/mixed-backends).',
};
