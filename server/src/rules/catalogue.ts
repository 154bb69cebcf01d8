import type { KnownKind } from '../formats/kind';
import { CONNTRACK_RULES } from './conntrack';
import { ETHTOOL_RULES } from './ethtool';
import { FLANNEL_RULES } from './flannel';
import { GKE_RULES } from './gke';
import { IPTABLES_RULES } from './iptables';
import { IPVS_RULES } from './ipvs';
import { K3S_RULES } from './k3s';
import { K8S_RULES } from './k8s';
import { KUBE_PROXY_RULES } from './kube-proxy';
import { NFTABLES_RULES } from './nftables';
import { NETDEV_RULES } from './netdev';
import { SYSCTL_RULES } from './sysctl';
import { PARSE_RULES } from './parse';
import type { Rule, RuleMeta } from './rule';

/**
 * Every rule. Each area keeps its own explicit list (`rules/<area>/index.ts`); no directory
 * scanning, so the bundle, the docs generator and the meta-tests all see the same set.
 */
/**
 * Rule ids in code-unit order: the same on every machine (localeCompare depends on the ICU data and
 * locale, and starting ICU costs a cold CLI about 5 ms).
 */
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const RULES: readonly Rule<KnownKind>[] = [
  ...CONNTRACK_RULES,
  ...ETHTOOL_RULES,
  ...FLANNEL_RULES,
  ...GKE_RULES,
  ...IPTABLES_RULES,
  ...IPVS_RULES,
  ...K3S_RULES,
  ...K8S_RULES,
  ...KUBE_PROXY_RULES,
  ...NFTABLES_RULES,
  ...NETDEV_RULES,
  ...SYSCTL_RULES,
].sort((a, b) => compareIds(a.meta.id, b.meta.id));

export const ALL_RULE_META: readonly RuleMeta[] = [...PARSE_RULES, ...RULES.map((r) => r.meta)].sort((a, b) => compareIds(a.id, b.id));

const byId = new Map(ALL_RULE_META.map((m) => [m.id, m]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}
