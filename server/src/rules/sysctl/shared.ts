import { downgrade, type Severity } from '../../core/severity';
import type { ParsedDocument } from '../../node/document';
import { describeFact } from '../../node/facts';
import { factRelated } from '../../node/questions';
import type { NodeSnapshot } from '../../node/snapshot';
import { allDocuments, kubeProxyConfigs, flannelConfigs } from '../../formats/k8s';
import { effective, type SysctlEntry } from '../../formats/sysctl';
import { numberOf } from '../../formats/sysctl/query';
import type { Step } from '../../core/shell';
import type { CommandFix, EditFix, Fix, Related } from '../rule';
import { note, reviewFix, run, safeFix, write } from '../shared/commands';
import { appendLines, insertLinesAfterOffset } from '../shared/edits';
import { nodePath } from '../../node/nodePath';

/**
 * Helpers shared by the sysctl rules: what kind of sysctl document this is (a file users
 * re-apply, or an observation of the running kernel), how a fix is offered for each (an exact
 * edit of the file, or `sysctl -w` plus a sysctl.d drop-in), and the node-level evidence several
 * rules need (IPVS in use, Kubernetes node, IPv6 pods, other sysctl documents of the node).
 */

export type SysctlDoc = ParsedDocument<'sysctl'>;

/**
 * `file`: `/etc/sysctl.conf`, `/etc/sysctl.d/*.conf` — re-applied at boot and by `sysctl --system`,
 * so fixes edit it. `observation`: `sysctl -a` output, `sysctl --system` output, a `uname -r`
 * capture — a picture of the running kernel, so fixes are commands.
 */
export type SysctlRole = 'file' | 'observation';

/** `sysctl.conf`, `99-k8s.conf`, anything under a `sysctl.d/` directory. */
const FILE_PATH = /(?:^|[\\/])sysctl\.d[\\/]|\.conf$|(?:^|[\\/])sysctl\.conf(?:\.[\w-]+)?$/i;

const ROLES = new WeakMap<SysctlDoc, SysctlRole>();

/**
 * Decides the role from the path first (users keep the file's own name), then from the content:
 * lines only the tools print (`sysctl: permission denied ...`, `* Applying ...`, a `uname -r`
 * line), or the read-only `kernel.osrelease` key that only `sysctl -a` shows, mean an observation;
 * comments, `-key` prefixes, globs or exclusions (sysctl.d syntax) mean a file. A bare list of
 * `key = value` lines under another name is treated as an observation: a command fix is always
 * right for the running node, while editing a pasted dump would change nothing.
 */
export function documentRole(doc: SysctlDoc): SysctlRole {
  const cached = ROLES.get(doc);
  if (cached) return cached;
  const m = doc.model;
  let role: SysctlRole;
  if (FILE_PATH.test(doc.path)) role = 'file';
  else if (m.notes.length > 0 || m.entries.some((e) => e.origin === 'uname' || e.key === 'kernel.osrelease')) role = 'observation';
  else if (m.comments.length > 0 || m.exclusions.length > 0 || m.entries.some((e) => e.glob || e.ignoreErrors)) role = 'file';
  else role = 'observation';
  ROLES.set(doc, role);
  return role;
}

/** Keys every complete `sysctl -a` prints (also as a non-root user) on any kernel a node runs. */
const FULL_DUMP_KEYS = ['kernel.osrelease', 'net.core.somaxconn', 'net.ipv4.ip_forward', 'net.ipv4.tcp_keepalive_time', 'vm.swappiness'];
const FULL_DUMP_MIN_ENTRIES = 300;

/**
 * A complete `sysctl -a` capture (not an excerpt): an observation with at least 300 settings,
 * including keys from several subsystems. Only then does a missing key mean the kernel lacks it
 * (e.g. `net.bridge.*` absent → `br_netfilter` not loaded).
 */
export function isFullDump(doc: SysctlDoc): boolean {
  if (documentRole(doc) !== 'observation') return false;
  const m = doc.model;
  if (m.entries.length < FULL_DUMP_MIN_ENTRIES) return false;
  return FULL_DUMP_KEYS.every((k) => effective(m, k) !== undefined);
}

export interface NodeValue {
  readonly entry: SysctlEntry & { readonly number: number };
  readonly document: SysctlDoc;
}

/** An integer setting from this document, else from the first other sysctl document of the node that has it. */
export function nodeNumber(doc: SysctlDoc, node: NodeSnapshot, key: string): NodeValue | undefined {
  const own = numberOf(doc, key);
  if (own) return { entry: own, document: doc };
  for (const other of node.ofKind('sysctl')) {
    if (other === doc) continue;
    const e = numberOf(other, key);
    if (e) return { entry: e, document: other };
  }
  return undefined;
}

/** `net.ipv4.tcp_keepalive_time = 7200 (from sysctl-a.txt)`. */
export function cite(v: NodeValue, node: NodeSnapshot): string {
  return `${v.entry.key} = ${v.entry.value.value} (from ${nodePath(v.document, node)})`;
}

