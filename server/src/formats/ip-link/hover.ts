import { contains, type Span } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import { LINK_FLAGS, LINK_KINDS, LINK_WORDS } from './glossary';
import type { IpLink, IpLinkModel } from './model';
import { ENCAP_OVERHEAD, linkAttr, overlayLowerDevice } from './query';

/** The block around `offset`: blocks are in text order, so a binary search finds it. */
export function linkAt(model: IpLinkModel, offset: number): IpLink | undefined {
  const links = model.links;
  let lo = 0;
  let hi = links.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = links[mid]!.span;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else return links[mid];
  }
  return undefined;
}

export function ipLinkHover(model: IpLinkModel, offset: number): TokenHover | undefined {
  const link = linkAt(model, offset);
  if (!link) return undefined;
  const at = (span: Span, markdown: string): TokenHover => ({ span, markdown });
  if (contains(link.name.span, offset)) return at(link.name.span, summary(link));
  if (link.peer && contains(link.peer.span, offset)) {
    const other = /^if\d+$/.test(link.peer.value) ? `interface index ${link.peer.value.slice(2)} in another network namespace (the pod's end, for a pod veth)` : `\`${link.peer.value}\` in this namespace`;
    return at(link.peer.span, `**peer / lower device**: ${other}.`);
  }
  for (const f of link.flags) if (contains(f.span, offset)) return at(f.span, `**\`${f.value}\`**: ${LINK_FLAGS[f.value] ?? 'an interface flag.'}`);
  if (link.kind && contains(link.kind.span, offset)) return at(link.kind.span, `**kind \`${link.kind.value}\`**: ${LINK_KINDS[link.kind.value] ?? 'a link kind.'}`);
  if (link.slaveKind && contains(link.slaveKind.span, offset)) return at(link.slaveKind.span, `**\`${link.slaveKind.value}\`**: ${LINK_KINDS[link.slaveKind.value] ?? 'port settings of this interface in its master.'}`);
  if (link.linkType && contains(link.linkType.span, offset)) return at(link.linkType.span, `**link type \`${link.linkType.value}\`**${link.linkType.value === 'none' ? ': no link-layer header (IP tunnels, WireGuard).' : '.'}`);
  for (const a of link.attrs) {
    const onKey = contains(a.key.span, offset) && a.key.span.end > a.key.span.start;
    const onValue = a.value && contains(a.value.span, offset);
    if (!onKey && !onValue) continue;
    const span = onKey ? a.key.span : a.value!.span;
    const word = LINK_WORDS[a.key.value];
    const val = a.value ? ` = \`${a.value.value}${a.value2 ? ` ${a.value2.value}` : ''}\`` : '';
    return at(span, `**\`${a.key.value}\`**${val}${word ? `: ${word}` : ''}${extra(link, a.key.value)}`);
  }
  for (const addr of link.addresses) {
    if (contains(addr.cidr.span, offset)) return at(addr.cidr.span, `**${addr.family.value === 'inet' ? 'IPv4' : 'IPv6'} address** \`${addr.cidr.value}\` on \`${link.name.value}\`.`);
    for (const a of addr.attrs) {
      const span = contains(a.key.span, offset) ? a.key.span : a.value && contains(a.value.span, offset) ? a.value.span : undefined;
      if (!span) continue;
      const word = LINK_WORDS[a.key.value];
      return at(span, `**\`${a.key.value}\`**${a.value ? ` = \`${a.value.value}\`` : ''}${word ? `: ${word}` : a.value ? '' : ': an address flag or the address label.'}`);
    }
  }
  return undefined;
}

function summary(link: IpLink): string {
  const parts = [`**interface \`${link.name.value}\`**`];
  if (link.kind) parts.push(`kind ${link.kind.value}`);
  if (link.mtu) parts.push(`MTU ${link.mtu.value}`);
  if (link.master) parts.push(`port of ${link.master.value}`);
  const hp = linkAttr(link, 'slave', 'hairpin');
  if (hp?.value) parts.push(`hairpin ${hp.value.value}`);
  if (link.addresses.length) parts.push(link.addresses.map((a) => a.cidr.value).join(', '));
  return parts.join(' · ');
}

function extra(link: IpLink, key: string): string {
  if (key !== 'mtu' || !link.kind) return '';
  const o = ENCAP_OVERHEAD[link.kind.value];
  if (!o || !link.mtu) return '';
  const dev = overlayLowerDevice(link);
  return `\n\nAs a ${link.kind.value} device it adds ${o.bytes} bytes (${o.note}): the underlay${dev?.value ? ` (\`${dev.value.value}\`)` : ''} needs an MTU of at least ${link.mtu.value + o.bytes}.`;
}

/** Interfaces with their kind, MTU and master; addresses as children. */
export function ipLinkOutline(model: IpLinkModel): OutlineNode[] {
  return model.links.map((link) => {
    const detail = [link.kind?.value, link.mtu ? `mtu ${link.mtu.value}` : undefined, link.master ? `master ${link.master.value}` : undefined].filter(Boolean).join(' · ');
    return {
      name: link.name.value,
      ...(detail ? { detail } : {}),
      kind: 'interface' as const,
      span: link.span,
      selection: link.name.span,
      children: link.addresses.map((a) => ({ name: a.cidr.value, detail: a.family.value, kind: 'key' as const, span: a.span, selection: a.cidr.span })),
    };
  });
}
