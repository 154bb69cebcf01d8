import type { ParseRulePage } from './pages';

/**
 * Parse problems of the iproute2 dumps (`ip link`, `ip addr`, `ip route`, `ip rule`,
 * `bridge link`): a syntax note and a size limit per kind, written once from this table.
 */
const MAN: Readonly<Record<string, string>> = {
  'ip-link': 'ip-link(8): https://man7.org/linux/man-pages/man8/ip-link.8.html',
  'ip-addr': 'ip-address(8): https://man7.org/linux/man-pages/man8/ip-address.8.html',
  'ip-route': 'ip-route(8): https://man7.org/linux/man-pages/man8/ip-route.8.html',
  'ip-rule': 'ip-rule(8): https://man7.org/linux/man-pages/man8/ip-rule.8.html',
  'bridge-link': 'bridge(8): https://man7.org/linux/man-pages/man8/bridge.8.html',
};

const KINDS: readonly { readonly kind: 'ip-link' | 'ip-addr' | 'ip-route' | 'ip-rule' | 'bridge-link'; readonly tool: string; readonly item: string; readonly fires: string; readonly passes: string }[] = [
  { kind: 'ip-link', tool: '`ip -d link`', item: 'an interface block', fires: 'root@node:~# ip -d link\n1: lo <LOOPBACK,UP>', passes: '3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0\n    vxlan id 1 local 192.168.56.10 dev eth0 dstport 8472 nolearning' },
  { kind: 'ip-addr', tool: '`ip -d addr`', item: 'an interface block with its addresses', fires: '$ ip addr\n2: eth0 <BROADCAST>', passes: '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n    inet 192.168.56.10/24 brd 192.168.56.255 scope global eth0' },
  { kind: 'ip-route', tool: '`ip route show table all`', item: 'a route', fires: 'Kernel IP routing table', passes: 'default via 192.168.56.1 dev eth0 proto dhcp src 192.168.56.10 metric 100\n10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink' },
  { kind: 'ip-rule', tool: '`ip rule`', item: 'a rule', fires: 'from all lookup main', passes: '0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default' },
  { kind: 'bridge-link', tool: '`bridge -d link`', item: 'a bridge port', fires: 'bridge link show dev cni0', passes: '5: veth1a2b3c4d@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 master cni0 state forwarding priority 32 cost 2\n    hairpin on guard off root_block off fastleave off learning on flood on' },
];

const LIMIT_WHY =
  'kube-netlint reads pastes of any size, but keeps memory bounded: past a fixed number of lines (or problems) the reader stops building the model and says so once, at the place it stopped, instead of silently dropping the rest or exhausting the editor.';

export const IPROUTE2_PARSE_PAGES: readonly ParseRulePage[] = KINDS.flatMap(({ kind, tool, item, fires, passes }): ParseRulePage[] => [
  {
    id: `parse/${kind}-limit`,
    title: `${kind} dump too large: reading stopped`,
    severity: 'info',
    reads: kind,
    summary: `The ${tool} reader stopped at its size or problem limit; the rest of the file was not read.`,
    why: LIMIT_WHY,
    fires: 'a multi-megabyte paste, or more than 1,000 unreadable lines',
    passes: `any real ${tool} output`,
    fix: 'Capture the one node again with `kube-netlint collect`, or trim the parts the question is not about.',
    ignore: 'When the part that was read is the part you care about.',
    references: [MAN[kind]!],
  },
  {
    id: `parse/${kind}-syntax`,
    title: `Line that is not part of ${kind} output`,
    severity: 'warning',
    reads: kind,
    summary: `A line is not ${item} as ${tool} prints it (a shell prompt, a header from another tool, a damaged line); it was not read, so rules do not see what it says.`,
    why: 'Rules about MTU, bridge ports, routes and policy rules work from what the reader understood; a line that was not read is not checked, so the reader says where it is.',
    fires,
    passes,
    fix: `Remove prompts and other tools' output from the paste, or capture to a file (${tool} > file, or \`kube-netlint collect\`).`,
    ignore: 'Notes typed into the file on purpose; turn the rule off for the file with `kubeNetlint.rules`.',
    references: [MAN[kind]!],
  },
]);
