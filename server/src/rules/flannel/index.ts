import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import mtuTooLarge from './mtu-too-large';
import networkMismatch from './network-mismatch';
import vxlanWhereHostGwWorks from './vxlan-where-host-gw-works';
import vxlanWithoutOffloadFix from './vxlan-without-offload-fix';
import withoutIpMasq from './without-ip-masq';
import withoutXtablesLock from './without-xtables-lock';

/** The flannel rules, in id order. */
export const FLANNEL_RULES: readonly Rule<KnownKind>[] = [
  mtuTooLarge as Rule<KnownKind>,
  networkMismatch as Rule<KnownKind>,
  vxlanWhereHostGwWorks as Rule<KnownKind>,
  vxlanWithoutOffloadFix as Rule<KnownKind>,
  withoutIpMasq as Rule<KnownKind>,
  withoutXtablesLock as Rule<KnownKind>,
];
