import type { Span } from '../../core/span';
import type { NftRule, NftStatement, NftTable, NftablesModel } from '../../formats/nftables/model';
import { selectorText } from '../../formats/nftables/query';
import type { ParsedDocument } from '../../node/document';
import type { Fact } from '../../node/facts';
import { isIptablesNftTable, isKubeProxyTable, netfilterView } from '../../node/netfilter';
import { manifestPodNetwork, type PodNetwork } from '../../node/questions';
import type { NodeSnapshot } from '../../node/snapshot';
import { guarded, note, reviewFix, run } from '../shared/commands';
import type { CommandFix } from '../rule';
import { nodePath } from '../../node/nodePath';

/**
 * Helpers shared by the nftables rules: the node's kube-proxy mode, which tables are kube-proxy's
 * or iptables-nft's, the pod network as the ruleset or the manifests say it, and nft commands
 * built only from checked fields.
 */

/** The kube-proxy mode fact when it says nftables (the ruleset's `table ip kube-proxy`, a manifest or a setting). */
export function nftablesMode(node: NodeSnapshot): Fact<string> | undefined {
  const mode = node.facts.kubeProxyMode;
  return mode?.value === 'nftables' ? mode : undefined;
}

/** The node's `table ip kube-proxy` / `ip6 kube-proxy` tables, in any nftables document. */
export function kubeProxyTables(node: NodeSnapshot): { document: ParsedDocument<'nftables'>; table: NftTable }[] {
  return [...netfilterView(node.documents).kubeProxyTables];
}

/** Tables neither kube-proxy nor iptables-nft wrote: host firewalls, CNIs, hand-written rules. */
export function thirdPartyTables(model: NftablesModel): NftTable[] {
  const warned = warnedTables(model);
  return model.tables.filter((t) => !isKubeProxyTable(t) && !isIptablesNftTable(t, warned));
}

const WARNED = new WeakMap<NftablesModel, ReadonlySet<string>>();

/** `family table` of every `# Warning: table … is managed by iptables-nft` line, once per model. */
function warnedTables(model: NftablesModel): ReadonlySet<string> {
  let w = WARNED.get(model);
  if (!w) {
    w = new Set(model.iptablesNftWarnings.map((x) => `${x.family.value} ${x.table.value}`));
    WARNED.set(model, w);
  }
  return w;
}

export function isIptablesNft(model: NftablesModel, t: NftTable): boolean {
  return isIptablesNftTable(t, warnedTables(model));
}

const IPV4_CIDR = /^\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * The IPv4 pod network: flannel's `Network` or kube-proxy's `clusterCIDR` from the node's manifests,
 * else what kube-proxy wrote into its table (`ip saddr != CIDR jump mark-for-masquerade` in its
 * service chains: its detect-local range).
 */
export function podNetwork(node: NodeSnapshot): PodNetwork | undefined {
  const declared = manifestPodNetwork(node, 'ipv4');
  if (declared) return declared;
  for (const { document, table } of kubeProxyTables(node)) {
    if (table.family.value !== 'ip') continue;
    for (const c of table.chains) {
      if (!c.name.value.startsWith('service-')) continue;
      for (const r of c.rules) {
        const m = r.statements.find((s): s is Extract<NftStatement, { kind: 'match' }> => s.kind === 'match' && selectorText(s.left) === 'ip saddr' && s.op?.value === '!=');
        const v = m?.right?.kind === 'value' ? m.right.text : undefined;
        if (m && v && IPV4_CIDR.test(v)) return { cidr: v, describe: `kube-proxy's "ip saddr != ${v}" rules in ${nodePath(document, node)}`, related: { document, span: m.span, message: `kube-proxy's pod network ${v}` } };
      }
    }
  }
  return undefined;
}

/** The text of a span. */
export const textOf = (doc: ParsedDocument, s: Span): string => doc.text.slice(s.start, s.end);

/**
 * `nft delete rule FAMILY TABLE CHAIN handle N`, only when the listing printed the handle (`nft -a`)
 * and every name is one word nft reads as a name. Deleting always needs review.
 */
export function deleteRuleFix(title: string, review: string, t: NftTable, rule: NftRule, before: readonly string[] = []): { readonly fix: CommandFix } | { readonly withheld: string } | undefined {
  if (!rule.handle) return undefined;
  const family = t.family.value;
  const table = t.name.value;
  const chain = rule.chain;
  const handle = String(rule.handle.value);
  return guarded(
    [
      ['nftFamily', family],
      ['nftName', table],
      ['nftName', chain],
      ['nftHandle', handle],
    ],
    () => reviewFix(title, review, [...before.map(note), note(`Check first that handle ${handle} is still this rule: nft -a list chain ${family} ${table} ${chain}`), run('nft', 'delete', 'rule', family, table, chain, 'handle', handle)]),
  );
}
