import type { Severity } from '../../core/severity';
import { versionAtLeast } from '../../core/version';
import { describeFact } from '../../engine/facts';
import { targetName, targetOption } from '../../formats/iptables/query';
import { defineRule, type Finding, type Fix } from '../rule';

const SNAT_TARGETS = new Set(['MASQUERADE', 'SNAT']);

/** Since kernel 5.0 `--random` uses the same fully random port choice as `--random-fully`. */
const RANDOM_EQUALS_FULLY = [5, 0];

export default defineRule({
  meta: {
    id: 'iptables/masquerade-without-random-fully',
    title: 'MASQUERADE/SNAT without --random-fully (SNAT source-port race)',
    severity: 'info',
    reads: 'iptables',
    fix: 'edit',
  },
  *check({ document, node }) {
    const { model } = document;
    const kernel = node.facts.kernel;
    const vxlan = node.facts.vxlanDevice;
    for (const table of model.tables) {
      if (table.name.value !== 'nat') continue;
      for (const rule of table.rules) {
        const target = rule.target;
        if (!target || !SNAT_TARGETS.has(target.name.value)) continue;
        if (targetOption(rule, '--random-fully')) continue;
        const random = targetOption(rule, '--random');
        if (random && kernel && versionAtLeast(kernel.value, RANDOM_EQUALS_FULLY)) continue;

        const name = targetName(rule)!;
        const parts = [
          `${name} in ${rule.chain.value} picks SNAT source ports without --random-fully: two connections NATed at the same moment can get the same port, the second conntrack insert fails and its packet is dropped (1 s+ connect delays, insert_failed in conntrack -S).`,
        ];
        let severity: Severity | undefined;
        if (random) {
          parts.push(`It has --random, which is equivalent only on kernel 5.0 or later; the kernel version is unknown (set kubeNetlint.facts.kernelVersion or add sysctl -a / uname -r to this node).`);
        }
        if (rule.chain.value.startsWith('KUBE-')) {
          parts.push('kube-proxy owns this chain: it adds --random-fully itself from 1.16 when its iptables is 1.6.2 or newer, so upgrading kube-proxy is the lasting fix.');
        }
        const fixes: Fix[] = [];
        if (vxlan) {
          // With an unfixed kernel, --random-fully on traffic that can match VXLAN outer packets
          // triggers the UDP-checksum bug (63 s delays): point at it and do not auto-apply.
          parts.push(`Caution: this node has a VXLAN device (${describeFact(vxlan, (v) => v)}); on kernels before 5.7 adding --random-fully to rules that also match VXLAN-encapsulated packets triggers the checksum-offload bug. Disable tx checksum offload on the VXLAN device first.`);
          severity = 'info';
        }
        if (model.variant === 'save') {
          fixes.push({
            kind: 'edit',
            title: `Add --random-fully to this ${name} rule`,
            edits: [{ span: { start: target.span.end, end: target.span.end }, newText: ' --random-fully' }],
            safe: !vxlan,
          });
        }
        const finding: Finding = {
          span: target.name.span,
          message: parts.join(' '),
          ...(severity ? { severity } : {}),
          ...(fixes.length ? { fixes } : {}),
          ...(vxlan && vxlan.source.kind === 'document'
            ? { related: [{ document: vxlan.source.document, span: vxlan.source.span, message: `VXLAN device ${vxlan.value}` }] }
            : {}),
        };
        yield finding;
      }
    }
  },
});
