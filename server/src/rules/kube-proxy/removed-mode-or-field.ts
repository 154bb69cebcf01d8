import { downgrade, type Severity } from '../../core/severity';
import type { Span } from '../../core/span';
import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments, child, kubeProxyConfigs, removeKey, setScalar, type K8sModel } from '../../formats/k8s';
import { defineRule, type Finding, type Fix, type Related } from '../rule';
import { TELL_KUBE_PROXY_VERSION, describeKubeProxy, factRelated, kubeProxyAtLeast } from '../../node/questions';
import { configMode, flagConfiguredContainers, flagMode, known } from '../../formats/k8s/query';

export default defineRule({
  meta: {
    id: 'kube-proxy/removed-mode-or-field',
    title: 'Removed or invalid kube-proxy mode or field (userspace, kernelspace on Linux, udpIdleTimeout)',
    severity: 'error',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      userspaceRemoved: 'mode userspace was removed in kube-proxy 1.26 ({kubeProxy}): kube-proxy fails to start. Use iptables (or nftables).',
      userspaceDeprecated: 'mode userspace is deprecated since kube-proxy 1.23 and removed in 1.26 ({kubeProxy}): switch to iptables (or nftables) before upgrading.',
      userspaceVersionUnknown: `mode userspace was deprecated in kube-proxy 1.23 and removed in 1.26, where kube-proxy fails to start with it; the kube-proxy version is unknown (${TELL_KUBE_PROXY_VERSION}). Use iptables (or nftables).`,
      kernelspaceOnLinux: 'mode kernelspace exists only on Windows nodes, and this node runs Linux (kernel {kernel}): kube-proxy rejects the configuration. Use iptables, nftables or ipvs.',
      kernelspaceOsUnknown:
        "mode kernelspace exists only on Windows nodes; on Linux kube-proxy rejects the configuration. The node's OS is unknown (add `uname -r` or sysctl -a output if this is a Linux node).",
      udpIdleTimeoutRemoved: 'udpIdleTimeout belonged to the userspace proxier, which was removed in kube-proxy 1.26: the field no longer exists and does nothing ({kubeProxy}).',
      udpIdleTimeoutVersionUnknown: `udpIdleTimeout belonged to the userspace proxier, which was removed in kube-proxy 1.26: the field no longer exists and does nothing; the kube-proxy version is unknown, so this only matters from 1.26 on (${TELL_KUBE_PROXY_VERSION}).`,
    },
  },
  *check({ document, node }) {
    for (const kp of kubeProxyConfigs(document.model)) {
      const mode = configMode(kp);
      if (mode && kp.mode.present) {
        const f = modeFinding(node, mode, kp.mode.span, windowsFile(document.path, document.model));
        if (f) {
          const fixes: Fix[] = [];
          if (mode === 'userspace') {
            const edits = setScalar(document.text, child(kp.ref, 'mode'), 'iptables');
            if (edits) fixes.push({ kind: 'edit', title: 'Set mode: iptables (the Linux default)', edits, safe: false });
          }
          yield { ...f, ...(fixes.length ? { fixes } : {}) };
        }
      }
      const udp = kp.udpIdleTimeout;
      if (known(udp)) {
        const removed = kubeProxyAtLeast(node, [1, 26]);
        if (removed === 'no') continue;
        // Its line in YAML; in JSON (or flow style) the pair with its comma.
        const del = removeKey(document.text, child(kp.ref, 'udpIdleTimeout'));
        const severity: Severity | undefined = removed === 'unknown' ? downgrade('warning') : 'warning';
        yield {
          span: udp.keySpan,
          ...(removed === 'yes' ? { messageId: 'udpIdleTimeoutRemoved' as const, data: { kubeProxy: describeKubeProxy(node) } } : { messageId: 'udpIdleTimeoutVersionUnknown' as const }),
          severity,
          related: factRelated(node.facts.kubeProxyVersion, 'kube-proxy version'),
          ...(del ? { fixes: [{ kind: 'edit' as const, title: 'Remove udpIdleTimeout', edits: del, safe: removed === 'yes' }] } : {}),
        };
      }
    }
    for (const c of flagConfiguredContainers(document.model)) {
      const m = flagMode(c);
      if (!m) continue;
      const f = modeFinding(node, m.mode, m.flag.value.span, false);
      if (f) yield f;
    }
  },
});

/** A Windows kube-proxy configuration: the file or one of its objects is named for Windows (`kube-proxy-windows`). */
function windowsFile(path: string, model: K8sModel): boolean {
  return /windows/i.test(path) || [...allDocuments(model)].some((d) => /windows/i.test(d.metadata?.name?.value ?? ''));
}

type ModeMessage = 'userspaceRemoved' | 'userspaceDeprecated' | 'userspaceVersionUnknown' | 'kernelspaceOnLinux' | 'kernelspaceOsUnknown';

function modeFinding(node: NodeSnapshot, mode: string, span: Span, windows: boolean): Finding<ModeMessage> | undefined {
  const related: Related[] = factRelated(node.facts.kubeProxyVersion, 'kube-proxy version');
  if (mode === 'userspace') {
    const removed = kubeProxyAtLeast(node, [1, 26]);
    const deprecated = kubeProxyAtLeast(node, [1, 23]);
    if (removed === 'yes') return { span, messageId: 'userspaceRemoved', data: { kubeProxy: describeKubeProxy(node) }, related };
    if (deprecated === 'yes') return { span, messageId: 'userspaceDeprecated', data: { kubeProxy: describeKubeProxy(node) }, severity: 'warning', related };
    if (removed === 'unknown') {
      return {
        span,
        messageId: 'userspaceVersionUnknown',
        severity: downgrade('error'),
      };
    }
    return undefined;
  }
  if (mode === 'kernelspace') {
    if (windows) return undefined;
    const linux = node.facts.kernel !== undefined;
    return {
      span,
      ...(linux ? { messageId: 'kernelspaceOnLinux' as const, data: { kernel: node.facts.kernel!.value.text } } : { messageId: 'kernelspaceOsUnknown' as const }),
      ...(linux ? {} : { severity: downgrade('error') }),
      related: linux ? factRelated(node.facts.kernel, 'Linux kernel') : [],
    };
  }
  return undefined;
}
