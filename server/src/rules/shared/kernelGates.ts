import type { KernelGate } from '../../node/kernelVerdict';

/**
 * Kernel version gates for bugs fixed upstream and back-ported to stable and distro kernels. A
 * gate is data (from the brief, knowledge/rules-catalogue.md §0.1); `node/kernelVerdict.ts` reads
 * a `uname -r` string against it and `node/questions.ts` (`kernelAgainst`) answers fixed,
 * affected or unknown with the evidence and how to tell us.
 */
/** The "63 second" bug: NAT rewrote a zero VXLAN UDP checksum with TX offload (fix ea64d8d6c675). */
export const VXLAN_CHECKSUM_GATE: KernelGate = {
  bug: 'NAT updates the zero UDP checksum of VXLAN packets (fix ea64d8d6c675)',
  mainline: [5, 7],
  stable: [
    [5, 6, 13],
    [5, 4, 41],
    [4, 19, 123],
    [4, 14, 181],
  ],
  ubuntu: [
    { base: [4, 15, 0], abi: 107 },
    { base: [5, 4, 0], abi: 32 },
  ],
};

/** IPVS drops the first SYN on port reuse with conntrack=1 and conn_reuse_mode=1 (fix f0a5e4d7a594). */
export const IPVS_CONN_REUSE_GATE: KernelGate = {
  bug: 'IPVS drops the first SYN of a reused port when conntrack=1 (fix f0a5e4d7a594)',
  mainline: [5, 9],
  stable: [],
  unknownSeries: [
    [5, 7],
    [5, 8],
  ],
};

/**
 * kube-proxy nftables mode: the kernel it requires (`NFTablesKubeProxyKernelVersion = "5.13"` in
 * pkg/util/kernel; kube-proxy 1.31+ refuses the mode below it) and the host `nft` it needs (older nft
 * binaries corrupt tables written by newer ones: Kubernetes blog 2025-02-28 "NFTables mode for kube-proxy").
 */
export const NFTABLES_MODE_MIN_KERNEL: readonly number[] = [5, 13];
export const NFTABLES_MODE_MIN_NFT: readonly number[] = [1, 0, 0];

/**
 * Out-of-window TCP packets marked INVALID reach pods un-NATed and provoke resets. iptables mode
 * drops them (KUBE-FORWARD); nftables mode has no such rule and relies on the kernel: the conntrack
 * TCP window-tracking fixes of 6.1 (Kubernetes "Virtual IPs and Service Proxies", "Conntrack bug
 * workarounds"). Distribution kernels of older series are affected unless patched.
 */
export const NFTABLES_INVALID_WORKAROUND_GATE: KernelGate = {
  bug: 'conntrack marks out-of-window TCP packets INVALID and they reach pods un-NATed (kube-proxy nftables mode has no INVALID drop)',
  mainline: [6, 1],
  stable: [],
};
