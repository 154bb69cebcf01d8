import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import forwardingDisabled from './forwarding-disabled';
import hairpinOff from './hairpin-off';
import overlayMtuExceedsUnderlay from './overlay-mtu-exceeds-underlay';
import vethWithoutMaster from './veth-without-master';

/** Rules on the node's network devices (ip link, bridge link, per-interface sysctls), in id order. */
export const NETDEV_RULES: readonly Rule<KnownKind>[] = [
  forwardingDisabled as Rule<KnownKind>,
  hairpinOff as Rule<KnownKind>,
  overlayMtuExceedsUnderlay as Rule<KnownKind>,
  vethWithoutMaster as Rule<KnownKind>,
];
