import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import clusterCidrMissing from './cluster-cidr-missing';
import conntrackManagementUnusual from './conntrack-management-unusual';
import flagsIgnoredWithConfig from './flags-ignored-with-config';
import ipvsModeDeprecated from './ipvs-mode-deprecated';
import ipvsStrictArpMetallb from './ipvs-strict-arp-metallb';
import masqueradeAll from './masquerade-all';
import nftablesPrerequisites from './nftables-prerequisites';
import removedModeOrField from './removed-mode-or-field';
import syncPeriodUnusual from './sync-period-unusual';

/** The kube-proxy rules, in id order. */
export const KUBE_PROXY_RULES: readonly Rule<KnownKind>[] = [
  clusterCidrMissing as Rule<KnownKind>,
  conntrackManagementUnusual as Rule<KnownKind>,
  flagsIgnoredWithConfig as Rule<KnownKind>,
  ipvsModeDeprecated as Rule<KnownKind>,
  ipvsStrictArpMetallb as Rule<KnownKind>,
  masqueradeAll as Rule<KnownKind>,
  nftablesPrerequisites as Rule<KnownKind>,
  removedModeOrField as Rule<KnownKind>,
  syncPeriodUnusual as Rule<KnownKind>,
];
