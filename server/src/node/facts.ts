import type { Span } from '../core/span';
import { parseVersion, type Version } from '../core/version';
import { containers, flannelConfigs, kubeProxyConfigs, allDocuments } from '../formats/k8s';
import { kernelRelease } from '../formats/sysctl';
import type { ParsedDocument } from './document';
import { deriveLinkFacts, type LinkFacts } from './links';
import { netfilterView } from './netfilter';
import { nodePath } from './nodePath';
import { firstVxlanRule, VXLAN_DEVICE, vxlanInterface } from './vxlanRule';
import type { FactOverrides } from './settings';

/** Where a fact was learnt: a setting the user made, or a place in one of the node's files. */
export type FactSource =
  | { readonly kind: 'setting'; readonly name: string }
  | {
      readonly kind: 'document';
      readonly document: ParsedDocument;
      readonly span: Span;
      /** The document's path in the node folder, for messages (node/nodePath.ts; set by deriveFacts when the node has a folder). */
      readonly where?: string;
    };

export interface Fact<T> {
  readonly value: T;
  readonly source: FactSource;
}

/**
 * What is known about the node, derived once per snapshot. Rules gate verdicts on these; an
 * absent fact means "unknown", and a verdict that needs it says so and is downgraded.
 */
export interface NodeFacts {
  readonly kernel?: Fact<Version>;
  readonly iptablesVersion?: Fact<Version>;
  readonly iptablesBackend?: Fact<'nf_tables' | 'legacy'>;
  readonly kubeProxyVersion?: Fact<Version>;
  readonly kubeProxyMode?: Fact<string>;
  /** A VXLAN overlay device seen anywhere in the node (`flannel.1`, `vxlan.calico`, ...). */
  readonly vxlanDevice?: Fact<string>;
  /** flannel backend type (`vxlan`, `host-gw`, `wireguard`, ...) from net-conf.json or k3s config. */
  readonly flannelBackend?: Fact<string>;
  readonly flannelVersion?: Fact<Version>;
  /** Nodes in the cluster (a setting: dumps of one node do not show it; Node lists are counted by the rules that need them). */
  readonly nodeCount?: Fact<number>;
  /** Interfaces, node addresses, the default route's device (the underlay) and pod CIDR routes, from ip link / ip addr / ip route (node/links.ts). */
  readonly links?: LinkFacts;
}

type MutableFacts = { -readonly [K in keyof NodeFacts]: NodeFacts[K] };

/** One extractor per kind of document; each adds what its model shows. First evidence wins. */
type Extractor = (doc: ParsedDocument, facts: MutableFacts) => void;


const documentFact = <T>(value: T, document: ParsedDocument, span: Span): Fact<T> => ({ value, source: { kind: 'document', document, span } });

const EXTRACTORS: readonly Extractor[] = [
  // Kernel release: `kernel.osrelease` in sysctl -a, or a `uname -r` capture (read as that key).
  (doc, facts) => {
    if (doc.kind !== 'sysctl' || facts.kernel) return;
    const release = kernelRelease((doc as ParsedDocument<'sysctl'>).model);
    const v = release && parseVersion(release.value);
    if (release && v) facts.kernel = documentFact(v, doc, release.span);
  },
  // A VXLAN device whose offload settings were captured (`Features for flannel.1:`).
  (doc, facts) => {
    if (doc.kind !== 'ethtool' || facts.vxlanDevice) return;
    for (const iface of (doc as ParsedDocument<'ethtool'>).model.interfaces) {
      if (VXLAN_DEVICE.test(iface.name.value)) {
        facts.vxlanDevice = documentFact(iface.name.value, doc, iface.name.span);
        return;
      }
    }
  },
  // kube-proxy and flannel from manifests: config files, DaemonSet images and flags, k3s config.
  (doc, facts) => {
    if (doc.kind !== 'k8s') return;
    const model = (doc as ParsedDocument<'k8s'>).model;
    for (const kp of kubeProxyConfigs(model)) {
      if (!facts.kubeProxyMode && kp.mode.present && kp.mode.value) facts.kubeProxyMode = documentFact(kp.mode.value, doc, kp.mode.span);
    }
    for (const fl of flannelConfigs(model)) {
      const t = fl.backend.type;
      if (!facts.flannelBackend && t.present) facts.flannelBackend = documentFact(t.value.toLowerCase(), doc, t.span);
    }
    for (const c of containers(model)) {
      if (c.role === 'kube-proxy') {
        if (!facts.kubeProxyVersion && c.image?.version && c.image.tag) facts.kubeProxyVersion = documentFact(c.image.version, doc, c.image.tag.span);
        const mode = c.flags.find((f) => f.name.value === '--proxy-mode' && f.value);
        if (!facts.kubeProxyMode && mode?.value) facts.kubeProxyMode = documentFact(mode.value.value, doc, mode.value.span);
      }
      if (c.role === 'flannel' && !facts.flannelVersion && c.image?.version && c.image.tag) facts.flannelVersion = documentFact(c.image.version, doc, c.image.tag.span);
    }
    for (const d of allDocuments(model)) {
      const k3s = d.k3s;
      if (!k3s) continue;
      // k3s runs flannel with the vxlan backend unless told otherwise.
      if (!facts.flannelBackend) facts.flannelBackend = k3s.flannelBackend.present ? documentFact(k3s.flannelBackend.value, doc, k3s.flannelBackend.span) : documentFact('vxlan', doc, k3s.span);
      const mode = k3s.kubeProxyArgs.find((f) => f.name.value.replace(/^-+/, '') === 'proxy-mode' && f.value);
      if (!facts.kubeProxyMode && mode?.value) facts.kubeProxyMode = documentFact(mode.value.value, doc, mode.value.span);
    }
  },
  (doc, facts) => {
    if (doc.kind !== 'iptables') return;
    const model = (doc as ParsedDocument<'iptables'>).model;
    const h = model.header;
    if (h?.version && !facts.iptablesVersion) {
      const v = parseVersion(h.version.value);
      if (v) facts.iptablesVersion = documentFact(v, doc, h.version.span);
    }
    if (h?.backend && !facts.iptablesBackend) {
      facts.iptablesBackend = documentFact(h.backend.value, doc, h.backend.span);
    }
    if (!facts.vxlanDevice) {
      for (const t of model.tables) {
        const rule = firstVxlanRule(t);
        const iface = rule && vxlanInterface(rule);
        if (iface) {
          facts.vxlanDevice = documentFact(iface.value.value, doc, iface.value.span);
          return;
        }
      }
    }
  },
];

