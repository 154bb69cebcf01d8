import { describeFact } from '../../node/facts';
import { defineRule, type Fix, type Related } from '../rule';
import { kernelAgainst, factRelated, TELL_KERNEL, TELL_KUBE_PROXY_MODE } from '../../node/questions';
import { IPVS_CONN_REUSE_GATE } from '../shared/kernelGates';
import { cite, commandFix, documentRole, ipvsUsage, nodeNumber, relatedEntry, replaceValueFix, severityFor } from './shared';
import { numberOf } from '../../formats/sysctl/query';

const KEY = 'net.ipv4.vs.conn_reuse_mode';
/** The drop-in the ipvs rules use for the same key, so the two never leave competing files. */
const DROP_IN = '90-ipvs-conn-reuse-mode.conf';

/**
 * NET-IPVS-001 (with the NET-IPVS-002 trade-off, Appendix B recipe 2): `conn_reuse_mode` with
 * bit 1 set and `vs/conntrack = 1` on a kernel before 5.9 drops the first SYN of every connection
 * that reuses the client port of an old IPVS connection. On a kernel with the fix the rule stays
 * silent (mode 1 is then the recommended value), so it never contradicts the ipvs rules that
 * recommend 1 there.
 */
export default defineRule({
  meta: {
    id: 'sysctl/ipvs-conn-reuse-mode',
    title: 'IPVS conn_reuse_mode=1 with vs/conntrack=1 on a kernel before 5.9 (SYN dropped on port reuse)',
    severity: 'warning',
    reads: 'sysctl',
    uses: ['k8s', 'ipvsadm'],
    fix: 'edit',
    messages: {
      // {usage}: whether and how IPVS proxying is in use, one or two sentences.
      kernelUnknown: `{key} = {value} with {conntrack}: when a new connection reuses the client port of an old IPVS connection, the kernel drops its first SYN so the stale conntrack entry can go, and the client waits for the 1 s SYN retransmission (short-lived connections can lose an order of magnitude of throughput). The kernel version is unknown (${TELL_KERNEL}): kernels before 5.9 are affected; on 5.9 or later keep 1. {usage} Setting 0 stops the drops, at a price: a reused port then always goes back to the same real server, even one kube-proxy is draining (weight 0) or has removed, so rolling updates can see resets and timeouts. The clean fix is kernel 5.9 or later with mode 1.`,
      kernelMaybeFixed: '{key} = {value} with {conntrack}: when a new connection reuses the client port of an old IPVS connection, the kernel drops its first SYN so the stale conntrack entry can go, and the client waits for the 1 s SYN retransmission (short-lived connections can lose an order of magnitude of throughput). Whether kernel {kernel} has the 5.9 fix is unknown ({reason}); if it has, keep 1. {usage} Setting 0 stops the drops, at a price: a reused port then always goes back to the same real server, even one kube-proxy is draining (weight 0) or has removed, so rolling updates can see resets and timeouts. The clean fix is kernel 5.9 or later with mode 1.',
      kernelAffected: '{key} = {value} with {conntrack}: when a new connection reuses the client port of an old IPVS connection, the kernel drops its first SYN so the stale conntrack entry can go, and the client waits for the 1 s SYN retransmission (short-lived connections can lose an order of magnitude of throughput). Kernel {kernel} has this bug ({reason}; fixed in 5.9 by f0a5e4d7a594). {usage} Setting 0 stops the drops, at a price: a reused port then always goes back to the same real server, even one kube-proxy is draining (weight 0) or has removed, so rolling updates can see resets and timeouts. The clean fix is kernel 5.9 or later with mode 1.',
    },
  },
  *check({ document, node }) {
    const reuse = numberOf(document, KEY);
    // Bit 1 is "reschedule on port reuse"; 0 (and other even values) never drop the SYN.
    if (!reuse || (reuse.number & 1) === 0) return;
    const role = documentRole(document);
    const usage = ipvsUsage(node);
    if (usage.state === 'other') return;

    // vs/conntrack: from this document or another sysctl document of the node. kube-proxy in IPVS
    // mode sets it to 1 itself, so a file without it still matters when IPVS mode is known.
    const conntrack = nodeNumber(document, node, 'net.ipv4.vs.conntrack');
    if (conntrack && conntrack.entry.number === 0) return;
    if (!conntrack && !usage.kubeProxy) return;

    const answer = kernelAgainst(node, IPVS_CONN_REUSE_GATE);
    const kernel = answer.kernel;
    const assessment = kernel ? answer : undefined;
    if (assessment?.verdict === 'fixed') return;

    const related: Related[] = [];
    const parts: string[] = [];
    const conntrackText = conntrack ? cite(conntrack, node) : 'net.ipv4.vs.conntrack = 1 (set by kube-proxy in IPVS mode)';
    let words: { messageId: 'kernelUnknown' } | { messageId: 'kernelMaybeFixed' | 'kernelAffected'; kernel: string; reason: string } = { messageId: 'kernelUnknown' };
    if (conntrack && conntrack.document !== document) related.push(relatedEntry(conntrack.document, conntrack.entry, 'IPVS connections are tracked by conntrack'));
    else if (conntrack && conntrack.entry !== reuse) related.push(relatedEntry(document, conntrack.entry, 'IPVS connections are tracked by conntrack'));

    let unknownKernel = false;
    if (!kernel) {
      unknownKernel = true;
      words = { messageId: 'kernelUnknown' };
    } else if (assessment?.verdict === 'unknown') {
      unknownKernel = true;
      words = { messageId: 'kernelMaybeFixed', kernel: describeFact(kernel, (v) => v.text), reason: assessment.reason };
      related.push(...factRelated(kernel, `kernel ${kernel.value.text}`));
    } else if (assessment) {
      words = { messageId: 'kernelAffected', kernel: describeFact(kernel, (v) => v.text), reason: assessment.reason };
      related.push(...factRelated(kernel, `kernel ${kernel.value.text}: before the 5.9 fix`));
    }

    const unknownMode = usage.state === 'unknown';
    if (unknownMode) {
      parts.push(`Whether IPVS proxying is in use is unknown (${TELL_KUBE_PROXY_MODE}); vs/conntrack = 1 is what kube-proxy sets in IPVS mode.`);
    } else {
      parts.push(`IPVS is in use: ${usage.evidence}.`);
      related.push(...usage.related);
      if (usage.kubeProxy && role === 'file') parts.push('kube-proxy sets 0 itself on kernels before 5.9, but re-applying this file (boot, `sysctl --system`) puts 1 back.');
      else if (usage.kubeProxy) parts.push('kube-proxy (1.13 and later) sets 0 itself on kernels before 5.9, so 1 here means something re-applied sysctls after kube-proxy started (`sysctl --system`, a sysctl.d file) or kube-proxy is not managing it.');
    }

    const title = 'Set net.ipv4.vs.conn_reuse_mode = 0 (kernel before 5.9; read the trade-off)';
    let fix: Fix;
    if (role === 'file') fix = replaceValueFix(reuse, '0', title, false);
    else {
      const why = [
        'With conn_reuse_mode=1 and vs/conntrack=1, kernels before 5.9 drop the first SYN of reused client ports (1 s delays).',
        'Trade-off: with 0, a reused port keeps going to its old real server, even one draining (weight 0) or removed.',
        'Lasting fix: upgrade the kernel to 5.9 or later and keep conn_reuse_mode=1 there.',
      ];
      if (unknownKernel) why.push('Check the kernel first (uname -r): on 5.9 or later, or with the fix back-ported, do not run this; keep 1.');
      fix = commandFix(title, why, [{ key: KEY, value: '0' }], DROP_IN);
    }

    const severity = severityFor('warning', unknownKernel || unknownMode);
    yield {
      span: reuse.span,
      messageId: words.messageId,
      data: { key: KEY, value: reuse.value.value, conntrack: conntrackText, usage: parts.join(' '), ...('kernel' in words ? { kernel: words.kernel, reason: words.reason } : {}) },
      ...(severity ? { severity } : {}),
      related,
      fixes: [fix],
    };
  },
});
