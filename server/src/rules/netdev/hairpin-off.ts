import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import { guarded, run, safeFix } from '../shared/commands';
import { defineRule, type Finding, type Related } from '../rule';
import { where } from './shared';
import { nodePath } from '../../node/nodePath';

/**
 * Where the node says pods rely on hairpin: kubelet `hairpinMode: hairpin-veth` /
 * `--hairpin-mode=hairpin-veth`, or a CNI config with `"hairpinMode": true` (flannel's
 * cni-conf.json, the bridge plugin). Matched on the manifest text: the value sits in flags,
 * KubeletConfiguration or embedded JSON, and one bounded regex reads all three.
 */
const RELIES = /"hairpinMode"\s*:\s*true|hairpinMode:\s*"?hairpin-veth|--hairpin-mode[= ]"?hairpin-veth/;

function relianceIn(node: NodeSnapshot): { document: ParsedDocument; span: Span } | undefined {
  for (const doc of node.ofKind('k8s')) {
    const m = RELIES.exec(doc.text);
    if (m) return { document: doc, span: { start: m.index, end: m.index + m[0].length } };
  }
  return undefined;
}

/**
 * A pod's port on the CNI bridge without hairpin mode, on a node where pods rely on it: a pod
 * that reaches its own Service and is load-balanced to itself gets no answer.
 */
export default defineRule({
  meta: {
    id: 'netdev/hairpin-off',
    title: 'Pod port on the CNI bridge without hairpin mode where pods rely on it',
    severity: 'warning',
    reads: 'bridge-link',
    uses: ['k8s', 'ip-link'],
    fix: 'command',
    messages: {
      // {withheld}: why no command is offered (a sentence with a leading space), or nothing.
      siblingsHairpin:
        "Bridge port {port} of {bridge} has hairpin off, while other ports of {bridge} have hairpin on ({sibling}, {where}), so the CNI sets it for the pods it creates and this port was set up differently. Without hairpin the bridge never sends a frame back out of the port it came in on: a pod that calls its own Service and is load-balanced to itself (kube-proxy DNATs to the pod's own IP) gets no reply and times out.{withheld}",
      configAsksHairpin: "Bridge port {port} of {bridge} has hairpin off, while the node's configuration asks for hairpin ({config}: {setting}). Without hairpin the bridge never sends a frame back out of the port it came in on: a pod that calls its own Service and is load-balanced to itself (kube-proxy DNATs to the pod's own IP) gets no reply and times out.{withheld}",
    },
  },
  *check({ document, node }) {
    const ports = document.model.ports.filter((p) => p.master && p.master.value !== 'docker0');
    let reliance: { document: ParsedDocument; span: Span } | undefined | null = null;
    for (const p of ports) {
      if (p.hairpin?.value !== 'off') continue;
      const sibling = ports.find((q) => q.master!.value === p.master!.value && q.hairpin?.value === 'on');
      if (reliance === null) reliance = relianceIn(node);
      if (!sibling && !reliance) continue;
      const bridge = p.master!.value;
      const name = p.name.value;
      const related: Related[] = sibling
        ? [{ document, span: sibling.hairpin!.span, message: `${sibling.name.value}: hairpin on` }]
        : [{ document: reliance!.document, span: reliance!.span, message: 'hairpin asked for here' }];
      const g = guarded([['interface', name]], () => safeFix(`Turn hairpin on for ${name}`, [run('bridge', 'link', 'set', 'dev', name, 'hairpin', 'on')]));
      const base = { port: name, bridge, withheld: 'fix' in g ? '' : ` ${g.withheld}` };
      const words = sibling
        ? { messageId: 'siblingsHairpin' as const, data: { ...base, sibling: sibling.name.value, where: where(document, sibling.hairpin!.span.start, node) } }
        : { messageId: 'configAsksHairpin' as const, data: { ...base, config: nodePath(reliance!.document, node), setting: reliance!.document.text.slice(reliance!.span.start, reliance!.span.end) } };
      const finding: Finding<'siblingsHairpin' | 'configAsksHairpin'> = { span: p.hairpin.span, ...words, related, ...('fix' in g ? { fixes: [g.fix] } : {}) };
      yield finding;
    }
  },
});
