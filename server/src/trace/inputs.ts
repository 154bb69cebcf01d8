import { flannelConfigs } from '../formats/k8s';
import { isKind, type ParsedDocument } from '../node/document';
import { NodeEnvironment, type ClusterNetwork, type Route } from './environment';
import { ipvsAddresses } from './ipvs';
import { parsePrefix } from './ip';
import type { TraceInputs } from './trace';
import { IptablesRuleset } from './walk';

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
  if (!chosen) assumptions.push('no iptables dump in the node: every chain is taken as empty with policy ACCEPT');
  const ipvs = documents.filter((d): d is ParsedDocument<'ipvsadm'> => isKind(d, 'ipvsadm'));
  const sysctls = documents.filter((d): d is ParsedDocument<'sysctl'> => isKind(d, 'sysctl'));
  const env = new NodeEnvironment(options.local ?? [], ipvsAddresses(ipvs), options.routes ?? [], sysctls, clusterNetwork(documents));
  const rulesets = chosen ? [new IptablesRuleset(chosen.path, chosen.model, chosen.lines)] : [];
  const sources = [...(chosen ? [chosen.path] : []), ...ipvs.map((d) => d.path), ...sysctls.map((d) => d.path)];
  if (env.cluster) sources.push(env.cluster.file);
  return { rulesets, ipvs, env, assumptions, sources };
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
