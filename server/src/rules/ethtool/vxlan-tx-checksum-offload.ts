import type { EthtoolInterface, EthtoolModel } from '../../formats/ethtool';
import { feature } from '../../formats/ethtool';
import { isVxlanDevice, offloadFix, vxlanExposure, type Exposure } from '../flannel/vxlan';
import { defineRule, type Finding, type Fix } from '../rule';

/**
 * NET-VXLAN-001 seen from the node: a VXLAN overlay device with TX checksum offload on, on a
 * kernel that corrupts the outer UDP checksum when NAT rewrites it (fixed by ea64d8d6c675).
 */
export default defineRule({
  meta: {
    id: 'ethtool/vxlan-tx-checksum-offload',
    title: 'VXLAN device with TX checksum offload on a kernel with the NAT checksum bug',
    severity: 'warning',
    reads: 'ethtool',
    uses: ['sysctl', 'iptables'],
    fix: 'command',
    messages: {
      offloadOn: 'TX checksum offload is on for VXLAN device {device} ({feature}: on). On kernels without fix ea64d8d6c675, NAT of the outer VXLAN UDP packet (checksum 0, left to the NIC) writes a wrong checksum and the receiving node drops it: cross-node connections stall for seconds up to ~63 s (SYN retries) or time out. {exposure}',
      offloadFixedByDriver: 'TX checksum offload is on for VXLAN device {device} ({feature}: on). On kernels without fix ea64d8d6c675, NAT of the outer VXLAN UDP packet (checksum 0, left to the NIC) writes a wrong checksum and the receiving node drops it: cross-node connections stall for seconds up to ~63 s (SYN retries) or time out. {exposure} The driver marks it [fixed], so ethtool cannot turn it off: upgrade the kernel (fixed in 5.7 and the listed stable releases).',
      offloadFixWithheld: 'TX checksum offload is on for VXLAN device {device} ({feature}: on). On kernels without fix ea64d8d6c675, NAT of the outer VXLAN UDP packet (checksum 0, left to the NIC) writes a wrong checksum and the receiving node drops it: cross-node connections stall for seconds up to ~63 s (SYN retries) or time out. {exposure} {withheld}',
    },
  },
  *check({ document, node }) {
    const { model } = document;
    let exposure: Exposure | undefined;
    for (const { iface, device } of lastBlocks(model, document.path)) {
      if (!isVxlanDevice(device)) continue;
      const generic = feature(iface, 'tx-checksum-ip-generic');
      // ethtool before 3.4 only prints the group (`tx-checksumming`), and only knows `-K dev tx off`.
      const shown = generic ?? feature(iface, 'tx-checksumming');
      if (!shown || shown.state.value !== 'on') continue;
      if (changedOffLater(model, device, iface.header.end)) continue;
      exposure ??= vxlanExposure(node, 'warning');
      if (exposure.fixed) return;
      const arg = generic ? 'tx-checksum-ip-generic' : 'tx';
      const data = { device, feature: shown.name.value, exposure: exposure.text };
      const fixes: Fix[] = [];
      let finding: Finding<'offloadOn' | 'offloadFixedByDriver' | 'offloadFixWithheld'> = { span: shown.state.span, messageId: 'offloadOn', data };
      if (shown.fixed) {
        finding = { ...finding, messageId: 'offloadFixedByDriver' };
      } else {
        const g = offloadFix(`Turn off TX checksum offload on ${device} now and on every re-creation (ethtool + udev rule)`, device, arg);
        if ('fix' in g) fixes.push(g.fix);
        else finding = { ...finding, messageId: 'offloadFixWithheld', data: { ...data, withheld: g.withheld } };
      }
      finding = {
        ...finding,
        severity: exposure.severity,
        ...(exposure.related.length ? { related: exposure.related } : {}),
        ...(fixes.length ? { fixes } : {}),
      };
      yield finding;
    }
  },
});

/** The last block printed for each interface (a paste may show one before and after a change). */
function lastBlocks(model: EthtoolModel, path: string): { iface: EthtoolInterface; device: string }[] {
  const byName = new Map<string, EthtoolInterface>();
  for (const iface of model.interfaces) {
    const device = iface.name.value || commandBefore(model, iface.header.start) || deviceInFileName(path);
    if (device) byName.set(device, iface);
  }
  return [...byName.entries()].map(([device, iface]) => ({ iface, device }));
}

/** The interface of the last `ethtool -k IFACE` prompt line before `offset` (headerless pastes). */
function commandBefore(model: EthtoolModel, offset: number): string | undefined {
  let found: string | undefined;
  for (const n of model.notes) {
    if (n.kind === 'command' && n.action === 'show' && n.interface && n.text.span.end <= offset) found = n.interface.value;
  }
  return found;
}

function deviceInFileName(path: string): string | undefined {
  const base = path.split(/[\\/]/).pop() ?? '';
  return /(flannel\.\d+|vxlan\.calico|cilium_vxlan)/.exec(base)?.[1];
}

/** An `ethtool -K DEVICE ... off` report (`Actual changes:`) printed after the block: the paste shows the fix. */
function changedOffLater(model: EthtoolModel, device: string, after: number): boolean {
  return model.changes.some((c) => c.header.start >= after && c.interface?.value === device && c.features.some((f) => (f.canonical === 'tx-checksum-ip-generic' || f.canonical === 'tx-checksumming') && f.state.value === 'off'));
}