export function relatedEntry(document: SysctlDoc, entry: SysctlEntry, message: string): Related {
  return { document, span: entry.span, message };
}

/** One step less severe when the verdict hangs on something unknown. */
export function severityFor(base: Severity, unknown: boolean): Severity | undefined {
  return unknown ? downgrade(base) : undefined;
}

// ------------------------------------------------------------------------------------------
// Fixes

export interface Setting {
  readonly key: string;
  readonly value: string;
}

/** Why a sysctl change is left for review when the finding calls it a trade-off. */
export const SYSCTL_TRADE_OFF = 'this setting is a trade-off (see the finding): decide for this node before running it';

/**
 * The command fix for an observation: `sysctl -w` for the running kernel, then the same settings
 * written to `/etc/sysctl.d/<dropIn>` so a reboot or `sysctl --system` keeps them. `why` is one
 * or more comment lines; `before` steps run first (e.g. `modprobe`), `after` steps go last
 * (further steps or notes). Keys from a dump must have passed the `sysctlKey` field check.
 */
export function commandFix(
  title: string,
  why: readonly string[],
  settings: readonly Setting[],
  dropIn: string,
  o: { readonly before?: readonly Step[]; readonly after?: readonly Step[]; readonly safe?: boolean; readonly review?: string } = {},
): CommandFix {
  const steps: Step[] = why.map(note);
  steps.push(...(o.before ?? []));
  for (const s of settings) steps.push(run('sysctl', '-w', `${s.key}=${s.value}`));
  steps.push(note('Persist it (applied at boot and by `sysctl --system`; a file read later, such as /etc/sysctl.conf, must not set it back):'));
  steps.push(write(`/etc/sysctl.d/${dropIn}`, ...settings.map((s) => `${s.key} = ${s.value}`)));
  steps.push(...(o.after ?? []));
  return o.safe === false ? reviewFix(title, o.review ?? SYSCTL_TRADE_OFF, steps) : safeFix(title, steps);
}

/** Replaces the value of `entry` in a file (the key, separator, comments and line ends stay byte for byte). */
export function replaceValueFix(entry: SysctlEntry, value: string, title: string, safe: boolean): EditFix {
  return { kind: 'edit', title, safe, edits: [{ span: entry.value.span, newText: value }] };
}

/** Inserts whole lines right after the line of `after` (its line break is kept after the new lines). */
export function insertLinesFix(doc: SysctlDoc, after: SysctlEntry, lines: readonly string[], title: string, safe: boolean): EditFix {
  return { kind: 'edit', title, safe, edits: [insertLinesAfterOffset(doc.text, after.span.end, lines)] };
}

/** Appends whole lines at the end of the file (adding a line break first when the last line has none). */
export function appendLinesFix(doc: SysctlDoc, lines: readonly string[], title: string, safe: boolean): EditFix {
  return { kind: 'edit', title, safe, edits: [appendLines(doc.text, lines)] };
}

/**
 * The fix that sets `entry` to `value`: an edit of the value in a file users re-apply, or
 * `sysctl -w` plus a drop-in for an observation.
 */
export function setValueFixes(
  doc: SysctlDoc,
  entry: SysctlEntry,
  value: string,
  o: { readonly title: string; readonly why: readonly string[]; readonly dropIn: string; readonly safe: boolean; readonly before?: readonly Step[]; readonly after?: readonly Step[] },
): Fix[] {
  if (documentRole(doc) === 'file') return [replaceValueFix(entry, value, o.title, o.safe)];
  return [commandFix(o.title, o.why, [{ key: entry.key, value }], o.dropIn, { ...(o.before ? { before: o.before } : {}), ...(o.after ? { after: o.after } : {}), safe: o.safe })];
}

// ------------------------------------------------------------------------------------------
// Node evidence

export interface IpvsUsage {
  /** `ipvs`: kube-proxy runs in IPVS mode or the node has IPVS virtual services; `other`: a known non-IPVS mode and no IPVS services. */
  readonly state: 'ipvs' | 'other' | 'unknown';
  /** kube-proxy itself is known to run in IPVS mode (not only some IPVS user such as kube-router or keepalived). */
  readonly kubeProxy: boolean;
  /** `kube-proxy mode ipvs (from kube-proxy-cm.yaml)`, `IPVS virtual services in ipvsadm-Ln.txt`. */
  readonly evidence: string;
  readonly related: readonly Related[];
}

const USAGE = new WeakMap<NodeSnapshot, IpvsUsage>();

