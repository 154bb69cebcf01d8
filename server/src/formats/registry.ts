import type { DocumentKind } from './kind';
import { parseIptables, type IptablesModel } from './iptables';
import { parseNftables, type NftablesModel } from './nftables';
import { parseIpvsadm, type IpvsadmModel } from './ipvsadm';
import { parseK8s, type K8sModel } from './k8s';
import { parseConntrack, type ConntrackModel } from './conntrack';
import { parseEthtool, type EthtoolModel } from './ethtool';
import { parseSysctl, type SysctlModel } from './sysctl';
import { parseUnknown, type UnknownModel } from './unknown';
import { parseIpLink, type IpLinkModel } from './ip-link';
import { parseIpAddr, type IpAddrModel } from './ip-addr';
import { parseIpRoute, type IpRouteModel } from './ip-route';
import { parseIpRule, type IpRuleModel } from './ip-rule';
import { parseBridgeLink, type BridgeLinkModel } from './bridge-link';

/** The model each kind of document parses into. */
export interface ModelByKind {
  iptables: IptablesModel;
  nftables: NftablesModel;
  ipvsadm: IpvsadmModel;
  conntrack: ConntrackModel;
  sysctl: SysctlModel;
  ethtool: EthtoolModel;
  k8s: K8sModel;
  'ip-link': IpLinkModel;
  'ip-addr': IpAddrModel;
  'ip-route': IpRouteModel;
  'ip-rule': IpRuleModel;
  'bridge-link': BridgeLinkModel;
  unknown: UnknownModel;
}

export type Parser<K extends DocumentKind> = (text: string, fileName: string) => ModelByKind[K];

/** One reader per kind; every reader is total (any text in, model plus problems out). */
export const PARSERS: { readonly [K in DocumentKind]: Parser<K> } = {
  iptables: parseIptables,
  nftables: parseNftables,
  ipvsadm: parseIpvsadm,
  conntrack: parseConntrack,
  sysctl: parseSysctl,
  ethtool: parseEthtool,
  k8s: parseK8s,
  'ip-link': parseIpLink,
  'ip-addr': parseIpAddr,
  'ip-route': parseIpRoute,
  'ip-rule': parseIpRule,
  'bridge-link': parseBridgeLink,
  unknown: parseUnknown,
};
