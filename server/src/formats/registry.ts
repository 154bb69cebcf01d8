import type { DocumentKind } from './kind';
import { parseIptables, type IptablesModel } from './iptables';
import { parseUnknown, type UnknownModel } from './unknown';

/** The model each kind of document parses into. */
export interface ModelByKind {
  iptables: IptablesModel;
  ipvsadm: UnknownModel;
  conntrack: UnknownModel;
  sysctl: UnknownModel;
  ethtool: UnknownModel;
  k8s: UnknownModel;
  unknown: UnknownModel;
}

export type Parser<K extends DocumentKind> = (text: string, fileName: string) => ModelByKind[K];

/** One reader per kind; every reader is total (any text in, model plus problems out). */
export const PARSERS: { readonly [K in DocumentKind]: Parser<K> } = {
  iptables: parseIptables,
  ipvsadm: parseUnknown,
  conntrack: parseUnknown,
  sysctl: parseUnknown,
  ethtool: parseUnknown,
  k8s: parseUnknown,
  unknown: parseUnknown,
};