/** Whether IPVS proxying is in use on the node, and the evidence. */
export function ipvsUsage(node: NodeSnapshot): IpvsUsage {
  const cached = USAGE.get(node);
  if (cached) return cached;
  const mode = node.facts.kubeProxyMode;
  const withServices = node.ofKind('ipvsadm').find((d) => d.model.services.length > 0);
  const evidence: string[] = [];
  const related: Related[] = [];
  const isIpvs = mode?.value.toLowerCase() === 'ipvs';
  if (mode && isIpvs) {
    evidence.push(`kube-proxy mode ${describeFact(mode, (v) => v)}`);
    related.push(...factRelated(mode, 'kube-proxy runs in IPVS mode'));
  }
  if (withServices) {
    const svc = withServices.model.services[0]!;
    evidence.push(`${withServices.model.services.length} IPVS virtual service${withServices.model.services.length === 1 ? '' : 's'} in ${nodePath(withServices, node)}`);
    related.push({ document: withServices, span: svc.span, message: 'IPVS virtual services on this node' });
  }
  let usage: IpvsUsage;
  if (evidence.length > 0) usage = { state: 'ipvs', kubeProxy: isIpvs, evidence: evidence.join(' and '), related };
  else if (mode) usage = { state: 'other', kubeProxy: false, evidence: `kube-proxy mode ${describeFact(mode, (v) => v || 'iptables (default)')}`, related: factRelated(mode, `kube-proxy mode ${mode.value}`) };
  else usage = { state: 'unknown', kubeProxy: false, evidence: 'the kube-proxy mode is unknown', related: [] };
  USAGE.set(node, usage);
  return usage;
}

const K8S_INTERFACE = /^net\.ipv4\.conf\.(?:cni\d*|cbr0|flannel\.\d+|cali[\w-]*|lxc[\w-]*|cilium_[\w-]+|kube-ipvs0|kube-bridge|vxlan\.calico|tunl0|weave|nodelocaldns)\./;

/**
 * Why we believe this is a Kubernetes node (NET-SYS-001's heuristic), or undefined. Evidence from
 * the node folder (kube-proxy / flannel configuration, IPVS services, KUBE-* chains, manifests)
 * or from the document itself (`net.bridge.*`, IPVS or conntrack keys, CNI interface keys).
 */
export function kubernetesEvidence(doc: SysctlDoc, node: NodeSnapshot): string | undefined {
  const f = node.facts;
  if (f.kubeProxyMode) return `kube-proxy mode ${describeFact(f.kubeProxyMode, (v) => v)}`;
  if (f.kubeProxyVersion) return `kube-proxy ${describeFact(f.kubeProxyVersion, (v) => v.text)}`;
  if (f.flannelBackend?.source.kind === 'document') return `flannel configuration in ${nodePath(f.flannelBackend.source.document, node)}`;
  if (f.vxlanDevice) return `VXLAN device ${describeFact(f.vxlanDevice, (v) => v)}`;
  const ipvs = node.ofKind('ipvsadm').find((d) => d.model.services.length > 0);
  if (ipvs) return `IPVS virtual services in ${nodePath(ipvs, node)}`;
  for (const ipt of node.ofKind('iptables')) {
    for (const t of ipt.model.tables) {
      const c = t.chains.find((ch) => /^(?:KUBE-|FLANNEL-|cali-|CILIUM_)/.test(ch.name.value));
      if (c) return `chain ${c.name.value} in ${nodePath(ipt, node)}`;
    }
  }
  const manifest = node.ofKind('k8s').find((d) => d.model.documents.length > 0);
  if (manifest) return `Kubernetes manifests in ${nodePath(manifest, node)}`;
  for (const e of doc.model.entries) {
    if (e.key.startsWith('net.bridge.bridge-nf-call-')) return `net.bridge.bridge-nf-call-* settings (br_netfilter, which Kubernetes bridge CNIs need) in this file`;
    if (e.key.startsWith('net.ipv4.vs.')) return `IPVS settings (${e.key}) in this file`;
    if (K8S_INTERFACE.test(e.key)) return `a CNI interface (${e.key.split('.')[3]}) in this file`;
    if (e.key.includes('nf_conntrack_')) return `conntrack settings (${e.key}) in this file`;
  }
  return undefined;
}

/** True when the node's pods (or Services) use IPv6: flannel `IPv6Network` / `EnableIPv6`, an IPv6 `clusterCIDR`. */
export function ipv6Pods(node: NodeSnapshot): string | undefined {
  for (const d of node.ofKind('k8s')) {
    for (const fl of flannelConfigs(d.model)) {
      if (fl.ipv6Network.present && fl.ipv6Network.value) return `flannel IPv6Network ${fl.ipv6Network.value} in ${nodePath(d, node)}`;
      if (fl.enableIPv6.present && fl.enableIPv6.value) return `flannel EnableIPv6 in ${nodePath(d, node)}`;
    }
    for (const kp of kubeProxyConfigs(d.model)) {
      if (kp.clusterCIDR.present && kp.clusterCIDR.value.includes(':')) return `kube-proxy clusterCIDR ${kp.clusterCIDR.value} in ${nodePath(d, node)}`;
    }
    for (const doc of allDocuments(d.model)) {
      const k3s = doc.k3s;
      if (k3s?.clusterCidr.present && k3s.clusterCidr.value.includes(':')) return `k3s cluster-cidr ${k3s.clusterCidr.value} in ${nodePath(d, node)}`;
    }
  }
  return undefined;
}

