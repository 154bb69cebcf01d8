import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../../server/src/node/document';
import { createSnapshot } from '../../../server/src/node/snapshot';
import { underlayOf } from '../../../server/src/node/links';
import { capturedNode } from './support';

const snapshotOf = (files: { path: string; text: string }[]) => createSnapshot('node', files.map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text })), {});

describe('node facts from the iproute2 dumps (node/links.ts)', () => {
  it('interfaces with MTU and kind, node addresses, the default route device and pod CIDR routes of the captured node', () => {
    const links = snapshotOf(capturedNode('flannel-node', 'none')).facts.links!;
    const i = links.interfaces!;
    assert.deepEqual(['eth0', 'flannel.1', 'cni0', 'veth1a2b3c4d'].map((n) => [n, i.get(n)?.mtu, i.get(n)?.kind, i.get(n)?.master]), [
      ['eth0', 1500, 'veth', undefined],
      ['flannel.1', 1450, 'vxlan', undefined],
      ['cni0', 1450, 'bridge', undefined],
      ['veth1a2b3c4d', 1450, 'veth', 'cni0'],
    ]);
    assert.equal(i.get('flannel.1')?.lower, 'eth0');
    assert.equal(i.get('flannel.1')?.local, '192.168.56.10');
    assert.deepEqual(links.nodeAddresses!.map((a) => `${a.iface} ${a.cidr}`), ['eth0 192.168.56.10/24', 'eth0 fd00:56::10/64', 'flannel.1 10.244.0.0/32', 'cni0 10.244.0.1/24']);
    assert.equal(links.defaultRoute?.device, 'eth0');
    assert.equal(links.defaultRoute?.document.path, 'node/ip-route.txt');
    assert.deepEqual(links.podCidrRoutes!.map((r) => `${r.destination} ${r.device}`), ['10.244.0.0/24 cni0', '10.244.0.77 cali0123456789', '10.244.1.0/24 flannel.1', '10.244.2.0/24 flannel.1']);
    assert.deepEqual(underlayOf(links, i.get('flannel.1')!) && { name: underlayOf(links, i.get('flannel.1')!)!.iface.name, basis: underlayOf(links, i.get('flannel.1')!)!.basis }, { name: 'eth0', basis: 'dev' });
  });

  it("an overlay's blanked-out `local` (x.x.x.x) names no interface: the underlay comes from the default route, not from the first blanked address", () => {
    const link = {
      path: 'node/ip-d-link.txt',
      text:
        '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9001 qdisc mq state UP mode DEFAULT group default qlen 1000\n    link/ether 0a:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n' +
        '3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc mq state UP mode DEFAULT group default qlen 1000\n    link/ether 0a:00:00:00:00:02 brd ff:ff:ff:ff:ff:ff\n' +
        '4: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 8951 qdisc noqueue state UNKNOWN mode DEFAULT group default\n    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0\n    vxlan id 1 local x.x.x.x dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx\n',
    };
    const addr = { path: 'node/ip-addr.txt', text: '3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc mq state UP group default qlen 1000\n    inet x.x.x.x/24 brd x.x.x.255 scope global eth1\n' };
    const route = { path: 'node/ip-route.txt', text: 'default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.5 metric 100\n' };
    const links = snapshotOf([link, addr, route]).facts.links!;
    const flannel = links.interfaces!.get('flannel.1')!;
    assert.equal(flannel.local, undefined);
    assert.deepEqual({ name: underlayOf(links, flannel)?.iface.name, basis: underlayOf(links, flannel)?.basis }, { name: 'eth0', basis: 'default-route' });
  });

  it('plain ip link fills interfaces; ip -d details win when both are present; nothing when there are no iproute2 dumps', () => {
    const plain = { path: 'node/ip-link.txt', text: '3: flannel.1: <UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default\n    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n' };
    assert.equal(snapshotOf([plain]).facts.links!.interfaces!.get('flannel.1')?.kind, undefined);
    const both = snapshotOf([plain, ...capturedNode('flannel-node', 'none')]).facts.links!;
    assert.equal(both.interfaces!.get('flannel.1')?.kind, 'vxlan');
    // Folder order puts ip-d-addr.txt first; the link dump is still the one cited.
    const reversed = snapshotOf([...capturedNode('flannel-node', 'none')].reverse()).facts.links!;
    assert.equal(reversed.interfaces!.get('eth0')?.document.path, 'node/ip-d-link.txt');
    assert.equal(snapshotOf([{ path: 'node/sysctl.txt', text: 'net.ipv4.ip_forward = 1\n' }]).facts.links, undefined);
  });
});
