import type { Located, Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import { manifestPodNetwork, type PodNetwork } from '../../node/questions';
import type { NodeSnapshot } from '../../node/snapshot';
import { kubeProxyConfigs } from '../../formats/k8s';
import type { IptRule, IptablesModel, IptTable } from '../../formats/iptables/model';
import { chainRules, clearsMark, isMarkedMasquerade, isUnmarkedReturn, markChange, table, targetName } from '../../formats/iptables/query';
import type { Related, TextEdit } from '../rule';
import { deleteLines } from '../shared/edits';
import { hex } from '../shared/phrases';
import { tripsGate } from '../../formats/iptables/versionGates';
import { nodePath } from '../../node/nodePath';

/** test/formats/iptables/modelMemory.test.ts still imports ruleKey from here; its home is formats/iptables/query.ts. */
export { ruleKey } from '../../formats/iptables/query';

/**
 * Helpers shared by the iptables rules: kube-proxy's masquerade mark, the KUBE-POSTROUTING
 * forms, the pod network and rule identities (line edits: shared/edits.ts; fact questions:
 * node/questions.ts). Everything reads the model; nothing re-parses text.
 */

/** kube-proxy's masquerade mark: `1 << masqueradeBit` (default bit 14 = 0x4000), with where it was learnt. */
export interface MasqueradeMark {
  readonly bit: number;
  readonly mark: number;
  /** `0x4000`. */
  readonly hex: string;
  /** How messages cite it: "0x4000 (kube-proxy default bit 14)". */
  readonly describe: string;
  /** True when a kube-proxy configuration of the node sets the bit. */
  readonly configured: boolean;
  readonly related?: Related;
}

const markOf = (bit: number): number => (2 ** bit) >>> 0;

/**
 * The mark kube-proxy uses for "masquerade this packet": `iptables.masqueradeBit` of a kube-proxy
 * configuration in the node, else the bit its `KUBE-MARK-MASQ` chain sets in this dump, else the
 * default bit 14.
 */
export function masqueradeMark(model: IptablesModel, node: NodeSnapshot): MasqueradeMark {
  for (const doc of node.ofKind('k8s')) {
    for (const kp of kubeProxyConfigs(doc.model)) {
      const f = kp.iptables.masqueradeBit;
      if (f.present && Number.isInteger(f.value) && f.value >= 0 && f.value <= 31) {
        const mark = markOf(f.value);
        return {
          bit: f.value,
          mark,
          hex: hex(mark),
          describe: `${hex(mark)} (iptables.masqueradeBit ${f.value} in ${nodePath(doc, node)})`,
          configured: true,
          related: { document: doc, span: f.span, message: `kube-proxy iptables.masqueradeBit: ${f.value}` },
        };
      }
    }
  }
  const nat = table(model, 'nat');
  for (const rule of nat?.rules ?? []) {
    if (rule.chain.value !== 'KUBE-MARK-MASQ') continue;
    const change = markChange(rule);
    // A single bit set by the OR form (`--set-xmark B/B`, `--or-mark B`).
    if (change && change.xor !== 0 && (change.xor & (change.xor - 1)) === 0 && (change.clear & change.xor) !== 0) {
      const bit = 31 - Math.clz32(change.xor);
      return { bit, mark: change.xor >>> 0, hex: hex(change.xor), describe: `${hex(change.xor)} (set by KUBE-MARK-MASQ in this dump)`, configured: false };
    }
  }
  return { bit: 14, mark: 0x4000, hex: '0x4000', describe: '0x4000 (kube-proxy default masqueradeBit 14)', configured: false };
}

export interface PostroutingShape {
  /** Old-form MASQUERADE rules with whether a mark-clearing MARK comes before them. */
  readonly old: readonly { readonly rule: IptRule; readonly afterClear: boolean }[];
  /** The first rule that clears the mark (the new form's `MARK xor`), if any. */
  readonly clear?: IptRule;
  /** The new form's `! --mark B/B -j RETURN`, if any. */
  readonly unmarkedReturn?: IptRule;
}

/** How the nat KUBE-POSTROUTING chain of a dump handles the masquerade mark. */
export function postroutingShape(model: IptablesModel, mark: number): PostroutingShape {
  const old: { rule: IptRule; afterClear: boolean }[] = [];
  let clear: IptRule | undefined;
  let unmarkedReturn: IptRule | undefined;
  for (const rule of chainRules(table(model, 'nat'), 'KUBE-POSTROUTING')) {
    if (!clear && clearsMark(rule, mark)) clear = rule;
    else if (!unmarkedReturn && isUnmarkedReturn(rule, mark)) unmarkedReturn = rule;
    else if (isMarkedMasquerade(rule, mark)) old.push({ rule, afterClear: clear !== undefined });
  }
  return { old, ...(clear ? { clear } : {}), ...(unmarkedReturn ? { unmarkedReturn } : {}) };
}

/**
 * The header version of a dump written by an iptables too old for MASQUERADE `--random-fully`:
 * such a dump cannot show the flag even when the kernel rule has it, and cannot restore it.
 */
export function iptablesTooOldForRandomFully(model: IptablesModel): Located<string> | undefined {
  return tripsGate(model.header, 'no-masquerade-random-fully') ? model.header?.version : undefined;
}

/** 1-based position of a rule in its chain (what `iptables -D CHAIN N` takes). */
export function positionInChain(t: IptTable | undefined, rule: IptRule): number {
  return chainRules(t, rule.chain.value).indexOf(rule) + 1;
}

/** `iptables` or `ip6tables`, as the dump's header says. */
/**
 * Why a deletion by rule position always needs review: the positions are those of the dump, and any
 * rule added or removed since then (kube-proxy re-syncs every few seconds) makes a number name another rule.
 */
export const POSITION_REVIEW = 'it deletes rules by their position in the dump; rules added or removed since the dump was taken shift the numbers, so check them first (iptables -L CHAIN -n --line-numbers)';

export function iptablesCommand(model: IptablesModel): string {
  return model.header?.family === 'ipv6' ? 'ip6tables' : 'iptables';
}

/** Deletes the whole lines of `rules` (shared/edits.ts `deleteLines`). */
export function deleteLinesEdits(doc: ParsedDocument, rules: readonly IptRule[]): TextEdit[] {
  // A rule a terminal wrapped over several lines goes with all of them (its span covers them).
  return deleteLines(
    doc,
    rules.flatMap((r) => {
      const last = Math.max(r.line, doc.lines.positionAt(r.span.end).line);
      return Array.from({ length: last - r.line + 1 }, (_, k) => r.line + k);
    }),
  );
}

/** `[0:0] ` when the file carries per-rule counters (`iptables-save -c`), else nothing. */
export function countersPrefix(rule: IptRule): string {
  return rule.counters ? '[0:0] ' : '';
}

/** Chains of CNIs and kube components: the dump belongs to a Kubernetes node. */
const KUBERNETES_CHAIN = /^(?:KUBE-|FLANNEL-|CNI-|cali-|CILIUM_|WEAVE|ANTREA-|KUBE_)/;

export function looksLikeKubernetesNode(model: IptablesModel): boolean {
  return model.tables.some((t) => t.chains.some((c) => KUBERNETES_CHAIN.test(c.name.value)) || t.rules.some((r) => KUBERNETES_CHAIN.test(r.chain.value)));
}

/** The chain's declaration span, or its first rule's chain token. */
export function chainAnchor(t: IptTable, chain: string): Span | undefined {
  const c = t.chains.find((x) => x.name.value === chain);
  if (c) return c.name.span;
  return t.rules.find((r) => r.chain.value === chain)?.chain.span;
}

/** `ns/svc:port` (or `ns/svc`) at the start of a kube-proxy comment. */
export function servicePortOf(comment: string): { service: string; namespace: string; name: string; port?: string } | undefined {
  const m = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?::([^\s]*))?(?:\s|$)/i.exec(comment);
  if (!m) return undefined;
  return { namespace: m[1]!, name: m[3]!, service: `${m[1]!}/${m[3]!}`, ...(m[5] ? { port: m[5] } : {}) };
}

