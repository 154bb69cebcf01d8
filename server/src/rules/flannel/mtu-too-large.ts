import { downgrade } from '../../core/severity';
import { child, flannelConfigs, setScalar } from '../../formats/k8s';
import { defineRule, type Fix } from '../rule';
import { backendKey, editIn } from './manifest';

/** Encapsulation overhead per backend over an IPv4 underlay (flannel pkg/backend: vxlan 50, wireguard 80, udp 28, ipip 20). */
const OVERHEAD: Readonly<Record<string, number>> = { vxlan: 50, wireguard: 80, udp: 28, ipip: 20 };
const ETHERNET = 1500;
const JUMBO = 9000;

/** NET-FL-003: an explicit backend MTU that leaves no room for the encapsulation header. */
export default defineRule({
  meta: {
    id: 'flannel/mtu-too-large',
    title: 'flannel backend MTU too large for the encapsulation overhead',
    severity: 'warning',
    reads: 'k8s',
    fix: 'edit',
    messages: {
      tooLargeUnlessJumbo: "Backend MTU {mtu} leaves no room for the {overhead}-byte {backend} header on a {underlay}-byte underlay: encapsulated packets larger than the node NIC's MTU are fragmented or dropped (PMTU discovery rarely works across the overlay), so small requests work while large responses and TLS handshakes hang. flannel derives the right value ({right} on {underlay}) from the external interface when MTU is not set. The node MTU is unknown here: with jumbo frames ({jumbo}) up to {jumboMax} is fine.",
      tooLargeEvenForJumbo: "Backend MTU {mtu} leaves no room for the {overhead}-byte {backend} header on a {underlay}-byte underlay: encapsulated packets larger than the node NIC's MTU are fragmented or dropped (PMTU discovery rarely works across the overlay), so small requests work while large responses and TLS handshakes hang. flannel derives the right value ({right} on {underlay}) from the external interface when MTU is not set. That is too large even for {jumbo}-byte jumbo frames (at most {jumboMax}).",
    },
  },
  *check({ document }) {
    const { model, text } = document;
    for (const fl of flannelConfigs(model)) {
      const mtu = fl.backend.mtu;
      const type = fl.backend.type;
      if (!mtu.present || !type.present) continue;
      const backend = type.value.toLowerCase();
      const overhead = OVERHEAD[backend];
      if (overhead === undefined || mtu.value <= ETHERNET - overhead) continue;
      const jumboOk = mtu.value <= JUMBO - overhead;
      const fixes: Fix[] = [];
      const [b, k] = backendKey(fl, 'MTU');
      const edits = editIn(text, model, child(fl.ref, b!, k!), (s, r) => setScalar(s, r, ETHERNET - overhead));
      if (edits) fixes.push({ kind: 'edit', title: `Set MTU to ${ETHERNET - overhead} (${ETHERNET}-byte underlay minus ${overhead}), or remove it to let flannel compute it`, edits, safe: false });
      yield {
        span: mtu.span,
        messageId: jumboOk ? 'tooLargeUnlessJumbo' : 'tooLargeEvenForJumbo',
        data: { mtu: mtu.value, overhead, backend, underlay: ETHERNET, right: ETHERNET - overhead, jumbo: JUMBO, jumboMax: JUMBO - overhead },
        ...(jumboOk ? { severity: downgrade('warning') } : {}),
        ...(fixes.length ? { fixes } : {}),
      };
    }
  },
});
