import { describeFact } from '../../node/facts';
import type { ConntrackEntryGroup } from '../../formats/conntrack';
import { kernelAgainst, kernelRelated } from '../../node/questions';
import { VXLAN_CHECKSUM_GATE } from '../shared/kernelGates';
import type { Step } from '../../core/shell';
import { defineRule, type Related } from '../rule';
import { guarded, note, run, safeFix } from '../shared/commands';
import { percent } from '../shared/phrases';
import { firstField } from '../../formats/conntrack/query';

/** Fires above this many DNATed SYN_SENT [UNREPLIED] entries whatever the table size (brief: > 50). */
export const ABSOLUTE = 50;
/** ... or above this share of the TCP entries (brief: > 1 %) ... */
export const SHARE = 0.01;
/** ... but never below this many: one or two connection attempts in flight are normal in any snapshot. */
export const SMALL_PASTE_MIN = 3;
const SHOWN_DESTINATIONS = 5;
const MAX_RELATED = 20;

interface Dnated {
  readonly group: ConntrackEntryGroup;
  /** Original destination of the first DNATed example (the Service address). */
  readonly service: string;
}

/** Read-only inspection; `pod` (an address) and `device` come from the dumps and are checked by the caller. */
export function synSentSteps(pod: string, device: string | undefined): Step[] {
  return [
    note(`List the connection attempts to ${pod} that never got a SYN-ACK:`),
    run('conntrack', '-L', '-p', 'tcp', '--state', 'SYN_SENT', '--reply-src', pod),
    note(`Watch for the SYNs on the overlay${device ? '' : ' device'} and on the receiving node (stop with Ctrl-C):`),
    note(`tcpdump -ni ${device ?? '<overlay device, e.g. flannel.1>'} 'tcp[tcpflags] & tcp-syn != 0 and host ${pod}'`),
    note(`On VXLAN nodes also check: ethtool -k ${device ?? 'flannel.1'} | grep tx-checksum (ethtool/vxlan-tx-checksum-offload)`),
  ];
}

export default defineRule({
  meta: {
    id: 'conntrack/syn-sent-unreplied',
    title: 'Many SYN_SENT [UNREPLIED] connections DNATed to pods (SYNs lost on the way to pods)',
    severity: 'info',
    reads: 'conntrack',
    uses: ['ethtool', 'iptables', 'sysctl'],
    fix: 'command',
    messages: {
      // {destinations}: the pods, their Services and counts; {details}: ungrouped entries and the VXLAN evidence (sentences with a leading space); {withheld}: why no command is offered (leading space) or nothing.
      unansweredSyns:
        '{count} TCP connections DNATed to pods are stuck in SYN_SENT [UNREPLIED] ({share} of {tcp} TCP entries): {destinations}. SYNs that a Service sent to a pod and that were never answered are the conntrack-side fingerprint of packets lost between nodes, not of slow applications: the VXLAN checksum bug (ethtool/vxlan-tx-checksum-offload, flannel/vxlan-without-offload-fix), double SNAT of the outer VXLAN packet by an old KUBE-POSTROUTING rule (iptables/kube-postrouting-double-snat, iptables/kube-postrouting-stale-rule), the SNAT port race (iptables/masquerade-without-random-fully), MTU or a firewall.{details} Entries stay 120 s in SYN_SENT (nf_conntrack_tcp_timeout_syn_sent), so a short burst also lingers: take a second snapshot.{withheld}',
    },
  },
  *check({ document, node }) {
    const { table } = document.model;
    const synSent = table.synSentUnreplied;
    if (synSent.total === 0) return;
    // Keep the groups whose entries were DNATed: reply source (the pod) differs from the original destination.
    const dnated: Dnated[] = [];
    let count = 0;
    // One example per group decides (the group key is the reply source; a pod dialled directly and via
    // a Service at once is rare), read with a plain field scan: up to MAX_GROUPS groups per keystroke.
    for (const group of synSent.groups) {
      const ex = group.examples[0];
      const dst = ex ? firstField(document.text, ex.span, 'dst') : undefined;
      if (dst !== undefined && dst !== group.key) {
        dnated.push({ group, service: dst });
        count += group.count;
      }
    }
    const tcp = table.byL4.get('tcp') ?? 0;
    if (count < SMALL_PASTE_MIN || !(count > ABSOLUTE || count > SHARE * tcp)) return;
    dnated.sort((a, b) => b.group.count - a.group.count);
    const top = dnated[0]!;
    const first = top.group.examples[0]!;

    const perPod = dnated
      .slice(0, SHOWN_DESTINATIONS)
      .map((d) => `${d.group.key} (via ${d.service}) x${d.group.count}`)
      .join(', ');
    const more = dnated.length > SHOWN_DESTINATIONS ? ` and ${dnated.length - SHOWN_DESTINATIONS} more pods` : '';
    const parts: string[] = [];
    if (synSent.ungrouped > 0) parts.push(`${synSent.ungrouped} more SYN_SENT entries to further addresses were not grouped.`);
    const related: Related[] = [];
    const vxlan = node.facts.vxlanDevice;
    const kernel = node.facts.kernel;
    if (vxlan) {
      const verdict = kernel ? kernelAgainst(node, VXLAN_CHECKSUM_GATE) : undefined;
      parts.push(
        `This node has the VXLAN device ${describeFact(vxlan, (v) => v)}; ${
          verdict
            ? verdict.verdict === 'affected'
              ? `${verdict.reason}, so the VXLAN checksum bug is a prime suspect.`
              : verdict.verdict === 'fixed'
                ? `${verdict.reason}, so look at SNAT, MTU and firewalls first.`
                : `${verdict.reason}.`
            : 'the kernel version is unknown, so the VXLAN checksum bug (kernels before 5.7 and some stable/distro releases) cannot be ruled out.'
        }`,
      );
      if (vxlan.source.kind === 'document') related.push({ document: vxlan.source.document, span: vxlan.source.span, message: `VXLAN device ${vxlan.value}` });
      const k = kernelRelated(node);
      if (k) related.push(k);
    }
    for (const d of dnated.slice(1, MAX_RELATED + 1)) {
      const ex = d.group.examples[0];
      if (ex) related.push({ document, span: ex.key, message: `${d.group.count} SYN_SENT [UNREPLIED] to pod ${d.group.key} (via ${d.service})` });
    }
    // On the pod address (the reply source) of the first entry of the biggest group.
    const g = guarded([['ipAddress', top.group.key], ...(vxlan ? [['interface', vxlan.value] as const] : [])], () =>
      safeFix(`Inspect the unanswered SYNs to ${top.group.key}`, synSentSteps(top.group.key, vxlan?.value)),
    );
    yield {
      span: first.key,
      messageId: 'unansweredSyns',
      data: {
        count,
        share: percent(count, tcp),
        tcp,
        destinations: `${perPod}${more}`,
        details: parts.map((p) => ` ${p}`).join(''),
        withheld: 'fix' in g ? '' : ` ${g.withheld}`,
      },
      ...('fix' in g ? { fixes: [g.fix] } : {}),
      related,
    };
  },
});
