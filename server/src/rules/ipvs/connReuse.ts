import type { Step } from '../../core/shell';
import { describeFact } from '../../node/facts';
import { note, run, write } from '../shared/commands';
import type { NodeSnapshot } from '../../node/snapshot';
import type { KernelVerdict } from '../../node/kernelVerdict';
import { kernelAgainst, TELL_KERNEL } from '../../node/questions';
import { IPVS_CONN_REUSE_GATE } from '../shared/kernelGates';

/**
 * Appendix B, recipe 2 of the rules brief: what to say about `net.ipv4.vs.conn_reuse_mode = 0`
 * so that the ipvs rules never contradict the sysctl rules. Kernel ≥ 5.9 (fix f0a5e4d7a594):
 * recommend mode 1. Older kernel: mode 1 brings back the 1 s SYN drop on port reuse when
 * `vs/conntrack=1`, so 0 is kube-proxy's deliberate trade-off and the clean fix is a kernel
 * upgrade. Unknown kernel: say both and how to tell us.
 */
export interface ConnReuseAdvice {
  readonly verdict: KernelVerdict | 'no-kernel';
  /** One or two sentences for a message. */
  readonly sentence: string;
  /** Remediation steps (commands and notes). */
  readonly steps: readonly Step[];
}

export function connReuseAdvice(node: NodeSnapshot): ConnReuseAdvice {
  const kernel = node.facts.kernel;
  if (!kernel) {
    return {
      verdict: 'no-kernel',
      sentence:
        `The kernel version is unknown: on kernel 5.9 or later set conn_reuse_mode = 1 (kube-proxy 1.22+ leaves it there); on older kernels mode 1 brings back the 1 s SYN drop on reused ports, so upgrade the kernel instead (${TELL_KERNEL}).`,
      steps: [
        note('conn_reuse_mode = 0 keeps sending reused client ports to this server. On kernel >= 5.9 switch to 1 (check uname -r first):'),
        note('  sysctl -w net.ipv4.vs.conn_reuse_mode=1'),
        note('On older kernels mode 1 drops the first SYN of reused ports (1 s delays, vs/conntrack=1): upgrade the kernel instead.'),
      ],
    };
  }
  const k = describeFact(kernel, (v) => v.text);
  const a = kernelAgainst(node, IPVS_CONN_REUSE_GATE);
  if (a.verdict === 'fixed') {
    return {
      verdict: 'fixed',
      sentence: `Kernel ${k} has the IPVS port-reuse fix (5.9), so conn_reuse_mode = 1 is safe here and is what kube-proxy 1.22+ leaves in place.`,
      steps: [
        note(`Kernel ${kernel.value.text} has the IPVS port-reuse fix (5.9): let IPVS reschedule reused ports away from removed servers.`),
        run('sysctl', '-w', 'net.ipv4.vs.conn_reuse_mode=1'),
        write('/etc/sysctl.d/90-ipvs-conn-reuse-mode.conf', 'net.ipv4.vs.conn_reuse_mode = 1'),
      ],
    };
  }
  if (a.verdict === 'affected') {
    return {
      verdict: 'affected',
      sentence: `Kernel ${k} predates the 5.9 fix (${a.reason}): there, mode 1 drops the first SYN of every reused port (1 s delays with vs/conntrack=1), which is why kube-proxy chose 0; the clean way out is a kernel upgrade to 5.9 or later.`,
      steps: [
        note(`Kernel ${kernel.value.text} predates the IPVS port-reuse fix (5.9): conn_reuse_mode=1 would drop the first SYN of reused ports`),
        note('(1 s delays), so kube-proxy keeps 0 on purpose. Lasting fix: upgrade the node kernel to 5.9 or later, then use conn_reuse_mode=1.'),
      ],
    };
  }
  return {
    verdict: 'unknown',
    sentence: `Whether kernel ${k} has the 5.9 IPVS port-reuse fix is unknown (${a.reason}): if it does, set conn_reuse_mode = 1; if not, mode 1 brings back the 1 s SYN drop on reused ports, so upgrade the kernel instead.`,
    steps: [
      note(`Kernel ${kernel.value.text}: whether it carries the IPVS port-reuse fix (5.9, f0a5e4d7a594) is unknown.`),
      note('If it does:  sysctl -w net.ipv4.vs.conn_reuse_mode=1'),
      note('If not, mode 1 drops the first SYN of reused ports (1 s delays): upgrade the kernel instead.'),
    ],
  };
}
