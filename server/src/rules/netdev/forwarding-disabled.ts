import type { SysctlEntry } from '../../formats/sysctl';
import { guarded, note, run, safeFix } from '../shared/commands';
import { defineRule, type Finding } from '../rule';
import { interfacesOf, isPodNetworkDevice, where } from './shared';

/** `net.ipv4.conf.<if>.forwarding`; sysctl prints dots of interface names as `/` (`flannel/1`). */
const KEY = /^net\.ipv4\.conf\.([^.]+)\.forwarding$/;

/**
 * KubeSkoop's flannel/calico check: IPv4 forwarding off on one of the pod network's devices (CNI
 * bridge, overlay, routed pod veth) while `ip link` shows that device: the kernel does not route
 * packets arriving on it, so pod traffic through it stops.
 */
export default defineRule({
  meta: {
    id: 'netdev/forwarding-disabled',
    title: 'IPv4 forwarding off on a CNI bridge, overlay or pod device',
    severity: 'error',
    reads: 'sysctl',
    uses: ['ip-link', 'ip-addr'],
    fix: 'command',
    messages: {
      // {withheld}: why no command is offered (a sentence with a leading space), or nothing.
      forwardingOff:
        '{key} = 0: forwarding is off on {iface}, {role} ({where}). The kernel drops packets that arrive on {iface} for another host instead of routing them, so pod traffic entering through it (to other nodes, Services, the outside) stops, even with net.ipv4.ip_forward = 1 (ip_forward only sets every interface once, when written; devices created later take conf.default.forwarding).{withheld}',
    },
  },
  *check({ document, node }) {
    const known = interfacesOf(node);
    if (known.size === 0) return;
    const last = new Map<string, SysctlEntry>();
    for (const e of document.model.entries) if (KEY.test(e.key)) last.set(e.key, e);
    for (const [key, e] of last) {
      if (e.value.value !== '0') continue;
      const iface = KEY.exec(key)![1]!.replace(/\//g, '.');
      const dev = known.get(iface);
      if (!dev || !isPodNetworkDevice(dev)) continue;
      const role = dev.kind === 'bridge' ? 'the CNI bridge' : dev.kind === 'veth' ? 'a routed pod veth' : `the ${dev.kind} overlay device`;
      const g = guarded([['sysctlKey', key]], () =>
        safeFix(`Turn forwarding on for ${iface}`, [
          run('sysctl', '-w', `${key}=1`),
          note('Devices created later copy net.ipv4.conf.default.forwarding: set it to 1 in /etc/sysctl.d too, or keep net.ipv4.ip_forward = 1 there.'),
        ]),
      );
      const finding: Finding<'forwardingOff'> = {
        span: e.rawKey.span,
        messageId: 'forwardingOff',
        data: { key, iface, role, where: where(dev.document, dev.span.start, node), withheld: 'fix' in g ? '' : ` ${g.withheld}` },
        related: [{ document: dev.document, span: dev.span, message: `${iface}: ${dev.kind ?? 'interface'}` }],
        ...('fix' in g ? { fixes: [g.fix] } : {}),
      };
      yield finding;
    }
  },
});
