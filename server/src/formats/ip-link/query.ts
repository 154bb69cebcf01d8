import type { AttrSection, IpLink, IpLinkModel, SectionAttr } from './model';

/** The last block printed for `name` (a paste may show an interface before and after a change). */
export function findLink(model: IpLinkModel, name: string): IpLink | undefined {
  for (let i = model.links.length - 1; i >= 0; i--) if (model.links[i]!.name.value === name) return model.links[i];
  return undefined;
}

/** The value of `key` printed in `section` (`kind`: vxlan's `dev`, `local`, `dstport`; `slave`: a bridge port's `hairpin`). */
export function linkAttr(link: IpLink, section: AttrSection, key: string): SectionAttr | undefined {
  for (let i = link.attrs.length - 1; i >= 0; i--) {
    const a = link.attrs[i]!;
    if (a.section === section && a.key.value === key) return a;
  }
  return undefined;
}

/**
 * Encapsulation overhead in bytes per overlay kind, for an IPv4 underlay: outer IPv4 20 + UDP 8 +
 * VXLAN/Geneve 8 + inner Ethernet 14 = 50 (Geneve options add more); WireGuard 20 + 8 + 32 = 60
 * (80 on IPv6, which is why wg-quick and flannel default to 80); IP-in-IP 20; GRE 24 (+4 with a
 * key); ip6tnl / sit 40 / 20. Sources: kernel drivers/net/vxlan (VXLAN_HEADROOM), geneve.c
 * (GENEVE_IPV4_HLEN + ETH_HLEN), wireguard/device.c (MESSAGE_MINIMUM_LENGTH), flannel
 * pkg/backend overheads, Calico MTU docs.
 */
export const ENCAP_OVERHEAD: Readonly<Record<string, { readonly bytes: number; readonly note: string }>> = {
  vxlan: { bytes: 50, note: 'outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14' },
  geneve: { bytes: 50, note: 'outer IPv4 20 + UDP 8 + Geneve 8 + inner Ethernet 14, plus any options' },
  wireguard: { bytes: 60, note: 'outer IPv4 20 + UDP 8 + WireGuard 32 (80 over IPv6)' },
  ipip: { bytes: 20, note: 'outer IPv4 20' },
  sit: { bytes: 20, note: 'outer IPv4 20' },
  gre: { bytes: 24, note: 'outer IPv4 20 + GRE 4' },
  gretap: { bytes: 38, note: 'outer IPv4 20 + GRE 4 + inner Ethernet 14' },
  ip6tnl: { bytes: 40, note: 'outer IPv6 40' },
};

/** Link kinds that carry pod traffic between nodes (overlays). */
export function isOverlay(link: IpLink): boolean {
  return link.kind !== undefined && ENCAP_OVERHEAD[link.kind.value] !== undefined;
}

/** The device an overlay is bound to (`vxlan ... dev eth0`), if it says. */
export function overlayLowerDevice(link: IpLink): SectionAttr | undefined {
  const dev = linkAttr(link, 'kind', 'dev');
  return dev?.value ? dev : undefined;
}

/** Whether the link is a veth (from `ip -d`'s kind, or from the name when `-d` was not used). */
export function isVeth(link: IpLink): boolean {
  if (link.kind) return link.kind.value === 'veth';
  return /^(?:veth|cali|lxc|azv|eni|gke|vxlan_sys)/.test(link.name.value) && link.peer !== undefined;
}
