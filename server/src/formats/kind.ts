/** The kinds of document kube-netlint reads. `unknown` is a first-class answer, not an error. */
export const DOCUMENT_KINDS = ['iptables', 'nftables', 'ipvsadm', 'conntrack', 'sysctl', 'ethtool', 'k8s', 'ip-link', 'ip-addr', 'ip-route', 'ip-rule', 'bridge-link'] as const;
export type KnownKind = (typeof DOCUMENT_KINDS)[number];
export type DocumentKind = KnownKind | 'unknown';

export function isKnownKind(s: string): s is KnownKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(s);
}
