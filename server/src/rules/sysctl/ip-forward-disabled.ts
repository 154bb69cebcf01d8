import { effective, type SysctlEntry } from '../../formats/sysctl';
import { defineRule } from '../rule';
import { documentRole, ipv6Pods, kubernetesEvidence, setValueFixes, type SysctlDoc } from './shared';

/**
 * `net.ipv4.ip_forward` and `net.ipv4.conf.all.forwarding` are one switch (writing either sets
 * both); in a file the one written last decides. Returns that entry.
 */
function deciding(doc: SysctlDoc, keys: readonly string[]): SysctlEntry | undefined {
  let best: SysctlEntry | undefined;
  for (const k of keys) {
    const e = effective(doc.model, k);
    if (e && e.number !== undefined && (!best || e.span.start > best.span.start)) best = e;
  }
  return best;
}

/** NET-SYS-001: forwarding off on a Kubernetes node. */
export default defineRule({
  meta: {
    id: 'sysctl/ip-forward-disabled',
    title: 'IP forwarding disabled on a Kubernetes node (pod and Service traffic is not routed)',
    severity: 'error',
    reads: 'sysctl',
    uses: ['k8s', 'iptables', 'ipvsadm', 'ethtool'],
    fix: 'edit',
    messages: {
      forwardingOff: '{key} = 0: this node does not route packets between interfaces, so traffic of pods (which live in other network namespaces), Services and NodePorts is dropped. This looks like a Kubernetes node ({evidence}). Note that switching forwarding on resets per-interface settings (accept_redirects, ...) to router defaults.',
      forwardingOffInFile: '{key} = 0: this node does not route packets between interfaces, so traffic of pods (which live in other network namespaces), Services and NodePorts is dropped. This looks like a Kubernetes node ({evidence}). kube-proxy and most CNIs turn forwarding on at start, but re-applying this file (boot, `sysctl --system`) turns it off again.',
      ipv6ForwardingOff: '{key} = 0: this node does not route IPv6 packets between interfaces, so traffic of pods (which live in other network namespaces), Services and NodePorts is dropped. The pods use IPv6 ({ipv6}). This looks like a Kubernetes node ({evidence}). Note that switching forwarding on resets per-interface settings (accept_redirects, ...) to router defaults.',
      ipv6ForwardingOffInFile: '{key} = 0: this node does not route IPv6 packets between interfaces, so traffic of pods (which live in other network namespaces), Services and NodePorts is dropped. The pods use IPv6 ({ipv6}). This looks like a Kubernetes node ({evidence}). kube-proxy and most CNIs turn forwarding on at start, but re-applying this file (boot, `sysctl --system`) turns it off again.',
    },
  },
  *check({ document, node }) {
    const v4 = deciding(document, ['net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding']);
    const v6pods = ipv6Pods(node);
    const v6 = v6pods ? deciding(document, ['net.ipv6.conf.all.forwarding']) : undefined;
    const off = [v4, v6].filter((e): e is SysctlEntry => e !== undefined && e.number === 0);
    if (off.length === 0) return;
    // Only for Kubernetes nodes (the brief's heuristic): other hosts legitimately do not forward.
    const evidence = kubernetesEvidence(document, node);
    if (!evidence) return;
    const file = documentRole(document) === 'file';
    for (const e of off) {
      const ipv6 = e === v6;
      const what = ipv6 ? 'IPv6 packets' : 'packets';
      yield {
        span: e.span,
        messageId: ipv6 ? (file ? 'ipv6ForwardingOffInFile' : 'ipv6ForwardingOff') : file ? 'forwardingOffInFile' : 'forwardingOff',
        data: { key: e.key, evidence, ...(ipv6 && v6pods ? { ipv6: v6pods } : {}) },
        fixes: setValueFixes(document, e, '1', {
          title: `Set ${e.key} = 1`,
          safe: true,
          why: [`Kubernetes nodes must forward ${what}: pods, Services and NodePorts depend on it.`],
          dropIn: ipv6 ? '90-kubernetes-ipv6-forward.conf' : '90-kubernetes-ip-forward.conf',
        }),
      };
    }
  },
});
