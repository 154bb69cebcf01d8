import { compareVersions, type Version } from '../../core/version';

/**
 * Kernel version gates for bugs fixed upstream and back-ported to stable and distro kernels. A
 * gate is data (from the brief, knowledge/rules-catalogue.md §0.1); `kernelVerdict` reads a
 * `uname -r` string against it and says fixed, affected, or unknown — distro kernels that keep
 * an `x.y.0-N` version while back-porting fixes are unknown unless the gate lists them.
 */
export interface KernelGate {
  /** What was fixed, for messages. */
  readonly bug: string;
  /** First mainline release with the fix. */
  readonly mainline: readonly number[];
  /** Stable series with a back-port: first fixed point release per series. */
  readonly stable: readonly (readonly number[])[];
  /** Series where a back-port exists but its release is not known. */
  readonly unknownSeries?: readonly (readonly number[])[];
  /** Ubuntu kernels `x.y.0-ABI-flavour`: first fixed ABI number per base version. */
  readonly ubuntu?: readonly { readonly base: readonly number[]; readonly abi: number }[];
}

export type KernelVerdict = 'fixed' | 'affected' | 'unknown';

export interface KernelAssessment {
  readonly verdict: KernelVerdict;
  readonly reason: string;
}

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

const sameSeries = (parts: readonly number[], series: readonly number[]): boolean => parts[0] === series[0] && parts[1] === series[1];

export function kernelVerdict(kernel: Version, gate: KernelGate): KernelAssessment {
  const p = kernel.parts;
  const text = kernel.text;
  if (compareVersions(p, gate.mainline) >= 0) return { verdict: 'fixed', reason: `kernel ${text} is at or after ${gate.mainline.join('.')}, which has the fix` };
  // Distribution kernels: `4.15.0-107-generic` (Ubuntu), `3.10.0-1127.el7.x86_64` (RHEL), `4.19.0-17-amd64` (Debian).
  const distro = /^-(\d+)/.exec(kernel.suffix);
  if (distro && (p[2] ?? 0) === 0) {
    const abi = Number(distro[1]);
    const ubuntu = gate.ubuntu?.find((u) => compareVersions(p, u.base) === 0);
    if (ubuntu && /-(?:generic|lowlatency|aws|gcp|gke|azure|kvm|oracle|ibm)\b|^-\d+-?$/.test(kernel.suffix)) {
      return abi >= ubuntu.abi
        ? { verdict: 'fixed', reason: `Ubuntu kernel ${text} is at or after ${ubuntu.base.join('.')}-${ubuntu.abi}` }
        : { verdict: 'affected', reason: `Ubuntu kernel ${text} predates ${ubuntu.base.join('.')}-${ubuntu.abi}, the first with the fix` };
    }
    if (/\.el[6-8]/.test(kernel.suffix) && p[0] === 3) return { verdict: 'affected', reason: `RHEL/CentOS kernel ${text} is treated as affected (the fix was not known to be back-ported when reported)` };
    // Distributions follow their series' stable releases: if the series got the fix upstream, the
    // distro build may have it (unknown); if it never did, the distro build is affected unless patched.
    const series = gate.stable.some((st) => sameSeries(p, st)) || gate.unknownSeries?.some((st) => sameSeries(p, st));
    if (!series) return { verdict: 'affected', reason: `kernel ${text} belongs to the ${p[0]}.${p[1]} series, which never received the fix upstream (it arrived in ${gate.mainline.join('.')}); only a distribution patch would change that` };
    return { verdict: 'unknown', reason: `distribution kernel ${text} may carry the ${p[0]}.${p[1]}.y back-port; the upstream point release is not visible in its version` };
  }
  if (gate.unknownSeries?.some((s) => sameSeries(p, s))) return { verdict: 'unknown', reason: `a back-port to ${p[0]}.${p[1]}.y exists but its release is not known` };
  const stable = gate.stable.find((s) => sameSeries(p, s));
  if (stable) {
    return compareVersions(p, stable) >= 0
      ? { verdict: 'fixed', reason: `kernel ${text} is at or after ${stable.join('.')}, which has the back-port` }
      : { verdict: 'affected', reason: `kernel ${text} predates ${stable.join('.')}, the first ${stable[0]}.${stable[1]}.y release with the fix` };
  }
  return { verdict: 'affected', reason: `kernel ${text} predates ${gate.mainline.join('.')} and its series has no known back-port` };
}

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
