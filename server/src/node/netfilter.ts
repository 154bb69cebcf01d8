import type { Span } from '../core/span';
import type { NftTable } from '../formats/nftables/model';
import type { ParsedDocument } from './document';
import { nodePath } from './nodePath';
import type { NodeSnapshot } from './snapshot';

/**
 * One netfilter view of a node: which tables exist and who writes them, over every dump of the
 * node at once. The kernel runs three worlds side by side: iptables-legacy (x_tables), iptables-nft
 * (nf_tables tables named like iptables' `ip nat` / `ip filter`, rules in xt-compat form) and native
 * nftables tables (`table ip kube-proxy`, `table inet firewalld`). Rules that conclude from the
 * *absence* of something in one world must look here first: on a kube-proxy nftables-mode node
 * `iptables-save` shows no Service rules at all, and that is correct.
 *
 * Built once per set of documents (a snapshot's document list) and cached.
 */
export type TableSource = 'iptables-legacy' | 'iptables-nft' | 'iptables' | 'nft';

export interface NetfilterTable {
  readonly source: TableSource;
  /** `ip`, `ip6`, `inet`, … for nft tables; `ipv4` / `ipv6` for iptables dumps. */
  readonly family: string;
  readonly name: string;
  readonly document: ParsedDocument;
  readonly span: Span;
}

export interface KubeProxyTable {
  readonly document: ParsedDocument<'nftables'>;
  readonly table: NftTable;
}

/** A sign that kube-proxy ran in iptables or IPVS mode: its chains in an iptables dump, or IPVS virtual servers. */
export interface LegacyProxyEvidence {
  readonly kind: 'iptables-chains' | 'ipvs-services';
  readonly document: ParsedDocument;
  readonly span: Span;
  /** "12 kube-proxy iptables chains (…)", for messages: `legacyProxyText` adds the file. */
  readonly describe: string;
}

/** The evidence as messages cite it: what, and in which file of the node. */
export function legacyProxyText(e: LegacyProxyEvidence, node: Pick<NodeSnapshot, 'root'>): string {
  return `${e.describe} in ${nodePath(e.document, node)}`;
}

export interface NetfilterView {
  readonly tables: readonly NetfilterTable[];
  /** `table ip kube-proxy` / `table ip6 kube-proxy` (kube-proxy's nftables mode). */
  readonly kubeProxyTables: readonly KubeProxyTable[];
  /** iptables-mode / IPVS-mode kube-proxy rules seen in the node's dumps. */
  readonly legacyProxy: readonly LegacyProxyEvidence[];
  /** `# Warning: iptables-legacy tables present` in an iptables-nft dump: tables this node has but no dump shows. */
  readonly legacyTablesUnseen?: { readonly document: ParsedDocument; readonly span: Span };
}

/** The tables iptables knows; an nft table of that name with only iptables built-in base chains is iptables-nft's. */
const IPTABLES_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);
const IPTABLES_BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);
/** Chains kube-proxy writes in iptables and IPVS mode (kubelet's canary and hint chains are not evidence). */
const KUBE_PROXY_IPTABLES_CHAIN = /^KUBE-(?:SERVICES|NODEPORTS|SVC-|SVL-|SEP-|EXT-|FW-|POSTROUTING$|MARK-MASQ$|FORWARD$|PROXY-FIREWALL$|PROXY-CANARY$|LOAD-BALANCER|LOOP-BACK)/;

const CACHE = new WeakMap<readonly ParsedDocument[], NetfilterView>();

/** True for the nft table kube-proxy's nftables mode writes. */
export function isKubeProxyTable(t: NftTable): boolean {
  return t.name.value === 'kube-proxy' && (t.family.value === 'ip' || t.family.value === 'ip6');
}

/**
 * An nft table written by iptables-nft: named like an iptables table, announced by nft's
 * `# Warning: table ip nat is managed by iptables-nft` line, or made only of iptables' built-in base chains.
 */
export function isIptablesNftTable(t: NftTable, warned: ReadonlySet<string>): boolean {
  if (!IPTABLES_TABLES.has(t.name.value) || (t.family.value !== 'ip' && t.family.value !== 'ip6')) return false;
  if (warned.has(`${t.family.value} ${t.name.value}`)) return true;
  const bases = t.chains.filter((c) => c.base);
  return bases.length > 0 && bases.every((c) => IPTABLES_BUILTIN_CHAINS.has(c.name.value));
}

export function netfilterView(documents: readonly ParsedDocument[]): NetfilterView {
  const cached = CACHE.get(documents);
  if (cached) return cached;
  const tables: NetfilterTable[] = [];
  const kubeProxyTables: KubeProxyTable[] = [];
  const legacyProxy: LegacyProxyEvidence[] = [];
  let legacyTablesUnseen: NetfilterView['legacyTablesUnseen'];
  for (const doc of documents) {
    if (doc.kind === 'nftables') {
      const d = doc as ParsedDocument<'nftables'>;
      const warned = new Set(d.model.iptablesNftWarnings.map((w) => `${w.family.value} ${w.table.value}`));
      for (const t of d.model.tables) {
        tables.push({ source: isIptablesNftTable(t, warned) ? 'iptables-nft' : 'nft', family: t.family.value, name: t.name.value, document: d, span: t.name.span });
        if (isKubeProxyTable(t)) kubeProxyTables.push({ document: d, table: t });
      }
    } else if (doc.kind === 'iptables') {
      const d = doc as ParsedDocument<'iptables'>;
      const m = d.model;
      const backend = m.header?.backend?.value;
      const source: TableSource = backend === 'legacy' ? 'iptables-legacy' : backend === 'nf_tables' ? 'iptables-nft' : 'iptables';
      const family = m.header?.family ?? 'ipv4';
      if (m.legacyTablesWarning && !legacyTablesUnseen) legacyTablesUnseen = { document: d, span: m.legacyTablesWarning };
      let kubeChains = 0;
      let first: Span | undefined;
      for (const t of m.tables) {
        tables.push({ source, family, name: t.name.value, document: d, span: t.name.span });
        for (const c of t.chains) {
          if (!KUBE_PROXY_IPTABLES_CHAIN.test(c.name.value)) continue;
          kubeChains++;
          first ??= c.name.span;
        }
        // A listing declares chains too; a save may hold rules of chains declared elsewhere (a fragment).
        if (!first) {
          const r = t.rules.find((x) => KUBE_PROXY_IPTABLES_CHAIN.test(x.chain.value));
          if (r) {
            kubeChains++;
            first = r.chain.span;
          }
        }
      }
      if (first) legacyProxy.push({ kind: 'iptables-chains', document: d, span: first, describe: `${kubeChains} kube-proxy iptables chain${kubeChains === 1 ? '' : 's'} (KUBE-SERVICES, KUBE-SVC-*, …)` });
    } else if (doc.kind === 'ipvsadm') {
      const d = doc as ParsedDocument<'ipvsadm'>;
      const first = d.model.services[0];
      if (first) legacyProxy.push({ kind: 'ipvs-services', document: d, span: first.span, describe: `${d.model.services.length} IPVS virtual server${d.model.services.length === 1 ? '' : 's'}` });
    }
  }
  const view: NetfilterView = { tables, kubeProxyTables, legacyProxy, ...(legacyTablesUnseen ? { legacyTablesUnseen } : {}) };
  CACHE.set(documents, view);
  return view;
}
