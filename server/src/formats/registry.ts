import type { DocumentKind } from './kind';
import { parseIptables, type IptablesModel } from './iptables';
import { parseEthtool, type EthtoolModel } from './ethtool';
import { parseSysctl, type SysctlModel } from './sysctl';
import { parseUnknown, type UnknownModel } from './unknown';

/** The model each kind of document parses into. */
export interface ModelByKind {
  iptables: IptablesModel;
  ipvsadm: UnknownModel;
  conntrack: UnknownModel;
  sysctl: SysctlModel;
  ethtool: EthtoolModel;
  k8s: UnknownModel;
  unknown: UnknownModel;
}

export type Parser<K extends DocumentKind> = (text: string, fileName: string) => ModelByKind[K];

/** One reader per kind; every reader is total (any text in, model plus problems out). */
export const PARSERS: { readonly [K in DocumentKind]: Parser<K> } = {
  iptables: parseIptables,
  ipvsadm: parseUnknown,
  conntrack: parseUnknown,
  sysctl: parseSysctl,
  ethtool: parseEthtool,
  k8s: parseUnknown,
  unknown: parseUnknown,
};
