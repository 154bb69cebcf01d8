import type { Span } from '../../core/span';
import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments, appendToSequence, child, kubeProxyConfigs, setValue, type ContainerView } from '../../formats/k8s';
import { defineRule, type Finding, type MessageData, type Fix, type Related } from '../rule';
import { nodeSysctl, type K8sFile } from './shared';
import { configMode, flagConfiguredContainers, flagMode, flagNamed, flagOn } from '../../formats/k8s/query';

/**
 * What counts as MetalLB evidence in the node's manifests. `l2` is true for evidence of layer-2
 * announcements (the mode strict ARP protects); BGP-only evidence is weaker.
 */
interface MetalLbEvidence {
  readonly file: K8sFile;
  readonly span: Span;
  readonly what: string;
  readonly l2: boolean;
}

const METALLB_ANNOTATION = /^metallb\.(?:universe\.tf|io)\//;
const METALLB_API = /^metallb\.io\//;
const METALLB_IMAGE = /(?:^|\/)metallb\/(?:speaker|controller)$/;

function metalLbEvidence(document: K8sFile, node: NodeSnapshot): MetalLbEvidence[] {
  const out: MetalLbEvidence[] = [];
  const files = [document, ...node.ofKind('k8s').filter((d) => d !== document && d.uri !== document.uri)];
  for (const file of files) {
    for (const d of allDocuments(file.model)) {
      const kind = d.kind?.value;
      if (d.apiVersion && METALLB_API.test(d.apiVersion.value)) {
        const bgp = kind === 'BGPPeer' || kind === 'BGPAdvertisement';
        out.push({ file, span: d.kind?.span ?? d.apiVersion.span, what: `MetalLB ${kind ?? 'object'}`, l2: !bgp });
        continue;
      }
      if (kind === 'ConfigMap' && d.metadata?.namespace?.value === 'metallb-system' && d.metadata.name?.value === 'config') {
        out.push({ file, span: d.metadata.name.span, what: 'MetalLB ConfigMap metallb-system/config', l2: true });
      }
      for (const a of d.metadata?.annotations ?? []) {
        if (METALLB_ANNOTATION.test(a.key.value)) out.push({ file, span: a.key.span, what: `annotation ${a.key.value}`, l2: true });
      }
      for (const c of d.workload ? [...d.workload.containers] : []) {
        if (c.image && METALLB_IMAGE.test(c.image.repository)) out.push({ file, span: c.image.span, what: `MetalLB image ${c.image.repository}`, l2: true });
      }
    }
  }
  return out;
}

/** The node's sysctl dump already shows what strictARP sets: arp_ignore=1 and arp_announce=2. */
function strictArpInEffect(node: NodeSnapshot): boolean {
  const ignore = nodeSysctl(node, 'net.ipv4.conf.all.arp_ignore');
  const announce = nodeSysctl(node, 'net.ipv4.conf.all.arp_announce');
  return ignore?.number === 1 && announce?.number === 2;
}

const WHY =
  'In IPVS mode every ClusterIP and LoadBalancer IP is bound to the kube-ipvs0 dummy interface on every node, so without strict ARP every node answers ARP for a LoadBalancer IP and MetalLB\'s layer-2 announcement is undermined (traffic lands on random nodes, failover breaks). strictARP: true makes kube-proxy set arp_ignore=1 and arp_announce=2; MetalLB requires it with IPVS since Kubernetes 1.14.2.';

/** The MetalLB evidence ({evidence}: what was seen), in layer-2 mode or apparently BGP only. */
const L2 = 'MetalLB is in use ({evidence})';
const BGP = 'MetalLB is in use ({evidence}), apparently in BGP mode only, which is less affected';

type MessageId = 'strictArpFalse' | 'strictArpUnset' | 'flagWithoutStrictArp' | 'strictArpFalseBgp' | 'strictArpUnsetBgp' | 'flagWithoutStrictArpBgp';

export default defineRule({
  meta: {
    id: 'kube-proxy/ipvs-strict-arp-metallb',
    title: 'IPVS mode without strictARP while MetalLB is in use',
    severity: 'warning',
    reads: 'k8s',
    uses: ['sysctl'],
    fix: 'edit',
    messages: {
      strictArpFalse: `mode ipvs with ipvs.strictARP: false while ${L2}. ${WHY}`,
      strictArpUnset: `mode ipvs with ipvs.strictARP unset (false) while ${L2}. ${WHY}`,
      flagWithoutStrictArp: `--proxy-mode=ipvs without --ipvs-strict-arp while ${L2}. ${WHY}`,
      strictArpFalseBgp: `mode ipvs with ipvs.strictARP: false while ${BGP}. ${WHY}`,
      strictArpUnsetBgp: `mode ipvs with ipvs.strictARP unset (false) while ${BGP}. ${WHY}`,
      flagWithoutStrictArpBgp: `--proxy-mode=ipvs without --ipvs-strict-arp while ${BGP}. ${WHY}`,
    },
  },
  *check({ document, node }) {
    const configs = kubeProxyConfigs(document.model).filter((kp) => configMode(kp) === 'ipvs');
    const flagged = flagConfiguredContainers(document.model).filter((c) => flagMode(c)?.mode === 'ipvs');
    if (configs.length === 0 && flagged.length === 0) return;
    const evidence = metalLbEvidence(document, node);
    if (evidence.length === 0) return;
    if (strictArpInEffect(node)) return;
    const l2 = evidence.some((e) => e.l2);
    const related: Related[] = evidence.slice(0, 3).map((e) => ({ document: e.file, span: e.span, message: `MetalLB evidence: ${e.what}` }));
    const data = { evidence: [...new Set(evidence.map((e) => e.what))].slice(0, 3).join(', ') };
    const id = (base: 'strictArpFalse' | 'strictArpUnset' | 'flagWithoutStrictArp'): MessageId => (l2 ? base : `${base}Bgp`);
    const severity = l2 ? undefined : ('info' as const);
    for (const kp of configs) {
      const s = kp.ipvs.strictARP;
      if (s.present && (s.templated || s.value === true)) continue;
      const edits = setValue(document.text, child(kp.ref, 'ipvs', 'strictARP'), true);
      const fixes: Fix[] = edits ? [{ kind: 'edit', title: 'Set ipvs.strictARP: true (then restart kube-proxy)', edits, safe: false }] : [];
      yield finding(s.present ? s.span : kp.mode.span, id(s.present ? 'strictArpFalse' : 'strictArpUnset'), data, severity, related, fixes);
    }
    for (const c of flagged) {
      const strict = flagNamed(c, 'ipvs-strict-arp');
      if (flagOn(strict)) continue;
      const m = flagMode(c)!;
      const fixes = flagFix(document.text, c, m.flag.source);
      yield finding(m.flag.value.span, id('flagWithoutStrictArp'), data, severity, related, fixes);
    }
  },
});

function finding(span: Span, messageId: MessageId, data: MessageData, severity: 'info' | undefined, related: Related[], fixes: Fix[]): Finding<MessageId> {
  return { span, messageId, data, ...(severity ? { severity } : {}), related, ...(fixes.length ? { fixes } : {}) };
}

/** Appends `--ipvs-strict-arp` to the list that holds --proxy-mode (args or command). */
function flagFix(text: string, c: ContainerView, source: string): Fix[] {
  if (source !== 'args' && source !== 'command') return [];
  const edits = appendToSequence(text, child(c.ref, source), '--ipvs-strict-arp');
  return edits ? [{ kind: 'edit', title: 'Add --ipvs-strict-arp', edits, safe: false }] : [];
}
