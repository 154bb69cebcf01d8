import type { Span } from '../core/span';
import { isOverlay, linkAttr, overlayLowerDevice, type IpLink } from '../formats/ip-link';
import { attr } from '../formats/ip-link';
import type { ParsedDocument } from './document';
import { isPlaceholder } from '../core/redaction';

/**
 * What the iproute2 dumps say about the node's interfaces and routes (`ip -d link`, `ip -d addr`,
 * `ip route`), as facts rules share. Each value keeps the document and span it was read from.
 */

export interface InterfaceFact {
  readonly name: string;
  readonly mtu?: number;
  /** `ip -d` link kind (`vxlan`, `bridge`, `veth`, ...); absent without `-d`. */
  readonly kind?: string;
  readonly master?: string;
  /** An overlay's `dev` (the device it is bound to). */
  readonly lower?: string;
  /** An overlay's `local` (its source address on the underlay). */
  readonly local?: string;
  readonly link: IpLink;
  readonly document: ParsedDocument;
  /** The interface name in that document. */
  readonly span: Span;
}

export interface NodeAddress {
  readonly address: string;
  /** As printed, with the prefix length (`192.168.56.10/24`). */
  readonly cidr: string;
  readonly iface: string;
  readonly document: ParsedDocument;
  readonly span: Span;
}

export interface RouteFact {
  readonly destination: string;
  readonly device?: string;
  readonly document: ParsedDocument;
  readonly span: Span;
}

export interface LinkFacts {
  /** Every interface seen in ip link / ip addr, by name (ip -d details win over plain listings). */
  readonly interfaces?: ReadonlyMap<string, InterfaceFact>;
  /** Global-scope addresses (ip addr), in document order. */
  readonly nodeAddresses?: readonly NodeAddress[];
  /** The device of the main table's default route (IPv4 first, lowest metric): the node's underlay. */
  readonly defaultRoute?: RouteFact;
  /** Main-table routes through overlay, bridge and pod devices (IPv6 link-local ones left out): the pod CIDRs this node reaches. */
  readonly podCidrRoutes?: readonly RouteFact[];
}

/** Interface names CNIs give their pod-network devices when `-d` does not say the kind. */
const POD_NETWORK_DEVICE = /^(?:flannel[.-]|cni\d|cbr\d|vxlan\.calico|vxlan-v6\.calico|tunl\d|cali|cilium_|lxc|weave|wg\d|flannel-wg|kube-bridge|genev_sys_|antrea-)/;

export function deriveLinkFacts(documents: readonly ParsedDocument[]): LinkFacts {
  const interfaces = new Map<string, InterfaceFact>();
  const nodeAddresses: NodeAddress[] = [];
  let defaultRoute: (RouteFact & { family: number; metric: number }) | undefined;
  const podRoutes: { destination: string; device: string; document: ParsedDocument; span: Span }[] = [];
  // ip link before ip addr: both describe the interfaces, and messages should cite the link dump.
  const ordered = [...documents.filter((d) => d.kind === 'ip-link'), ...documents.filter((d) => d.kind !== 'ip-link')];
  for (const doc of ordered) {
    if (doc.kind === 'ip-link' || doc.kind === 'ip-addr') {
      for (const link of (doc as ParsedDocument<'ip-link'>).model.links) {
        const before = interfaces.get(link.name.value);
        if (!before || (!before.kind && link.kind)) interfaces.set(link.name.value, interfaceFact(link, doc));
        for (const a of link.addresses) {
          const scope = attr(a.attrs, 'scope')?.value?.value;
          if (scope && scope !== 'global') continue;
          nodeAddresses.push({ address: a.cidr.value.split('/')[0]!, cidr: a.cidr.value, iface: link.name.value, document: doc, span: a.cidr.span });
        }
      }
    }
    if (doc.kind === 'ip-route') {
      for (const r of (doc as ParsedDocument<'ip-route'>).model.routes) {
        if (r.table !== 'main' || (r.type && r.type.value !== 'unicast')) continue;
        const dev = attr(r.attrs, 'dev')?.value?.value ?? r.nexthops.map((n) => attr(n.attrs, 'dev')?.value?.value).find(Boolean);
        if (r.destination.value === 'default') {
          const metric = Number(attr(r.attrs, 'metric')?.value?.value ?? 0);
          const better = !defaultRoute || r.family < defaultRoute.family || (r.family === defaultRoute.family && metric < defaultRoute.metric);
          if (better) defaultRoute = { destination: 'default', ...(dev ? { device: dev } : {}), document: doc, span: r.destination.span, family: r.family, metric };
        } else if (dev && !/^fe[89ab]/i.test(r.destination.value)) podRoutes.push({ destination: r.destination.value, device: dev, document: doc, span: r.destination.span });
      }
    }
  }
  const isPodDevice = (dev: string): boolean => {
    const i = interfaces.get(dev);
    if (i?.kind) return isOverlay(i.link) || i.kind === 'bridge' && dev !== 'docker0' || (i.kind === 'veth' && POD_NETWORK_DEVICE.test(dev));
    return POD_NETWORK_DEVICE.test(dev);
  };
  const podCidrRoutes = podRoutes.filter((r) => isPodDevice(r.device));
  return {
    ...(interfaces.size ? { interfaces } : {}),
    ...(nodeAddresses.length ? { nodeAddresses } : {}),
    ...(defaultRoute ? { defaultRoute: { destination: defaultRoute.destination, ...(defaultRoute.device ? { device: defaultRoute.device } : {}), document: defaultRoute.document, span: defaultRoute.span } } : {}),
    ...(podCidrRoutes.length ? { podCidrRoutes } : {}),
  };
}

function interfaceFact(link: IpLink, document: ParsedDocument): InterfaceFact {
  const lower = overlayLowerDevice(link)?.value?.value;
  const local = linkAttr(link, 'kind', 'local')?.value?.value;
  return {
    name: link.name.value,
    ...(link.mtu ? { mtu: link.mtu.value } : {}),
    ...(link.kind ? { kind: link.kind.value } : {}),
    ...(link.master ? { master: link.master.value } : {}),
    ...(lower ? { lower } : {}),
    // A blanked-out address (`local x.x.x.x`) matches every other blanked one: it names no interface.
    ...(local && local !== 'any' && !isPlaceholder(local) ? { local } : {}),
    link,
    document,
    span: link.name.span,
  };
}

/** How the underlay of an overlay was found, for messages. */
export type UnderlayBasis = 'dev' | 'local' | 'default-route';

/**
 * The device an overlay's packets leave through: its `dev`; else the interface that holds its
 * `local` address; else the default route's device.
 */
export function underlayOf(facts: LinkFacts, overlay: InterfaceFact): { readonly iface: InterfaceFact; readonly basis: UnderlayBasis } | undefined {
  const byName = (n: string | undefined) => (n && n !== overlay.name ? facts.interfaces?.get(n) : undefined);
  const dev = byName(overlay.lower);
  if (dev) return { iface: dev, basis: 'dev' };
  if (overlay.local) {
    const holder = facts.nodeAddresses?.find((a) => a.address === overlay.local && a.iface !== overlay.name);
    const i = byName(holder?.iface);
    if (i) return { iface: i, basis: 'local' };
  }
  const d = byName(facts.defaultRoute?.device);
  return d ? { iface: d, basis: 'default-route' } : undefined;
}
