import { flannelConfigs } from '../formats/k8s';
import { isKind, type ParsedDocument } from '../node/document';
import { NodeEnvironment, type ClusterNetwork, type Route } from './environment';
import { ipvsAddresses } from './ipvs';
import { parsePrefix } from './ip';
import type { TraceInputs } from './trace';
import { IptablesRuleset } from './walk';
import { NftRuleset } from './nft/walk';
import type { Ruleset } from './ruleset';
import type { NftTable } from '../formats/nftables/model';

/**
 * Chooses what a trace reads from a node's documents: one IPv4 iptables dump (the save format
 * before a listing: they show the same rules and would double every step), the ipvsadm tables,
 * the sysctls and the flannel network. Whatever is skipped or missing is said in the result.
 */
export interface NodeOptions {
  /** The node's own addresses (`--local`). */
  readonly local?: readonly number[];
  /** Routes the user knows (`--route CIDR=IFACE`). */
  readonly routes?: readonly Route[];
}

export function traceInputs(documents: readonly ParsedDocument[], options: NodeOptions = {}): TraceInputs {
  const assumptions: string[] = [];
  const iptables = documents.filter((d): d is ParsedDocument<'iptables'> => isKind(d, 'iptables'));
  const v4 = iptables.filter((d) => d.model.header?.family !== 'ipv6');
  const chosen = v4.find((d) => d.model.variant === 'save') ?? v4[0];
  for (const d of iptables) {
    if (d === chosen) continue;
    assumptions.push(d.model.header?.family === 'ipv6' ? `${d.path} is an ip6tables dump: not used for an IPv4 packet` : `${d.path} not used: ${chosen?.path} already shows this node's iptables rules`);
  }
  const nft = nftRulesets(documents, chosen !== undefined, assumptions);
  if (!chosen && nft.rulesets.length === 0) assumptions.push('no iptables dump or nftables ruleset in the node: every chain is taken as empty with policy ACCEPT');
  const ipvs = documents.filter((d): d is ParsedDocument<'ipvsadm'> => isKind(d, 'ipvsadm'));
  const sysctls = documents.filter((d): d is ParsedDocument<'sysctl'> => isKind(d, 'sysctl'));
  const env = new NodeEnvironment(options.local ?? [], ipvsAddresses(ipvs), options.routes ?? [], sysctls, clusterNetwork(documents));
  const rulesets: Ruleset[] = [...(chosen ? [new IptablesRuleset(chosen.path, chosen.model, chosen.lines)] : []), ...nft.rulesets];
  const sources = [...(chosen ? [chosen.path] : []), ...nft.sources, ...ipvs.map((d) => d.path), ...sysctls.map((d) => d.path)];
  if (env.cluster) sources.push(env.cluster.file);
  return { rulesets, ipvs, env, assumptions, sources };
}

/** Tables iptables-nft creates: with an iptables dump in the node, the same rules are read from it. */
const IPTABLES_NFT_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);

/**
 * The node's nftables ruleset (one document: `nft list ruleset` in any form; further ones would
 * repeat it): its IPv4 tables (`ip`, `inet`), without the tables iptables-nft made when an
 * iptables dump of the node is read already (they hold the same rules).
 */
function nftRulesets(documents: readonly ParsedDocument[], haveIptables: boolean, assumptions: string[]): { rulesets: Ruleset[]; sources: string[] } {
  const nft = documents.filter((d): d is ParsedDocument<'nftables'> => isKind(d, 'nftables'));
  const chosen = nft.find((d) => d.model.tables.some((t) => t.family.value === 'ip' || t.family.value === 'inet'));
  for (const d of nft) if (d !== chosen) assumptions.push(`${d.path} not used: ${chosen ? `${chosen.path} already shows this node's nftables ruleset` : 'it has no ip or inet table (an IPv4 packet does not meet it)'}`);
  if (!chosen) return { rulesets: [], sources: [] };
  const include = (t: NftTable): boolean => {
    if (t.family.value !== 'ip' && t.family.value !== 'inet') return false;
    if (haveIptables && t.family.value === 'ip' && IPTABLES_NFT_TABLES.has(t.name.value)) {
      assumptions.push(`${chosen.path}: table ip ${t.name.value} not walked: the iptables dump shows its rules (iptables-nft)`);
      return false;
    }
    return true;
  };
  return { rulesets: [new NftRuleset(chosen.path, chosen.model, chosen.lines, include)], sources: [chosen.path] };
}

/** The cluster's pod network from a flannel net-conf.json (ConfigMap or k3s config), if the node has one. */
export function clusterNetwork(documents: readonly ParsedDocument[]): ClusterNetwork | undefined {
  for (const d of documents) {
    if (!isKind(d, 'k8s')) continue;
    for (const fl of flannelConfigs(d.model)) {
      if (!fl.network.present) continue;
      const prefix = parsePrefix(fl.network.value);
      if (!prefix) continue;
      const backend = fl.backend.type.present ? fl.backend.type.value.toLowerCase() : undefined;
      return { prefix, backend, file: d.path, line: d.lines.positionAt(fl.network.span.start).line + 1 };
    }
  }
  return undefined;
}
