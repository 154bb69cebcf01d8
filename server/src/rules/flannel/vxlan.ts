import { downgrade, type Severity } from '../../core/severity';
import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import { describeFact } from '../../node/facts';
import type { NodeSnapshot } from '../../node/snapshot';
import { markCondition, targetName, targetOption } from '../../formats/iptables/query';
import type { IptRule } from '../../formats/iptables/model';
import type { CommandFix, Related } from '../rule';
import { guarded, note, run, safeFix, write } from '../shared/commands';
import { hex } from '../shared/phrases';
import { VXLAN_CHECKSUM_GATE } from '../shared/kernelGates';
import { kernelAgainst, TELL_KERNEL } from '../../node/questions';
import { nodePath } from '../../node/nodePath';

/**
 * What the VXLAN checksum-offload rules (ethtool/vxlan-tx-checksum-offload,
 * flannel/vxlan-without-offload-fix) share: which devices are VXLAN overlays, what in an
 * iptables dump can NAT the outer VXLAN packet, the kernel verdict turned into a severity and a
 * sentence, the node-level fix script, and how a manifest shows that it already applies the fix.
 */

/** VXLAN overlay devices of the CNIs known to be exposed (flannel, Calico/Canal, Cilium, Weave). */
export const VXLAN_DEVICE = /^(?:flannel\.\d+|vxlan\.calico|vxlan-v6\.calico|cilium_vxlan|weave-vxlan|vxlan[.\w-]*)$/;

export function isVxlanDevice(name: string): boolean {
  return VXLAN_DEVICE.test(name);
}

/** Fixed kernels as the messages list them (knowledge/rules-catalogue.md §0.1). */
export const FIXED_KERNELS = '5.7, or 5.6.13 / 5.4.41 / 4.19.123 / 4.14.181 and later in those series (Ubuntu 4.15.0-107, 5.4.0-32)';

/** An iptables rule that can NAT the outer (encapsulated) VXLAN packet with a random source port. */
export interface VxlanTrigger {
  readonly document: ParsedDocument<'iptables'>;
  readonly rule: IptRule;
  readonly span: Span;
  /** `old-form`: kube-proxy's KUBE-POSTROUTING before kubernetes#92035; `catch-all`: an unrestricted MASQUERADE/SNAT. */
  readonly kind: 'old-form' | 'catch-all';
  readonly describe: string;
}

const SNAT = new Set(['MASQUERADE', 'SNAT']);

/**
 * Rules that can rewrite the source port of an outer VXLAN packet:
 * - old-form `KUBE-POSTROUTING`: `-m mark --mark 0x4000/0x4000 -j MASQUERADE --random-fully` with no
 *   `! --mark ... -j RETURN` before it (the mark of the inner packet survives encapsulation);
 * - any other MASQUERADE/SNAT `--random-fully` in nat without a source or destination match and
 *   not limited to a VXLAN device (flannel's own rules match `-s`/`-d` pod CIDRs and never see
 *   the outer packet).
 */
export function vxlanTriggers(node: NodeSnapshot): { triggers: VxlanTrigger[]; dumps: ParsedDocument<'iptables'>[] } {
  const triggers: VxlanTrigger[] = [];
  const dumps = node.ofKind('iptables');
  for (const document of dumps) {
    for (const table of document.model.tables) {
      if (table.name.value !== 'nat') continue;
      const returned = new Set<string>();
      for (const rule of table.rules) {
        const chain = rule.chain.value;
        const mark = markCondition(rule);
        if (targetName(rule) === 'RETURN' && mark?.negated) returned.add(chain);
        const name = targetName(rule);
        if (!name || !SNAT.has(name) || !targetOption(rule, '--random-fully')) continue;
        const line = `${nodePath(document, node)}:${rule.line + 1}`;
        if (chain === 'KUBE-POSTROUTING') {
          if (returned.has(chain)) continue;
          if (mark && !mark.negated) {
            triggers.push({ document, rule, span: rule.target!.name.span, kind: 'old-form', describe: `the old-form KUBE-POSTROUTING rule "-m mark --mark ${hex(mark.value)}/${hex(mark.mask)} -j ${name} --random-fully" (${line}), which also masquerades the encapsulated packet because the mark survives VXLAN encapsulation` });
          }
          continue;
        }
        if (rule.source && !rule.source.negation) continue;
        if (rule.destination && !rule.destination.negation) continue;
        if (mark?.negated) continue;
        const out = rule.outInterface;
        if (out && !out.negation && isVxlanDevice(out.value.value)) continue;
        triggers.push({ document, rule, span: rule.target!.name.span, kind: 'catch-all', describe: `${name} --random-fully in ${chain} without a source or destination match (${line}), which can rewrite the outer VXLAN packet` });
      }
    }
  }
  triggers.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'old-form' ? -1 : 1));
  return { triggers, dumps };
}

export type Exposure =
  | { readonly fixed: true; readonly reason: string }
  | { readonly fixed: false; readonly severity: Severity; readonly text: string; readonly related: Related[] };

