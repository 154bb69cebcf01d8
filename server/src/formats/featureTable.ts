import { conntrackHover, conntrackOutline } from './conntrack/hover';
import { ethtoolHover, ethtoolOutline } from './ethtool/hover';
import type { FormatFeatures } from './features';
import { iptablesHover } from './iptables/hover';
import { chainDefinition, chainReferences, iptablesInlayNotes, iptablesOutline, iptablesRuleRuns } from './iptables/navigation';
import { ipvsadmHover, ipvsadmOutline } from './ipvsadm/hover';
import { k8sHover } from './k8s/hover';
import { nftablesHover } from './nftables/hover';
import { nftablesInlayNotes } from './nftables/inlay';
import { nftablesDefinition, nftablesOutline, nftablesReferences } from './nftables/navigation';
import type { ModelByKind } from './registry';
import { ipLinkHover, ipLinkOutline } from './ip-link/hover';
import { ipAddrHover, ipAddrOutline } from './ip-addr';
import { ipRouteHover, ipRouteOutline } from './ip-route';
import { ipRuleHover, ipRuleOutline } from './ip-rule';
import { bridgeLinkHover, bridgeLinkOutline } from './bridge-link';
import { sysctlHover, sysctlOutline } from './sysctl/hover';

/** Editor features per kind of document. */
export const FEATURES: { readonly [K in keyof ModelByKind]?: FormatFeatures<ModelByKind[K]> } = {
  iptables: {
    hover: (m, offset) => iptablesHover(m, offset),
    outline: iptablesOutline,
    folds: iptablesRuleRuns,
    definition: chainDefinition,
    references: chainReferences,
    inlayNotes: iptablesInlayNotes,
  },
  nftables: {
    hover: nftablesHover,
    outline: nftablesOutline,
    definition: nftablesDefinition,
    references: nftablesReferences,
    inlayNotes: nftablesInlayNotes,
  },
  ipvsadm: { hover: ipvsadmHover, outline: ipvsadmOutline },
  conntrack: { hover: conntrackHover, outline: conntrackOutline },
  sysctl: { hover: sysctlHover, outline: sysctlOutline },
  ethtool: { hover: ethtoolHover, outline: ethtoolOutline },
  // No outline for manifests: YAML extensions already outline them, and two outlines would clash.
  k8s: { hover: k8sHover },
  'ip-link': { hover: ipLinkHover, outline: ipLinkOutline },
  'ip-addr': { hover: ipAddrHover, outline: ipAddrOutline },
  'ip-route': { hover: ipRouteHover, outline: ipRouteOutline },
  'ip-rule': { hover: ipRuleHover, outline: ipRuleOutline },
  'bridge-link': { hover: bridgeLinkHover, outline: bridgeLinkOutline },
};
