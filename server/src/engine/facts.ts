import type { Span } from '../core/span';
import { parseVersion, type Version } from '../core/version';
import type { ParsedDocument } from './document';
import type { FactOverrides } from './settings';

/** Where a fact was learnt: a setting the user made, or a place in one of the node's files. */
export type FactSource =
  | { readonly kind: 'setting'; readonly name: string }
  | { readonly kind: 'document'; readonly document: ParsedDocument; readonly span: Span };

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
}

type MutableFacts = { -readonly [K in keyof NodeFacts]: NodeFacts[K] };

/** One extractor per kind of document; each adds what its model shows. First evidence wins. */
type Extractor = (doc: ParsedDocument, facts: MutableFacts) => void;

const VXLAN_DEVICE = /^(?:flannel\.\d+|vxlan[.\w-]*|cilium_vxlan|weave-vxlan|vxlan-v6\.calico)$/;

const EXTRACTORS: readonly Extractor[] = [
  (doc, facts) => {
    if (doc.kind !== 'iptables') return;
    const model = (doc as ParsedDocument<'iptables'>).model;
    const h = model.header;
    if (h?.version && !facts.iptablesVersion) {
      const v = parseVersion(h.version.value);
      if (v) facts.iptablesVersion = { value: v, source: { kind: 'document', document: doc, span: h.version.span } };
    }
    if (h?.backend && !facts.iptablesBackend) {
      facts.iptablesBackend = { value: h.backend.value, source: { kind: 'document', document: doc, span: h.backend.span } };
    }
    if (!facts.vxlanDevice) {
      for (const t of model.tables) {
        for (const r of t.rules) {
          for (const iface of [r.inInterface, r.outInterface]) {
            if (iface && VXLAN_DEVICE.test(iface.value.value)) {
              facts.vxlanDevice = { value: iface.value.value, source: { kind: 'document', document: doc, span: iface.value.span } };
              return;
            }
          }
        }
      }
    }
  },
];

function fromSetting<T>(value: T | undefined, name: string): Fact<T> | undefined {
  return value === undefined ? undefined : { value, source: { kind: 'setting', name } };
}

export function deriveFacts(documents: readonly ParsedDocument[], overrides: FactOverrides): NodeFacts {
  const facts: MutableFacts = {};
  // Settings win over files: users set them exactly when the dumps are missing or misleading.
  const kernel = fromSetting(overrides.kernelVersion ? parseVersion(overrides.kernelVersion) : undefined, 'kernelVersion');
  if (kernel) facts.kernel = kernel;
  const kp = fromSetting(overrides.kubeProxyVersion ? parseVersion(overrides.kubeProxyVersion) : undefined, 'kubeProxyVersion');
  if (kp) facts.kubeProxyVersion = kp;
  const mode = fromSetting(overrides.kubeProxyMode, 'kubeProxyMode');
  if (mode) facts.kubeProxyMode = mode;
  for (const doc of documents) for (const extract of EXTRACTORS) extract(doc, facts);
  return facts;
}

/** "kernel 5.4.0-107-generic (from sysctl.txt)" — how a message cites the fact it used. */
export function describeFact<T>(fact: Fact<T>, show: (v: T) => string): string {
  const where = fact.source.kind === 'setting' ? `setting ${fact.source.name}` : fact.source.document.path;
  return `${show(fact.value)} (from ${where})`;
}
