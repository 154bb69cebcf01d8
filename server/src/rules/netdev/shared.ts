import type { ParsedDocument } from '../../node/document';
import type { NodeSnapshot } from '../../node/snapshot';
import type { InterfaceFact } from '../../node/links';
import { isOverlay } from '../../formats/ip-link';
import { nodePath } from '../../node/nodePath';

/**
 * Host ends of pod veths that CNIs route instead of bridging (no master by design): Calico
 * `cali*` (a /32 route per pod), Cilium `lxc*` (eBPF on the device), AWS VPC CNI `eni*`, Azure
 * `azv*`, GKE Dataplane `gke*`.
 */
export const ROUTED_VETH = /^(?:cali|lxc|eni|azv|gke)/;

/** CNI bridges: any bridge but Docker's own. */
export function isCniBridge(i: InterfaceFact | undefined): boolean {
  return i?.kind === 'bridge' && i.name !== 'docker0';
}

/** A device of the pod network: a CNI bridge, an overlay, a routed pod veth. */
export function isPodNetworkDevice(i: InterfaceFact): boolean {
  return isCniBridge(i) || isOverlay(i.link) || (i.kind === 'veth' && ROUTED_VETH.test(i.name));
}

/** The interface facts of the node, or built from this one document when facts have none. */
export function interfacesOf(node: NodeSnapshot): ReadonlyMap<string, InterfaceFact> {
  return node.facts.links?.interfaces ?? new Map();
}

/** `file:line` of a span, for messages. */
export function where(doc: ParsedDocument, offset: number, node: NodeSnapshot): string {
  return `${nodePath(doc, node)}:${doc.lines.positionAt(offset).line + 1}`;
}
