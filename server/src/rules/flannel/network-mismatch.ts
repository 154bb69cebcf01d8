import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import { child, containers, flannelConfigs, kubeProxyConfigs, setScalar, type FlannelConfigView } from '../../formats/k8s';
import { targetName } from '../../formats/iptables/query';
import { defineRule, type Fix, type Related } from '../rule';
import { cidrContains, parseCidr, type Cidr } from './cidr';
import { editIn } from './manifest';
import { nodePath } from '../../node/nodePath';

/** Where kube-proxy's idea of the pod network was read. */
interface Evidence {
  readonly cidr: Cidr;
  readonly document: ParsedDocument;
  readonly span: Span;
  readonly what: string;
  /** A configured clusterCIDR (a fix may copy it); iptables rules may show a node's podCIDR instead. */
  readonly configured: boolean;
}

/** NET-FL-006: flannel's Network and kube-proxy's cluster CIDR disagree. */
export default defineRule({
  meta: {
    id: 'flannel/network-mismatch',
    title: 'flannel Network differs from kube-proxy clusterCIDR',
    severity: 'warning',
    reads: 'k8s',
    uses: ['iptables'],
    fix: 'edit',
    messages: {
      notContained: "flannel's {field} {network} does not contain {evidence}. flannel hands out node subnets inside its Network while kube-proxy masquerades service traffic from sources outside {outside}: pods outside it get double or missing SNAT and replies take asymmetric paths. Make Network, kube-controller-manager --cluster-cidr (kubeadm --pod-network-cidr) and kube-proxy clusterCIDR the same.",
    },
  },
  *check({ document, node }) {
    const configs = flannelConfigs(document.model);
    if (configs.length === 0) return;
    const evidence = [...node.ofKind('k8s').flatMap(kubeProxyEvidence), ...node.ofKind('iptables').flatMap(iptablesEvidence)];
    if (evidence.length === 0) return;
    for (const fl of configs) {
      for (const [field, family] of [[fl.network, 4], [fl.ipv6Network, 6]] as const) {
        if (!field.present) continue;
        const network = parseCidr(field.value);
        if (!network || network.family !== family) continue;
        const bad = dedupe(evidence.filter((e) => e.cidr.family === family && !cidrContains(network, e.cidr)));
        if (bad.length === 0) continue;
        const first = bad[0]!;
        const related: Related[] = bad.map((e) => ({ document: e.document, span: e.span, message: `${e.what}: ${e.cidr.text}` }));
        const fixes: Fix[] = [];
        const configured = dedupe(bad.filter((e) => e.configured));
        const target = configured[0];
        if (configured.length === 1 && target) {
          const key = keyOf(fl, family === 4 ? 'network' : 'ipv6network') ?? (family === 4 ? 'Network' : 'IPv6Network');
          const edits = editIn(document.text, document.model, child(fl.ref, key), (s, r) => setScalar(s, r, target.cidr.text));
          if (edits) fixes.push({ kind: 'edit', title: `Set ${family === 4 ? 'Network' : 'IPv6Network'} to ${target.cidr.text} (must also equal kube-controller-manager --cluster-cidr)`, edits, safe: false });
        }
        yield {
          span: field.span,
          messageId: 'notContained',
          data: {
            field: family === 4 ? 'Network' : 'IPv6Network',
            network: field.value,
            evidence: bad.map((e) => `${e.what} ${e.cidr.text} (${nodePath(e.document, node)})`).join(', '),
            outside: first.configured ? 'clusterCIDR' : 'that CIDR',
          },
          related,
          ...(fixes.length ? { fixes } : {}),
        };
      }
    }
  },
});

function keyOf(fl: FlannelConfigView, lower: string): string | undefined {
  return fl.keys.find((k) => k.value.toLowerCase() === lower)?.value;
}

function dedupe(list: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const k = `${e.cidr.family}:${e.cidr.address}/${e.cidr.prefix}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** clusterCIDR of KubeProxyConfiguration documents and `--cluster-cidr` of kube-proxy containers (dual-stack: comma-separated). */
function kubeProxyEvidence(document: ParsedDocument<'k8s'>): Evidence[] {
  const out: Evidence[] = [];
  const add = (value: string, span: Span, what: string): void => {
    for (const part of value.split(',')) {
      const cidr = parseCidr(part);
      if (cidr) out.push({ cidr, document, span, what, configured: true });
    }
  };
  for (const kp of kubeProxyConfigs(document.model)) if (kp.clusterCIDR.present && kp.clusterCIDR.value) add(kp.clusterCIDR.value, kp.clusterCIDR.span, 'kube-proxy clusterCIDR');
  for (const c of containers(document.model)) {
    if (c.role !== 'kube-proxy') continue;
    for (const f of c.flags) if (f.name.value.replace(/^-+/, '') === 'cluster-cidr' && f.value) add(f.value.value, f.value.span, 'kube-proxy --cluster-cidr');
  }
  return out;
}

/** `! -s <cidr> ... -j KUBE-MARK-MASQ` in KUBE-SVC-* (or, before ~1.22 and in IPVS mode, KUBE-SERVICES). */
function iptablesEvidence(document: ParsedDocument<'iptables'>): Evidence[] {
  const out: Evidence[] = [];
  for (const table of document.model.tables) {
    if (table.name.value !== 'nat') continue;
    for (const rule of table.rules) {
      const chain = rule.chain.value;
      if (!(chain.startsWith('KUBE-SVC-') || chain === 'KUBE-SERVICES')) continue;
      if (targetName(rule) !== 'KUBE-MARK-MASQ' || !rule.source?.negation) continue;
      const cidr = parseCidr(rule.source.value.value);
      if (cidr) out.push({ cidr, document, span: rule.source.value.span, what: `kube-proxy's "! -s" masquerade CIDR (${chain})`, configured: false });
    }
  }
  return out;
}
