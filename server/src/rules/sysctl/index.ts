import type { KnownKind } from '../../formats/kind';
import type { Rule } from '../rule';
import bridgeNfCallIptablesDisabled from './bridge-nf-call-iptables-disabled';
import conntrackTcpBeLiberal from './conntrack-tcp-be-liberal';
import conntrackTcpTimeoutEstablished from './conntrack-tcp-timeout-established';
import ipForwardDisabled from './ip-forward-disabled';
import ipvsConnReuseMode from './ipvs-conn-reuse-mode';
import ipvsExpireNodestConnOff from './ipvs-expire-nodest-conn-off';
import localPortRangeOverlapsNodeports from './local-port-range-overlaps-nodeports';
import neighbourTableSmall from './neighbour-table-small';
import routeLocalnetWithoutGuard from './route-localnet-without-guard';
import rpFilterStrict from './rp-filter-strict';
import somaxconnSmall from './somaxconn-small';
import tcpKeepaliveExceedsIdleTimeout from './tcp-keepalive-exceeds-idle-timeout';
import tcpTwRecycle from './tcp-tw-recycle';

/** The sysctl rules, in id order. */
export const SYSCTL_RULES: readonly Rule<KnownKind>[] = [
  bridgeNfCallIptablesDisabled,
  conntrackTcpBeLiberal,
  conntrackTcpTimeoutEstablished,
  ipForwardDisabled,
  ipvsConnReuseMode,
  ipvsExpireNodestConnOff,
  localPortRangeOverlapsNodeports,
  neighbourTableSmall,
  routeLocalnetWithoutGuard,
  rpFilterStrict,
  somaxconnSmall,
  tcpKeepaliveExceedsIdleTimeout,
  tcpTwRecycle,
] as Rule<KnownKind>[];
