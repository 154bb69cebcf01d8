import type { Span } from '../core/span';
import { compareVersions, type Version } from '../core/version';
import { flannelConfigs, kubeProxyConfigs } from '../formats/k8s';
import { effective, type SysctlEntry } from '../formats/sysctl';
import type { ParsedDocument } from './document';
import { describeFact, type Fact } from './facts';
import { kernelVerdict, type KernelGate, type KernelVerdict } from './kernelVerdict';
import type { NodeSnapshot } from './snapshot';
import { nodePath } from './nodePath';

/**
 * Questions rules ask about a node's facts, answered in one place so every rule says the same
 * thing the same way: "is the kernel affected, fixed or unknown (and how to tell us)?", "is it at
 * least X?", "where was this fact learnt?". Facts themselves are derived in `facts.ts`.
 */

/** A place a fact was read: a finding's related information (the rules' `Related`, structurally). */
export interface FactPlace {
  readonly document: ParsedDocument;
  readonly span: Span;
  readonly message: string;
}

/** How to tell us the kernel version when the node's files do not show it. */
export const TELL_KERNEL = 'set kubeNetlint.facts.kernelVersion or add uname -r / sysctl -a output to this node folder';
/** How to tell us kube-proxy's version. */
export const TELL_KUBE_PROXY_VERSION = 'set kubeNetlint.facts.kubeProxyVersion, or add the kube-proxy DaemonSet (its image tag gives the version) to this node folder';
/** How to tell us kube-proxy's mode. */
export const TELL_KUBE_PROXY_MODE = 'set kubeNetlint.facts.kubeProxyMode or add the kube-proxy ConfigMap / DaemonSet or `ipvsadm -Ln` output to this node folder';

/** "from sysctl-a.txt" / "setting kubeNetlint.facts.kernelVersion". */
export function factWhere<T>(fact: Fact<T>): string {
  return fact.source.kind === 'setting' ? `setting kubeNetlint.facts.${fact.source.name}` : `from ${fact.source.where ?? fact.source.document.path}`;
}

/** Related information for a fact learnt from a document (a setting has no place to point at). */
export function factRelated<T>(fact: Fact<T> | undefined, message: string): FactPlace[] {
  return fact && fact.source.kind === 'document' ? [{ document: fact.source.document, span: fact.source.span, message }] : [];
}

/** The kernel fact's place as related information ("kernel release 5.15.0-91-generic"), if a file gave it. */
export function kernelRelated(node: NodeSnapshot): FactPlace | undefined {
  const k = node.facts.kernel;
  return k ? factRelated(k, `kernel release ${k.value.text}`)[0] : undefined;
}

export type Tristate = 'yes' | 'no' | 'unknown';

/** Is a version fact at least `min`? Unknown without the fact. */
export function atLeast(fact: Fact<Version> | undefined, min: readonly number[]): Tristate {
  if (!fact) return 'unknown';
  return compareVersions(fact.value, min) >= 0 ? 'yes' : 'no';
}

/** Is the node's kernel at least `min`? */
export function kernelAtLeast(node: NodeSnapshot, min: readonly number[]): Tristate {
  return atLeast(node.facts.kernel, min);
}

/** Is the node's kube-proxy at least `min`? */
export function kubeProxyAtLeast(node: NodeSnapshot, min: readonly number[]): Tristate {
  return atLeast(node.facts.kubeProxyVersion, min);
}

/** The kernel against a bug's gate: the verdict, why, and where the kernel version came from. */
export interface KernelAnswer {
  /** `unknown` both without a kernel fact and for a kernel the gate cannot decide. */
  readonly verdict: KernelVerdict;
  /** The kernel fact, when the node has one. */
  readonly kernel?: Fact<Version>;
  /** The gate's reason ("kernel 4.19.0 predates 5.6 ..."), or, without a kernel fact, that it is unknown and how to tell us. */
  readonly reason: string;
  /** The reason with its evidence: "<reason> (from uname-r.txt)" or "the kernel version is unknown (<how to tell us>)". */
  readonly text: string;
  readonly related: FactPlace[];
}

export function kernelAgainst(node: NodeSnapshot, gate: KernelGate): KernelAnswer {
  const kernel = node.facts.kernel;
  if (!kernel) {
    const reason = `the kernel version is unknown (${TELL_KERNEL})`;
    return { verdict: 'unknown', reason, text: reason, related: [] };
  }
  const a = kernelVerdict(kernel.value, gate);
  return { verdict: a.verdict, kernel, reason: a.reason, text: `${a.reason} (${factWhere(kernel)})`, related: factRelated(kernel, `kernel ${kernel.value.text}`) };
}

/** "kernel 5.4.0-107-generic (from uname-r.txt)" or "kernel unknown". */
export function describeKernel(node: NodeSnapshot): string {
  const k = node.facts.kernel;
  return k ? `kernel ${describeFact(k, (v) => v.text)}` : 'kernel unknown';
}

