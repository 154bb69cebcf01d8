import type { Span } from '../../core/span';
import type { NodeSnapshot } from '../../node/snapshot';
import { child, kubeProxyConfigs, setScalar, type TextEdit } from '../../formats/k8s';
import { defineRule, type Finding, type Fix } from '../rule';
import { TELL_KUBE_PROXY_VERSION, describeKubeProxy, factRelated, kernelAtLeast, kubeProxyAtLeast } from '../../node/questions';
import { configMode, flagConfiguredContainers, flagMode } from '../../formats/k8s/query';

export default defineRule({
  meta: {
    id: 'kube-proxy/ipvs-mode-deprecated',
    title: 'kube-proxy IPVS mode is deprecated (1.35); nftables mode replaces it',
    severity: 'hint',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      deprecated: 'IPVS mode is deprecated since kube-proxy 1.35 ({kubeProxy}): SIG Network replaces it with nftables mode (beta 1.31, GA 1.33), which scales like IPVS without its semantic gaps. Plan the move to mode nftables (kernel 5.13+), or iptables.',
      deprecatedVersionUnknown: `IPVS mode is deprecated from kube-proxy 1.35; the version here is unknown (${TELL_KUBE_PROXY_VERSION}): SIG Network replaces it with nftables mode (beta 1.31, GA 1.33), which scales like IPVS without its semantic gaps. Plan the move to mode nftables (kernel 5.13+), or iptables.`,
    },
  },
  *check({ document, node }) {
    for (const kp of kubeProxyConfigs(document.model)) {
      if (configMode(kp) !== 'ipvs' || !kp.mode.present) continue;
      const f = finding(node, kp.mode.span, () => setScalar(document.text, child(kp.ref, 'mode'), 'nftables'));
      if (f) yield f;
    }
    for (const c of flagConfiguredContainers(document.model)) {
      const m = flagMode(c);
      if (m?.mode !== 'ipvs') continue;
      const f = finding(node, m.flag.value.span, () => undefined);
      if (f) yield f;
    }
  },
});

function finding(node: NodeSnapshot, span: Span, edits: () => TextEdit[] | undefined): Finding<'deprecated' | 'deprecatedVersionUnknown'> | undefined {
  const deprecated = kubeProxyAtLeast(node, [1, 35]);
  if (deprecated === 'no') return undefined;
  const fixes: Fix[] = [];
  // nftables mode needs kernel 5.13+: do not offer it where the kernel is known to be older.
  if (kernelAtLeast(node, [5, 13]) !== 'no') {
    const e = edits();
    if (e) fixes.push({ kind: 'edit', title: 'Set mode: nftables (needs kube-proxy 1.31+ and kernel 5.13+; see kube-proxy/nftables-prerequisites)', edits: e, safe: false });
  }
  return {
    span,
    ...(deprecated === 'yes' ? { messageId: 'deprecated' as const, data: { kubeProxy: describeKubeProxy(node) } } : { messageId: 'deprecatedVersionUnknown' as const }),
    related: factRelated(node.facts.kubeProxyVersion, 'kube-proxy version'),
    ...(fixes.length ? { fixes } : {}),
  };
}