function fromSetting<T>(value: T | undefined, name: string): Fact<T> | undefined {
  return value === undefined ? undefined : { value, source: { kind: 'setting', name } };
}

export function deriveFacts(documents: readonly ParsedDocument[], overrides: FactOverrides, root?: string): NodeFacts {
  const facts: MutableFacts = {};
  // Settings win over files: users set them exactly when the dumps are missing or misleading.
  const kernel = fromSetting(overrides.kernelVersion ? parseVersion(overrides.kernelVersion) : undefined, 'kernelVersion');
  if (kernel) facts.kernel = kernel;
  const kp = fromSetting(overrides.kubeProxyVersion ? parseVersion(overrides.kubeProxyVersion) : undefined, 'kubeProxyVersion');
  if (kp) facts.kubeProxyVersion = kp;
  const mode = fromSetting(overrides.kubeProxyMode, 'kubeProxyMode');
  if (mode) facts.kubeProxyMode = mode;
  const nodes = fromSetting(overrides.nodeCount, 'nodeCount');
  if (nodes) facts.nodeCount = nodes;
  for (const doc of documents) for (const extract of EXTRACTORS) extract(doc, facts);
  const links = deriveLinkFacts(documents);
  if (Object.keys(links).length) facts.links = links;
  kubeProxyModeFromRuleset(documents, facts);
  if (root !== undefined) placeFacts(facts, root);
  return facts;
}

/** Gives every fact learnt from a file the file's path in the node folder (what messages cite). */
function placeFacts(facts: MutableFacts, root: string): void {
  const all = facts as Record<string, unknown>;
  for (const [key, f] of Object.entries(all)) {
    // Link facts are per interface and cite no source in messages.
    if (key === 'links') continue;
    const fact = f as Fact<unknown>;
    if (fact.source.kind === 'document') all[key] = { value: fact.value, source: { ...fact.source, where: nodePath(fact.source.document, { root }) } };
  }
}

/**
 * kube-proxy's nftables table in a ruleset is what the node runs, whatever a (possibly stale)
 * manifest says: the ruleset wins over configuration files, a setting wins over both. A node with
 * that table *and* iptables-mode chains runs two proxies (nftables/leftover-proxy-rules reports it).
 */
function kubeProxyModeFromRuleset(documents: readonly ParsedDocument[], facts: MutableFacts): void {
  if (facts.kubeProxyMode?.source.kind === 'setting') return;
  const kp = netfilterView(documents).kubeProxyTables[0];
  if (kp) facts.kubeProxyMode = documentFact('nftables', kp.document, kp.table.name.span);
}

/** "kernel 5.4.0-107-generic (from sysctl.txt)" — how a message cites the fact it used. */
export function describeFact<T>(fact: Fact<T>, show: (v: T) => string): string {
  const where = fact.source.kind === 'setting' ? `setting ${fact.source.name}` : (fact.source.where ?? fact.source.document.path);
  return `${show(fact.value)} (from ${where})`;
}