/**
 * The kernel verdict for the VXLAN checksum bug with its trigger in the node's iptables dumps:
 * `base` when the kernel is known-affected and a trigger is present; one step lower when the
 * kernel is unknown (the message names the fixed versions and how to tell us) or when no trigger
 * is visible; `fixed` when the kernel has the fix.
 */
export function vxlanExposure(node: NodeSnapshot, base: Severity): Exposure {
  const related: Related[] = [];
  const kernel = node.facts.kernel;
  if (kernel?.source.kind === 'document') related.push({ document: kernel.source.document, span: kernel.source.span, message: `kernel ${kernel.value.text}` });
  const { triggers, dumps } = vxlanTriggers(node);
  const first = triggers[0];
  if (first) related.push({ document: first.document, span: first.span, message: first.kind === 'old-form' ? 'old-form KUBE-POSTROUTING masquerade (NATs the outer VXLAN packet)' : 'MASQUERADE --random-fully that can match the outer VXLAN packet' });
  const triggerText = first
    ? `It is triggered here by ${first.describe}.`
    : dumps.length > 0
      ? `No rule in ${dumps.map((d) => nodePath(d, node)).join(', ')} NATs the outer VXLAN packet with --random-fully right now (kube-proxy before 1.16.13/1.17.9/1.18.6/1.19 writes one), so the bug is latent.`
      : 'Add the node\'s iptables-save to this folder to see whether a MASQUERADE --random-fully rule (kube-proxy before 1.16.13/1.17.9/1.18.6/1.19) triggers it.';
  if (!kernel) {
    return { fixed: false, severity: downgrade(base), related, text: `The kernel version is unknown: the bug is fixed in ${FIXED_KERNELS}; ${TELL_KERNEL}. ${triggerText}` };
  }
  const verdict = kernelAgainst(node, VXLAN_CHECKSUM_GATE);
  const k = describeFact(kernel, (v) => v.text);
  if (verdict.verdict === 'fixed') return { fixed: true, reason: verdict.reason };
  if (verdict.verdict === 'unknown') {
    return { fixed: false, severity: downgrade(base), related, text: `Whether kernel ${k} has the fix is unknown (${verdict.reason}); it is fixed in ${FIXED_KERNELS}. ${triggerText}` };
  }
  return { fixed: false, severity: first ? base : downgrade(base), related, text: `Kernel ${k} has the bug (${verdict.reason}). ${triggerText}` };
}

/** The udev rule file flannel's troubleshooting guide uses, or one named after another device. */
export function udevRuleFile(device: string): string {
  return /^flannel\.\d+$/.test(device) ? '/etc/udev/rules.d/90-flannel.rules' : `/etc/udev/rules.d/90-${device.replace(/[^\w.-]/g, '_')}-offload.rules`;
}

/**
 * The node-level fix: turn TX checksum offload off now, and a udev rule (flannel
 * Documentation/troubleshooting.md, "NAT") that does it again whenever the device is created.
 * `feature` is `tx-checksum-ip-generic`, or `tx` for ethtool versions that only know the groups.
 */
export function offloadFix(title: string, device: string, feature = 'tx-checksum-ip-generic'): { readonly fix: CommandFix } | { readonly withheld: string } {
  // The device name comes from a dump or manifest and lands in a command and in a udev rule.
  return guarded([['udevInterface', device]], () =>
    safeFix(title, [
      note(`Turn TX checksum offload off on ${device} now (lost when the device is re-created or the node reboots):`),
      run('ethtool', '-K', device, feature, 'off'),
      note(`Keep it off: udev rule (flannel Documentation/troubleshooting.md) that runs whenever ${device} appears.`),
      write(udevRuleFile(device), `SUBSYSTEM=="net", ACTION=="add|change|move", ENV{INTERFACE}=="${device}", RUN+="/usr/sbin/ethtool -K ${device} ${feature} off"`),
      run('udevadm', 'control', '--reload-rules'),
    ]),
  );
}

const ETHTOOL_OFF = /\bethtool\s+(?:-K|--features|--offload)\s+(\\?["']?\$\{?\w+\}?\\?["']?|flannel\.\d+|\S*vxlan\S*)\s+([^\n;&|]*)/;
const TX_OFF = /(?:^|\s)(?:tx-checksum-ip-generic|tx-checksumming|tx)\s+off\b/;

/**
 * Whether the text in `span` (a workload document) runs `ethtool -K <vxlan device> ... tx off`
 * (any spelling: `tx-checksum-ip-generic off`, `tx off`, `--offload ... rx off tx off`) on a
 * line that is not a YAML comment: in a command, an args script, a lifecycle hook or a sidecar.
 */
export function runsOffloadWorkaround(text: string, span: Span): boolean {
  let i = span.start;
  while (i < span.end) {
    let e = text.indexOf('\n', i);
    if (e < 0 || e > span.end) e = span.end;
    const line = text.slice(i, e);
    i = e + 1;
    if (!line.includes('ethtool') || /^\s*#/.test(line)) continue;
    let rest = line;
    for (let m = ETHTOOL_OFF.exec(rest); m; m = ETHTOOL_OFF.exec(rest)) {
      if (TX_OFF.test(` ${m[2]}`)) return true;
      rest = rest.slice(m.index + m[0].length);
    }
  }
  return false;
}
