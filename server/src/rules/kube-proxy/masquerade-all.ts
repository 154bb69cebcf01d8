import { child, kubeProxyConfigs, setScalar, type KubeProxyConfigView } from '../../formats/k8s';
import { defineRule, type Fix } from '../rule';
import { configMode, flagConfiguredContainers, flagNamed, flagOn, known } from '../../formats/k8s/query';

const LOCAL_MODES = new Set(['NodeCIDR', 'BridgeInterface', 'InterfaceNamePrefix']);

const WHY =
  'every connection to a Service is SNATed to the node address, even pod-to-Service traffic inside the cluster: backends lose the client pod IP (logs, NetworkPolicies keyed on pod IPs see node IPs), and SNAT port use and conntrack entries grow.';

/** Can kube-proxy tell pod traffic from off-cluster traffic without masqueradeAll? */
function canDetectLocal(kp: KubeProxyConfigView): boolean {
  const dlm = kp.detectLocalMode;
  if (known(dlm) && LOCAL_MODES.has(dlm.value)) return true;
  return known(kp.clusterCIDR) && kp.clusterCIDR.value.trim() !== '';
}

export default defineRule({
  meta: {
    id: 'kube-proxy/masquerade-all',
    title: 'kube-proxy masqueradeAll: every Service connection is SNATed',
    severity: 'info',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      masqueradeAllDetectable: `{section}.masqueradeAll is true: ${WHY} kube-proxy can already recognise pod traffic here (clusterCIDR / detectLocalMode), so masqueradeAll: false masquerades only what needs it.`,
      masqueradeAllNeeded: `{section}.masqueradeAll is true: ${WHY} Set clusterCIDR (or detectLocalMode NodeCIDR / InterfaceNamePrefix / BridgeInterface) first: without a way to recognise pod traffic, masqueradeAll may be what keeps off-cluster clients working.`,
      flagWithClusterCidr: `kube-proxy runs with --masquerade-all: ${WHY} --cluster-cidr={clusterCidr} is set, so dropping --masquerade-all masquerades only off-cluster traffic.`,
      flagWithoutClusterCidr: `kube-proxy runs with --masquerade-all: ${WHY} Add --cluster-cidr (the pod network) before dropping it.`,
    },
  },
  *check({ document }) {
    for (const kp of kubeProxyConfigs(document.model)) {
      // nftables mode reads nftables.masqueradeAll; iptables and ipvs modes read iptables.masqueradeAll.
      const mode = configMode(kp);
      for (const [section, field] of [
        ['iptables', kp.iptables.masqueradeAll],
        ['nftables', kp.nftables.masqueradeAll],
      ] as const) {
        if (!known(field) || field.value !== true) continue;
        if (mode !== undefined && (mode === 'nftables') !== (section === 'nftables')) continue;
        const detect = canDetectLocal(kp);
        const fixes: Fix[] = [];
        if (detect) {
          const edits = setScalar(document.text, child(kp.ref, section, 'masqueradeAll'), false);
          if (edits) fixes.push({ kind: 'edit', title: `Set ${section}.masqueradeAll: false (masquerade only off-cluster traffic)`, edits, safe: false });
        }
        yield {
          span: field.span,
          messageId: detect ? 'masqueradeAllDetectable' : 'masqueradeAllNeeded',
          data: { section },
          ...(fixes.length ? { fixes } : {}),
        };
      }
    }
    for (const c of flagConfiguredContainers(document.model)) {
      const f = flagNamed(c, 'masquerade-all');
      if (!f || !flagOn(f)) continue;
      const cidr = flagNamed(c, 'cluster-cidr');
      yield {
        span: f.name.span,
        ...(cidr?.value ? { messageId: 'flagWithClusterCidr' as const, data: { clusterCidr: cidr.value.value } } : { messageId: 'flagWithoutClusterCidr' as const }),
      };
    }
  },
});
