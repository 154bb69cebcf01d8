import { ENCAP_OVERHEAD, isOverlay } from '../../formats/ip-link';
import { underlayOf, type InterfaceFact, type UnderlayBasis } from '../../node/links';
import { guarded, note, reviewFix, run } from '../shared/commands';
import { defineRule, type Finding } from '../rule';
import { interfacesOf, where } from './shared';

const BASIS: Readonly<Record<UnderlayBasis, string>> = {
  dev: 'the device it is bound to (`dev`)',
  local: 'the interface holding its `local` address',
  'default-route': 'the default route\'s device',
};

/** IPv6 outer headers are 20 bytes longer; WireGuard's 80 is the IPv6 figure. */
function overhead(kind: string, overlay: InterfaceFact): { bytes: number; note: string } | undefined {
  const o = ENCAP_OVERHEAD[kind];
  if (!o) return undefined;
  const v6 = overlay.local?.includes(':') ?? false;
  return v6 && (kind === 'vxlan' || kind === 'geneve' || kind === 'wireguard') ? { bytes: o.bytes + 20, note: `${o.note}, over IPv6 +20` } : o;
}

/**
 * NET-FL-003 seen on the node: an overlay device whose MTU plus its encapsulation overhead does
 * not fit in the MTU of the device its packets leave through.
 */
export default defineRule({
  meta: {
    id: 'netdev/overlay-mtu-exceeds-underlay',
    title: 'Overlay device MTU plus encapsulation overhead exceeds the underlay MTU',
    severity: 'warning',
    reads: 'ip-link',
    uses: ['ip-addr', 'ip-route'],
    fix: 'command',
    messages: {
      // {withheld}: why no command is offered (a sentence with a leading space), or nothing.
      tooLarge:
        '{kind} device {device} has MTU {mtu}; with {overhead} bytes of encapsulation ({note}) its packets are {size} bytes on {underlay} ({basis}), whose MTU is {underlayMtu} ({where}). Full-size pod packets are then fragmented or dropped: small requests work while large responses, TLS handshakes and image pulls stall. The largest MTU that fits is {fits}.{withheld}',
    },
  },
  *check({ document, node }) {
    const facts = node.facts.links ?? {};
    const known = interfacesOf(node);
    for (const link of document.model.links) {
      if (!isOverlay(link) || !link.mtu || !link.kind) continue;
      const self = known.get(link.name.value);
      if (!self) continue;
      const under = underlayOf(facts, self);
      if (!under?.iface.mtu) continue;
      const o = overhead(link.kind.value, self);
      if (!o) continue;
      const mtu = link.mtu.value;
      const need = mtu + o.bytes;
      const underMtu = under.iface.mtu;
      if (need <= underMtu) continue;
      const fits = underMtu - o.bytes;
      const dev = link.name.value;
      const g = guarded([['interface', dev]], () =>
        reviewFix(`Lower the MTU of ${dev} to ${fits}`, `The CNI sets this MTU: it may put it back (flannel derives it from the underlay when flanneld starts; Calico from veth_mtu / FELIX_VXLANMTU), and pods keep their own veth MTU until they are re-created. Fix the CNI setting, then restart it and the pods.`, [
          note(`${dev}: ${mtu} + ${o.bytes} > ${underMtu} (${under.iface.name}); ${fits} fits.`),
          run('ip', 'link', 'set', 'dev', dev, 'mtu', String(fits)),
        ]),
      );
      const finding: Finding<'tooLarge'> = {
        span: link.mtu.span,
        messageId: 'tooLarge',
        data: {
          kind: link.kind.value,
          device: dev,
          mtu,
          overhead: o.bytes,
          note: o.note,
          size: need,
          underlay: under.iface.name,
          basis: BASIS[under.basis],
          underlayMtu: underMtu,
          where: where(under.iface.document, under.iface.span.start, node),
          fits,
          withheld: 'fix' in g ? '' : ` ${g.withheld}`,
        },
        related: [{ document: under.iface.document, span: under.iface.link.mtu?.span ?? under.iface.span, message: `underlay ${under.iface.name}: MTU ${underMtu}` }],
        ...('fix' in g ? { fixes: [g.fix] } : {}),
      };
      yield finding;
    }
  },
});
