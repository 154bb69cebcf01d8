import { isKubeProxyTable, legacyProxyText, netfilterView } from '../../node/netfilter';
import { defineRule, type Fix, type Related } from '../rule';
import { note, reviewFix, run } from '../shared/commands';
import { tableLabel } from '../../formats/nftables/query';

/**
 * kube-proxy deletes the other modes' rules when it starts in nftables mode (pkg/proxy/nftables
 * cleanup.go; Kubernetes blog 2025-02-28). iptables-mode KUBE-* chains or IPVS virtual servers next to
 * `table ip kube-proxy` mean a second proxy (an old DaemonSet, a kube-proxy on the host, k3s' embedded
 * one) still programs the node, or the switch was done without a restart that cleans up.
 */
export default defineRule({
  meta: {
    id: 'nftables/leftover-proxy-rules',
    title: 'iptables-mode KUBE-* chains or IPVS virtual servers next to table kube-proxy',
    severity: 'warning',
    reads: 'nftables',
    uses: ['iptables', 'ipvsadm'],
    fix: 'command',
    messages: {
      // {these}: 'these chains' or 'these virtual servers'; {ipvsNote}: how IPVS intercepts Service addresses, or nothing.
      leftoverRules:
        'kube-proxy runs in nftables mode here (table {table}), yet the node also has {legacy}. kube-proxy deletes the other modes\' rules when it starts in nftables mode, so {these} are either still written by a second proxy (two DaemonSets, a proxy on the host, an old node image) or left from a mode switch without cleanup: Service traffic may follow stale rules{ipvsNote}.',
    },
  },
  *check({ document, node }) {
    const view = netfilterView(node.documents);
    if (view.legacyProxy.length === 0) return;
    for (const t of document.model.tables) {
      if (!isKubeProxyTable(t)) continue;
      const related: Related[] = view.legacyProxy.map((e) => ({ document: e.document, span: e.span, message: e.describe }));
      const ipvs = view.legacyProxy.some((e) => e.kind === 'ipvs-services');
      const chains = view.legacyProxy.some((e) => e.kind === 'iptables-chains');
      const fixes: Fix[] = [
        reviewFix('Find the second proxy and clean up the other mode', 'it removes Service rules; run it only once you know no other kube-proxy still needs them (Services break until the remaining proxy resyncs)', [
          note('Which kube-proxy processes and DaemonSets run for this node? (two DaemonSets, a host service, k3s/rke2 embedding one)'),
          run('kubectl', '-n', 'kube-system', 'get', 'daemonsets', '-o', 'wide'),
          note('On the node, `kube-proxy --cleanup` (same version) removes the rules of every mode; then restart the nftables-mode kube-proxy so it writes its table again.'),
          ...(ipvs ? [note('IPVS virtual servers left behind (also remove the kube-ipvs0 dummy interface):'), run('ipvsadm', '--clear')] : []),
        ]),
      ];
      yield {
        span: t.name.span,
        messageId: 'leftoverRules',
        data: { table: tableLabel(t), legacy: view.legacyProxy.map((e) => legacyProxyText(e, node)).join(' and '), these: chains ? 'these chains' : 'these virtual servers', ipvsNote: ipvs ? ' (IPVS intercepts Service addresses bound to kube-ipvs0 before nftables DNAT)' : '' },
        related,
        fixes,
      };
    }
  },
});
