import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import { nodeManifests } from '../../node/questions';
import type { NodeSnapshot } from '../../node/snapshot';
import { kubeProxyConfigs, type KubeProxyConfigView } from '../../formats/k8s';
import { effective } from '../../formats/sysctl';

/**
 * Node-wide lookups for the kube-proxy rules: every kube-proxy configuration of the node's manifests
 * and a sysctl of the node. Questions about one configuration or container (mode, flags, feature
 * gates): formats/k8s/query.ts; version and kernel questions: node/questions.ts.
 */

export type K8sFile = ParsedDocument<'k8s'>;

/** Every kube-proxy configuration of the node's manifests, with its file. */
export function nodeProxyConfigs(document: K8sFile, node: NodeSnapshot): { file: K8sFile; kp: KubeProxyConfigView }[] {
  return nodeManifests(document, node).flatMap((file) => kubeProxyConfigs(file.model).map((kp) => ({ file, kp })));
}

/** The effective value of a sysctl in the node's sysctl documents, with its place. */
export function nodeSysctl(node: NodeSnapshot, key: string): { document: ParsedDocument<'sysctl'>; value: string; number?: number; span: Span } | undefined {
  for (const d of node.ofKind('sysctl')) {
    const e = effective(d.model, key);
    if (e) return { document: d, value: e.value.value, ...(e.number !== undefined ? { number: e.number } : {}), span: e.value.span };
  }
  return undefined;
}

