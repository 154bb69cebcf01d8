import { downgrade, type Severity } from '../../core/severity';
import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import { describeFact } from '../../node/facts';
import { kubeProxyConfigs } from '../../formats/k8s';
import { defineRule, type Related } from '../rule';
import { note, run, safeFix, write } from '../shared/commands';
import { nodeSysctl } from '../../node/questions';
import { keepaliveBelow } from '../shared/keepalive';
import { nodePath } from '../../node/nodePath';

/** ipvsadm / kernel default idle timeout of established TCP entries (s). */
const IPVS_TCP_DEFAULT = 900;
/** Kernel default `net.ipv4.tcp_keepalive_time` (s). */
const KEEPALIVE_DEFAULT = 7200;

/**
 * NET-IPVS-004: IPVS drops an idle TCP entry after its tcp timeout without telling either end;
 * if keepalive probes only start later, long-lived idle connections through IPVS break.
 */
export default defineRule({
  meta: {
    id: 'ipvs/tcp-timeout-shorter-than-keepalive',
    title: 'IPVS TCP idle timeout not longer than tcp_keepalive_time',
    severity: 'warning',
    reads: 'ipvsadm',
    uses: ['sysctl', 'k8s'],
    fix: 'command',
    messages: {
      // {notes}: what was assumed and how to confirm it, each a sentence with a leading space (or nothing).
      forgottenBeforeKeepalive:
        'IPVS forgets an idle TCP connection after {timeout} s ({timeoutFrom}), but net.ipv4.tcp_keepalive_time is {keepalive} s ({keepaliveFrom}): keepalive probes start only after the entry is gone, so the next packet on an idle pooled connection (gRPC, database pools) is not a SYN, IPVS cannot schedule it, and it is dropped or reset. Only sockets with SO_KEEPALIVE rely on this, and pods use their own network namespace value (kernel default 7200 s), not the host one.{notes}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    const related: Related[] = [];
    const notes: string[] = [];
    let assumed = false;

    // The IPVS tcp timeout: the last `Timeout (tcp tcpfin udp)` line here (the current state),
    // else kube-proxy's ipvs.tcpTimeout, else the kernel default for a dump showing IPVS in use.
    let timeout: number;
    let timeoutFrom: string;
    let span: Span;
    const line = [...model.timeouts].reverse().find((t) => t.tcp);
    if (line?.tcp) {
      timeout = line.tcp.value;
      timeoutFrom = `ipvsadm --timeout in ${nodePath(document, node)}`;
      span = line.tcp.span;
    } else {
      const ipvsDocs = node.ofKind('ipvsadm');
      // One report per node: documents with a timeout line speak for it; otherwise the dump with
      // services whose path sorts first (the same choice in the editor and the CLI).
      if (ipvsDocs.some((d) => d.model.timeouts.some((t) => t.tcp))) return;
      const first = model.services[0];
      if (!first || ipvsDocs.some((d) => d !== document && d.model.services.length > 0 && d.path < document.path)) return;
      span = model.version?.span ?? first.address?.span ?? first.span;
      const kp = kubeProxyTcpTimeout(node.ofKind('k8s'));
      if (kp) {
        timeout = kp.value;
        timeoutFrom = `ipvs.tcpTimeout in ${nodePath(kp.document, node)}`;
        related.push({ document: kp.document, span: kp.span, message: `kube-proxy sets the IPVS tcp timeout to ${kp.value} s` });
      } else {
        timeout = IPVS_TCP_DEFAULT;
        timeoutFrom = 'the kernel default; this node has no ipvsadm -L --timeout output and no kube-proxy ipvs.tcpTimeout';
        assumed = true;
        notes.push('Add the output of ipvsadm -L --timeout to this node folder to confirm the timeout.');
      }
    }
    if (timeout <= 0) return;

    let keepalive: number;
    let keepaliveFrom: string;
    const ka = nodeSysctl(node, 'net.ipv4.tcp_keepalive_time');
    if (ka?.entry.number !== undefined) {
      keepalive = ka.entry.number;
      keepaliveFrom = nodePath(ka.document, node);
      related.push({ document: ka.document, span: ka.entry.value.span, message: `tcp_keepalive_time = ${keepalive} s` });
    } else {
      if (assumed) return; // neither value was seen: nothing to report
      keepalive = KEEPALIVE_DEFAULT;
      keepaliveFrom = 'the kernel default; no sysctl capture of this node sets it';
      assumed = true;
      notes.push('Add sysctl -a (or the node sysctl.d files) to this node folder to confirm the keepalive time.');
    }
    if (keepalive < timeout) return;

    let severity: Severity | undefined = assumed ? downgrade('warning') : undefined;
    const mode = node.facts.kubeProxyMode;
    if (mode && mode.value !== 'ipvs') {
      severity = downgrade(severity ?? 'warning');
      notes.push(`kube-proxy runs in ${describeFact(mode, (m) => m)} mode, so this only matters for what else this node balances with IPVS.`);
    }
    const newKeepalive = keepaliveBelow(timeout);
    const newTimeout = Math.ceil((keepalive + 1) / 60) * 60;
    const steps = [
      note(`Option 1 (preferred): start keepalive probes before IPVS forgets an idle connection (${timeout} s) on the host;`),
      note('pods have their own value: set net.ipv4.tcp_keepalive_time in the pod securityContext.sysctls (a safe sysctl since Kubernetes 1.29) or in the application.'),
      run('sysctl', '-w', `net.ipv4.tcp_keepalive_time=${newKeepalive}`),
      write('/etc/sysctl.d/90-tcp-keepalive.conf', `net.ipv4.tcp_keepalive_time = ${newKeepalive}`),
      note('Option 2: raise the IPVS TCP idle timeout above the keepalive time instead (0 keeps tcpfin/udp as they are). This is runtime only:'),
      note(`with kube-proxy 1.18+ set ipvs.tcpTimeout: ${newTimeout}s in its configuration so it survives restarts.`),
      note(`  ipvsadm --set ${newTimeout} 0 0`),
    ];
    yield {
      span,
      messageId: 'forgottenBeforeKeepalive',
      data: { timeout, timeoutFrom, keepalive, keepaliveFrom, notes: notes.map((n) => ` ${n}`).join('') },
      ...(severity ? { severity } : {}),
      ...(related.length ? { related } : {}),
      // Earlier keepalive probes change nothing but when idle sockets are probed: safe.
      fixes: [safeFix(`Lower tcp_keepalive_time to ${newKeepalive} s (below the IPVS tcp timeout of ${timeout} s)`, steps)],
    };
  },
});

function kubeProxyTcpTimeout(docs: readonly ParsedDocument<'k8s'>[]): { value: number; span: Span; document: ParsedDocument<'k8s'> } | undefined {
  for (const document of docs) {
    for (const kp of kubeProxyConfigs(document.model)) {
      const t = kp.ipvs.tcpTimeout;
      if (t.present && t.value > 0) return { value: t.value, span: t.span, document };
    }
  }
  return undefined;
}
