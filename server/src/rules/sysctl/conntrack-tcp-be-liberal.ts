import { kubeProxyConfigs } from '../../formats/k8s';
import { isComplete, targetName } from '../../formats/iptables/query';
import { defineRule, type Related } from '../rule';
import { numberOf } from '../../formats/sysctl/query';
import { nodePath } from '../../node/nodePath';

const KEY = 'net.netfilter.nf_conntrack_tcp_be_liberal';

/**
 * NET-CT-008: `nf_conntrack_tcp_be_liberal` set. Informational: it is the kernel-level
 * alternative to kube-proxy's INVALID-drop rule (kube-proxy 1.29+ skips that rule when it sees
 * the sysctl), and it weakens conntrack's protection against injected packets. Not reported when
 * kube-proxy itself is configured to set it (`conntrack.tcpBeLiberal: true`): a deliberate choice.
 */
export default defineRule({
  meta: {
    id: 'sysctl/conntrack-tcp-be-liberal',
    title: 'conntrack TCP window tracking relaxed (nf_conntrack_tcp_be_liberal)',
    severity: 'info',
    reads: 'sysctl',
    uses: ['k8s', 'iptables'],
    messages: {
      liberal: "{key} = {value}: conntrack marks only out-of-window RST packets INVALID and accepts other out-of-window packets. This avoids resets of long or retransmitting flows through Service NAT (the problem kube-proxy's INVALID-drop rule also addresses), but weakens conntrack's protection against injected packets. To let kube-proxy manage it, set conntrack.tcpBeLiberal: true in its configuration (1.29 and later).",
      liberalNoInvalidDrop: "{key} = {value}: conntrack marks only out-of-window RST packets INVALID and accepts other out-of-window packets. This avoids resets of long or retransmitting flows through Service NAT (the problem kube-proxy's INVALID-drop rule also addresses), but weakens conntrack's protection against injected packets. KUBE-FORWARD in {iptables} has no INVALID-drop rule: expected, kube-proxy 1.29 and later leave it out when this sysctl is set. To let kube-proxy manage it, set conntrack.tcpBeLiberal: true in its configuration (1.29 and later).",
    },
  },
  *check({ document, node }) {
    const e = numberOf(document, KEY);
    if (!e || e.number === 0) return;
    for (const d of node.ofKind('k8s')) {
      for (const kp of kubeProxyConfigs(d.model)) if (kp.conntrack.tcpBeLiberal.present && kp.conntrack.tcpBeLiberal.value) return;
    }
    let withoutDrop: string | undefined;
    const related: Related[] = [];
    for (const ipt of node.ofKind('iptables')) {
      const filter = ipt.model.tables.find((t) => t.name.value === 'filter');
      const fwd = filter?.chains.find((c) => c.name.value === 'KUBE-FORWARD');
      if (!filter || !fwd || !isComplete(ipt.model, filter)) continue;
      // `-m conntrack --ctstate INVALID -j DROP` (the listing prints `ctstate INVALID`): match on the rule text.
      const invalidDrop = fwd.rules.some((r) => targetName(r) === 'DROP' && /\bINVALID\b/.test(ipt.text.slice(r.span.start, r.span.end)));
      if (!invalidDrop) {
        withoutDrop = nodePath(ipt, node);
        related.push({ document: ipt, span: fwd.span, message: 'KUBE-FORWARD without the conntrack INVALID drop rule' });
      }
      break;
    }
    const data = { key: KEY, value: e.value.value };
    yield { span: e.span, ...(withoutDrop ? { messageId: 'liberalNoInvalidDrop' as const, data: { ...data, iptables: withoutDrop } } : { messageId: 'liberal' as const, data }), related };
  },
});
