import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import foreignObjectsInKubeProxyTable from './foreign-objects-in-kube-proxy-table';
import hostFirewallDropsKubeTraffic from './host-firewall-drops-kube-traffic';
import iptablesIncompatibleTable from './iptables-incompatible-table';
import largeRuleset from './large-ruleset';
import leftoverProxyRules from './leftover-proxy-rules';
import masqueradeWithoutFullyRandom from './masquerade-without-fully-random';
import modePrerequisites from './mode-prerequisites';
import noInvalidDropWorkaround from './no-invalid-drop-workaround';
import nodeportPrimaryOnly from './nodeport-primary-only';
import serviceWithoutEndpoints from './service-without-endpoints';
import thirdPartyMasqueradeMark from './third-party-masquerade-mark';

/** The nftables rules (kube-proxy nftables mode and the tables around it), in id order. */
export const NFTABLES_RULES: readonly Rule<KnownKind>[] = [
  foreignObjectsInKubeProxyTable as Rule<KnownKind>,
  hostFirewallDropsKubeTraffic as Rule<KnownKind>,
  iptablesIncompatibleTable as Rule<KnownKind>,
  largeRuleset as Rule<KnownKind>,
  leftoverProxyRules as Rule<KnownKind>,
  masqueradeWithoutFullyRandom as Rule<KnownKind>,
  modePrerequisites as Rule<KnownKind>,
  noInvalidDropWorkaround as Rule<KnownKind>,
  nodeportPrimaryOnly as Rule<KnownKind>,
  serviceWithoutEndpoints as Rule<KnownKind>,
  thirdPartyMasqueradeMark as Rule<KnownKind>,
];