const IPV4_CIDR = /^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/;
const IPV6_CIDR = /^[0-9a-f:]+\/\d{1,3}$/i;

/**
 * The cluster's pod network: flannel's `Network` or kube-proxy's `clusterCIDR` from the node's
 * manifests, else the range kube-proxy (`! -s X -j KUBE-MARK-MASQ`) or flannel
 * (`-s X ! -d 224.0.0.0/4 -j MASQUERADE`) wrote into this dump.
 */
export function podCidr(model: IptablesModel, node: NodeSnapshot): PodNetwork | undefined {
  const family = model.header?.family ?? 'ipv4';
  const declared = manifestPodNetwork(node, family);
  if (declared) return declared;
  const fits = (c: string): boolean => (family === 'ipv6' ? IPV6_CIDR.test(c) : IPV4_CIDR.test(c));
  const nat = table(model, 'nat');
  for (const r of nat?.rules ?? []) {
    const s = r.source;
    if (s?.negation && targetName(r) === 'KUBE-MARK-MASQ' && fits(s.value.value)) return { cidr: s.value.value, describe: `the "! -s ${s.value.value} -j KUBE-MARK-MASQ" rules kube-proxy wrote into this dump` };
  }
  for (const r of nat?.rules ?? []) {
    const s = r.source;
    const d = r.destination;
    if (s && !s.negation && d?.negation && /^(?:224\.0\.0\.0\/4|ff00::\/8)$/.test(d.value.value) && targetName(r) === 'MASQUERADE' && fits(s.value.value)) {
      return { cidr: s.value.value, describe: `flannel's masquerade rule in this dump` };
    }
  }
  return undefined;
}
