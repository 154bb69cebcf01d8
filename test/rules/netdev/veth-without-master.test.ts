import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { readFixture } from '../../helpers/golden';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { capturedNode, mark } from './support';

const RULE = 'netdev/veth-without-master';
const opts = (variant: 'flannel-node' | 'mtu-mismatch') => ({ path: 'node/ip-d-link.txt', node: capturedNode(variant, 'node/ip-d-link.txt') });

describe(RULE, () => {
  it('fires on the captured pod veths left without a master (vethdeadbeef; veth5e6f7a8b after nomaster), not on eth0, cali*, or ports', () => {
    const text = readFixture('ip-link/mtu-mismatch-ip-d-link-real.txt');
    const annotated = mark(mark(text, '6: veth5e6f7a8b@if2', 'veth5e6f7a8b', RULE), '7: vethdeadbeef@if2', 'vethdeadbeef', RULE);
    const [a, b] = expectFindings([RULE], annotated, opts('mtu-mismatch'));
    expectMessage(a, 'noMaster', { veth: 'veth5e6f7a8b', bridge: 'cni0', ports: '1 port', where: 'node/ip-d-link.txt:9' });
    expectMessage(b, 'noMaster', { veth: 'vethdeadbeef' });
    const fix = a!.fixes[0] as CommandFix;
    assert.equal(fix.safe, false);
    assert.match(fix.review!, /if the pod is gone, delete the veth instead \(ip link delete veth5e6f7a8b\)/);
    assert.equal(scriptOf(fix), '# veth5e6f7a8b has no master; pods on this node are ports of cni0.\nip link set dev veth5e6f7a8b master cni0');
  });

  it('reads plain `ip link` too: a vethXXXX@ifN without master next to a bridge with ports', () => {
    const text = `4: cbr0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1460 qdisc noqueue state UP mode DEFAULT group default qlen 1000
    link/ether 0a:58:0a:f4:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0
    bridge forward_delay 1500
12: veth0c0ffee1@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1460 qdisc noqueue state UP mode DEFAULT group default
    ^^^^^^^^^^^^ ${RULE}
    link/ether 9a:00:00:00:00:0d brd ff:ff:ff:ff:ff:ff link-netnsid 3
`;
    const [r] = expectFindings([RULE], text, { path: 'node/ip-d-link.txt', node: [] });
    expectMessage(r, 'noMaster', { bridge: 'cbr0', ports: '0 ports' });
  });

  it('reads ip -j -d link JSON the same way (link_netnsid is the peer-elsewhere evidence)', () => {
    const text = readFixture('ip-link/flannel-node-ip-j-d-link-real.json');
    const [r] = expectFindings([RULE], mark(text, '"ifname":"vethdeadbeef"', 'vethdeadbeef', RULE), { path: 'node/ip-j-d-link.json', kind: 'ip-link', node: [] });
    expectMessage(r, 'noMaster', { veth: 'vethdeadbeef' });
  });

  it('does not fire without a CNI bridge (calico/cilium nodes route their veths), nor on same-namespace pairs', () => {
    const text = readFixture('ip-link/flannel-node-ip-d-link-real.txt');
    const withoutBridge = text.replace(/^4: cni0:[^\n]*\n(?: {4}[^\n]*\n)*/m, '').replace(/ master cni0/g, '');
    expectFindings([RULE], withoutBridge, { path: 'node/ip-d-link.txt', node: [] });
    const pair = `4: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT group default qlen 1000
    link/ether 0a:58:0a:f4:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0
    bridge forward_delay 1500
10: cilium_host@cilium_net: <BROADCAST,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000
    link/ether 5e:1c:00:00:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0
    veth addrgenmode eui64
`;
    expectFindings([RULE], pair, { path: 'node/ip-d-link.txt', node: [] });
  });

  it('does not fire on the healthy captured node beyond its one unattached veth', () => {
    const text = readFixture('ip-link/flannel-node-ip-d-link-real.txt');
    expectFindings([RULE], mark(text, '7: vethdeadbeef@if2', 'vethdeadbeef', RULE), opts('flannel-node'));
  });
});
