/**
 * ethtool features that matter for overlays (VXLAN, Geneve) and their offload bugs. Sources:
 * ethtool(8), kernel Documentation/networking/netdev-features.rst and checksum-offloads.rst,
 * flannel troubleshooting.md, kubernetes/kubernetes#88986.
 */
export const FEATURES: Readonly<Record<string, string>> = {
  'tx-checksum-ip-generic': 'The NIC (or, for a VXLAN device, the stack below it) computes TX checksums for any IP protocol. **On a VXLAN device (`flannel.1`) with a kernel before 5.7 (and the stable back-ports) this is the 63-second bug:** NAT rewrites the zero outer UDP checksum and receivers drop the packet. Fix: `ethtool -K flannel.1 tx-checksum-ip-generic off`.',
  'tx-checksumming': 'Group: TX checksum offload (`ethtool -K IFACE tx on|off` switches every tx-checksum-* feature).',
  'rx-checksumming': 'RX checksum verification offload (`rx`).',
  'tx-checksum-ipv4': 'TX checksum offload for TCP/UDP over IPv4 only.',
  'tx-checksum-ipv6': 'TX checksum offload for TCP/UDP over IPv6 only.',
  'scatter-gather': 'Group: transmit from scattered memory (`sg`); needed by TSO/GSO.',
  'tcp-segmentation-offload': 'Group: TSO — the device splits large TCP segments (`tso`).',
  'tx-tcp-segmentation': 'TSO for TCP over IPv4.',
  'tx-tcp6-segmentation': 'TSO for TCP over IPv6.',
  'generic-segmentation-offload': 'GSO: the stack segments large packets just before the driver (`gso`).',
  'generic-receive-offload': 'GRO: coalesce received packets before the stack (`gro`).',
  'large-receive-offload': 'LRO: hardware coalescing of received packets (`lro`); must be off on routers/bridges.',
  'tx-udp_tnl-segmentation': 'Segmentation offload for UDP-tunnel (VXLAN/Geneve) packets.',
  'tx-udp_tnl-csum-segmentation': 'Segmentation offload for UDP-tunnel packets with outer checksum.',
  'rx-udp_tunnel-port-offload': 'The NIC parses VXLAN/Geneve on known UDP ports (inner checksum/RSS offload).',
  'tx-udp-segmentation': 'UDP GSO (USO).',
  'rx-gro-list': 'GRO fraglist: forward GRO packets as lists.',
  'rx-udp-gro-forwarding': 'GRO for forwarded UDP traffic.',
  'tx-nocache-copy': 'Copy user data bypassing the cache on transmit.',
  'netns-local': 'The device cannot move between network namespaces.',
  'tx-lockless': 'The driver transmits without the netdev TX lock (virtual devices).',
};

export const ANNOTATIONS: Readonly<Record<string, string>> = {
  fixed: '`[fixed]`: the driver does not allow changing this feature; `ethtool -K` cannot turn it on or off.',
  'requested on': '`[requested on]`: someone asked for `on`, but a dependency keeps it off (e.g. TSO needs scatter-gather and TX checksums).',
  'requested off': '`[requested off]`: someone asked for `off`, but it stays on.',
  'not requested': '`[not requested]` (ethtool -K output): changed as a side effect of another change.',
};
