import { kubeProxyConfigs } from '../../formats/k8s';
import { effective } from '../../formats/sysctl';
import { isKubeProxyTable, legacyProxyText, netfilterView } from '../../node/netfilter';
import { defineRule, type Related } from '../rule';
import { tableLabel } from '../../formats/nftables/query';
import { nodePath } from '../../node/nodePath';

const ROUTE_LOCALNET = 'net.ipv4.conf.all.route_localnet';

/**
 * In nftables mode NodePorts are accepted only on the addresses of `set nodeport-ips`: by default
 * the node's primary IP(s) (`--nodeport-addresses primary`), never 127.0.0.1 (iptables mode accepted
 * every local address, and localhost through route_localnet). A node that shows it relied on more
 * — localhost NodePorts configured or enabled, iptables-mode NodePort rules from before the switch —
 * loses those clients silently.
 */
export default defineRule({
  meta: {
    id: 'nftables/nodeport-primary-only',
    title: 'NodePorts accepted on the primary address only while the node relied on other addresses',
    severity: 'warning',
    reads: 'nftables',
    uses: ['k8s', 'sysctl', 'iptables'],
    messages: {
      primaryOnly:
        'kube-proxy in nftables mode accepts NodePorts ({nodePorts} in service-nodeports) only on the addresses of set nodeport-ips in table {table}: {addresses}; never on 127.0.0.1 and not on secondary addresses. But the node relied on more: {reliance}. Clients using localhost:<nodePort> or another node address now fail. Set nodePortAddresses in the kube-proxy configuration (CIDRs of the addresses to serve), and make localhost clients use a node IP (localhost NodePorts in nftables mode need the KubeProxyNFTablesLocalhostNodePorts gate of recent releases, "primary,localhost").',
    },
  },
  *check({ document, node }) {
    for (const t of document.model.tables) {
      if (!isKubeProxyTable(t)) continue;
      const ips = t.sets.find((s) => s.name.value === 'nodeport-ips');
      const nodeports = t.sets.find((s) => s.name.value === 'service-nodeports');
      if (!ips || !nodeports || nodeports.elements.length === 0) continue;
      const addresses = ips.elements.map((e) => document.text.slice(e.key.span.start, e.key.span.end));
      const reliance: { text: string; related: Related }[] = [];
      for (const d of node.ofKind('k8s')) {
        for (const kp of kubeProxyConfigs(d.model)) {
          // An explicit nodePortAddresses is a decision: the set holds what was asked for.
          if (kp.nodePortAddresses && kp.nodePortAddresses.length > 0) return;
          const l = kp.iptables.localhostNodePorts;
          if (l.present && l.value === true) reliance.push({ text: `kube-proxy iptables.localhostNodePorts: true (${nodePath(d, node)})`, related: { document: d, span: l.span, message: 'localhostNodePorts: true' } });
        }
      }
      for (const d of node.ofKind('sysctl')) {
        const e = effective(d.model, ROUTE_LOCALNET);
        if (e?.number === 1) reliance.push({ text: `${ROUTE_LOCALNET} = 1 (${nodePath(d, node)}), which iptables-mode kube-proxy sets for NodePorts on 127.0.0.1`, related: { document: d, span: e.value.span, message: `${ROUTE_LOCALNET} = 1` } });
      }
      for (const e of netfilterView(node.documents).legacyProxy) {
        if (e.kind === 'iptables-chains') reliance.push({ text: `iptables-mode kube-proxy rules (${legacyProxyText(e, node)}), which accepted NodePorts on every local address`, related: { document: e.document, span: e.span, message: e.describe } });
      }
      if (reliance.length === 0) continue;
      yield {
        span: ips.name.span,
        messageId: 'primaryOnly',
        data: { nodePorts: nodeports.elements.length, table: tableLabel(t), addresses: addresses.join(', ') || 'none', reliance: reliance.map((r) => r.text).join('; ') },
        related: reliance.map((r) => r.related),
      };
    }
  },
});