/** "kube-proxy 1.29.3 (from kube-proxy-ds.yaml)" or "kube-proxy version unknown". */
export function describeKubeProxy(node: NodeSnapshot): string {
  const v = node.facts.kubeProxyVersion;
  return v ? `kube-proxy ${describeFact(v, (x) => x.text)}` : 'kube-proxy version unknown';
}

/** Whether the node runs a VXLAN overlay: a VXLAN device seen, or a flannel backend known. */
export interface VxlanState {
  /** A VXLAN device or a flannel vxlan backend was seen. */
  readonly confirmed: boolean;
  /** The flannel backend is known and is not vxlan, and no VXLAN device was seen. */
  readonly excluded: boolean;
  readonly text: string;
  readonly related: FactPlace[];
}

export function vxlanState(node: NodeSnapshot): VxlanState {
  const dev = node.facts.vxlanDevice;
  const backend = node.facts.flannelBackend;
  const related = [...factRelated(dev, `VXLAN device ${dev?.value ?? ''}`), ...(backend?.value === 'vxlan' ? factRelated(backend, 'flannel backend vxlan') : [])];
  if (dev) return { confirmed: true, excluded: false, text: `the node has VXLAN device ${describeFact(dev, (v) => v)}`, related };
  if (backend?.value === 'vxlan') return { confirmed: true, excluded: false, text: `flannel uses the vxlan backend ${describeFact(backend, (v) => v)}`, related };
  if (backend) return { confirmed: false, excluded: true, text: `flannel uses the ${backend.value} backend ${describeFact(backend, (v) => v)}, not VXLAN`, related: factRelated(backend, `flannel backend ${backend.value}`) };
  return {
    confirmed: false,
    excluded: false,
    text: 'no VXLAN overlay was seen (add the flannel ConfigMap or `ethtool -k flannel.1` output to the node folder if the node uses one)',
    related: [],
  };
}

/** A sysctl setting of the node and the document that sets it. */
export interface NodeSysctl {
  readonly entry: SysctlEntry;
  readonly document: ParsedDocument<'sysctl'>;
}

/**
 * The value of `key` on this node: the effective assignment in the first sysctl document that
 * sets it (a `sysctl -a` capture or a sysctl.conf / sysctl.d file, in the node's file order).
 */
export function nodeSysctl(node: NodeSnapshot, key: string): NodeSysctl | undefined {
  for (const document of node.ofKind('sysctl')) {
    const entry = effective(document.model, key);
    if (entry && entry.value.value !== '') return { entry, document };
  }
  return undefined;
}

/** The cluster's pod network and where it was read. */
export interface PodNetwork {
  readonly cidr: string;
  /** Where it was read, for messages ("flannel Network in kube-flannel.yaml"). */
  readonly describe: string;
  readonly related?: FactPlace;
}

const IPV4_CIDR = /^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/;
const IPV6_CIDR = /^[0-9a-f:]+\/\d{1,3}$/i;

/**
 * The pod network the node's manifests declare for one address family: flannel's `Network`
 * (`IPv6Network`) or else kube-proxy's `clusterCIDR` (its first range of that family), in the
 * node's file order. Rules fall back on what their own dump shows when the manifests say nothing.
 */
export function manifestPodNetwork(node: NodeSnapshot, family: 'ipv4' | 'ipv6'): PodNetwork | undefined {
  const fits = (c: string): boolean => (family === 'ipv6' ? IPV6_CIDR.test(c) : IPV4_CIDR.test(c));
  for (const doc of node.ofKind('k8s')) {
    for (const fl of flannelConfigs(doc.model)) {
      const n = family === 'ipv6' ? fl.ipv6Network : fl.network;
      if (n.present && fits(n.value)) return { cidr: n.value, describe: `flannel Network in ${nodePath(doc, node)}`, related: { document: doc, span: n.span, message: `flannel Network ${n.value}` } };
    }
    for (const kp of kubeProxyConfigs(doc.model)) {
      const c = kp.clusterCIDR;
      const first = c.present ? c.value.split(',').map((x) => x.trim()).find(fits) : undefined;
      if (c.present && first) return { cidr: first, describe: `kube-proxy clusterCIDR in ${nodePath(doc, node)}`, related: { document: doc, span: c.span, message: `kube-proxy clusterCIDR ${c.value}` } };
    }
  }
  return undefined;
}

/** The node's manifest files, the linted one first (it replaces any stale copy of the same URI). */
export function nodeManifests(document: ParsedDocument<'k8s'>, node: NodeSnapshot): ParsedDocument<'k8s'>[] {
  return [document, ...node.ofKind('k8s').filter((d) => d !== document && d.uri !== document.uri)];
}
