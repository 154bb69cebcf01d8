import { isVeth } from '../../formats/ip-link';
import type { InterfaceFact } from '../../node/links';
import { guarded, note, reviewFix, run } from '../shared/commands';
import { defineRule, type Finding } from '../rule';
import { interfacesOf, isCniBridge, ROUTED_VETH, where } from './shared';

const BRIDGE_CNI_VETH = /^veth/;

/**
 * KubeSkoop's AssertVEthOnBridge: on a node whose CNI bridges pods (a CNI bridge exists), a pod
 * veth (its peer in another namespace) that is not a port of any bridge cuts its pod off.
 */
export default defineRule({
  meta: {
    id: 'netdev/veth-without-master',
    title: 'Pod veth not attached to the CNI bridge',
    severity: 'warning',
    reads: 'ip-link',
    uses: ['ip-addr', 'ip-route'],
    fix: 'command',
    messages: {
      // {ports}: '1 port' / 'N ports'; {withheld}: why no command is offered (a sentence with a leading space), or nothing.
      noMaster:
        "veth {veth} has its peer in another network namespace (a pod's) but no master, while this node bridges its pods on {bridge} ({ports}, {where}). Its pod can reach neither other pods nor the node through the bridge. Usually a CNI ADD that failed half-way, or a bridge re-created under running pods (ports are lost when a bridge is deleted).{withheld}",
    },
  },
  *check({ document, node }) {
    const known = interfacesOf(node);
    const bridges = [...known.values()].filter(isCniBridge);
    if (bridges.length === 0) return;
    const underlay = node.facts.links?.defaultRoute?.device;
    const addressed = new Set((node.facts.links?.nodeAddresses ?? []).map((a) => a.iface));
    // Ports per bridge, counted once (a node may have thousands of veths).
    const portCount = new Map<string, number>();
    for (const i of known.values()) if (i.master) portCount.set(i.master, (portCount.get(i.master) ?? 0) + 1);
    for (const link of document.model.links) {
      if (!isVeth(link) || link.master) continue;
      const name = link.name.value;
      // Bridge CNIs name the host end `veth` + 8 hex digits (containernetworking/plugins RandomVethName),
      // Docker `veth` + 7; other veths (a kind node's own eth0, routed CNIs) are not pod ports.
      if (!BRIDGE_CNI_VETH.test(name) || ROUTED_VETH.test(name) || name === underlay || addressed.has(name)) continue;
      // A pod veth's other end is in the pod's namespace: `@ifN`, or link-netns(id) printed.
      const peerElsewhere = (link.peer && /^if\d+$/.test(link.peer.value)) || link.attrs.some((a) => a.key.value === 'link-netnsid' || a.key.value === 'link-netns');
      if (!peerElsewhere) continue;
      const bridge = pickBridge(bridges, link.mtu?.value);
      const ports = portCount.get(bridge.name) ?? 0;
      const g = guarded([['interface', name], ['interface', bridge.name]], () =>
        reviewFix(`Attach ${name} to ${bridge.name}`, `The dump cannot prove the veth belongs on ${bridge.name}, nor that its pod still exists: if the pod is gone, delete the veth instead (ip link delete ${name}); if it is running, re-creating the pod lets the CNI set it up completely (addresses, hairpin, routes).`, [
          note(`${name} has no master; pods on this node are ports of ${bridge.name}.`),
          run('ip', 'link', 'set', 'dev', name, 'master', bridge.name),
        ]),
      );
      const finding: Finding<'noMaster'> = {
        span: link.name.span,
        messageId: 'noMaster',
        data: { veth: name, bridge: bridge.name, ports: `${ports} port${ports === 1 ? '' : 's'}`, where: where(bridge.document, bridge.span.start, node), withheld: 'fix' in g ? '' : ` ${g.withheld}` },
        related: [{ document: bridge.document, span: bridge.span, message: `CNI bridge ${bridge.name}` }],
        ...('fix' in g ? { fixes: [g.fix] } : {}),
      };
      yield finding;
    }
  },
});

/** Nodes have one CNI bridge; with several, the one whose MTU the veth shares (CNIs give pods the bridge's MTU). */
function pickBridge(bridges: readonly InterfaceFact[], mtu: number | undefined): InterfaceFact {
  return [...bridges].sort((a, b) => Number(b.mtu === mtu) - Number(a.mtu === mtu))[0]!;
}
