import { compareVersions, type Version } from '../core/version';

/**
 * Reads a kernel version against a gate: the first mainline release with a fix, stable
 * back-ports, Ubuntu ABI numbers. The gates themselves are rule data (rules/shared/kernelGates.ts);
 * this is the one reading of them, used by `node/questions.ts`. Distro kernels that keep an
 * `x.y.0-N` version while back-porting fixes are unknown unless the gate lists them.
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
