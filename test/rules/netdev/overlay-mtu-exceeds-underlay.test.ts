import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandFix } from '../../../server/src/rules/rule';
import { scriptOf } from '../../helpers/commandFix';
import { readFixture } from '../../helpers/golden';
import { expectFindings, expectMessage } from '../../helpers/ruleTester';
import { capturedNode, mark } from './support';

const RULE = 'netdev/overlay-mtu-exceeds-underlay';
const opts = (variant: 'flannel-node' | 'mtu-mismatch', node = capturedNode(variant, 'node/ip-d-link.txt')) => ({ path: 'node/ip-d-link.txt', node });

describe(RULE, () => {
  it('fires on the captured node whose underlay shrank to 1460 under flannel.1 (dev eth0) and on vxlan.calico at 1500 (default route device)', () => {
    const text = readFixture('ip-link/mtu-mismatch-ip-d-link-real.txt');
    const annotated = mark(mark(text, '3: flannel.1:', '1450', RULE), '9: vxlan.calico:', '1500', RULE);
    const [f, c] = expectFindings([RULE], annotated, opts('mtu-mismatch'));
    expectMessage(f, 'tooLarge', { kind: 'vxlan', device: 'flannel.1', mtu: 1450, overhead: 50, size: 1500, underlay: 'eth0', underlayMtu: 1460, fits: 1410 });
    assert.match(f!.message, /^vxlan device flannel\.1 has MTU 1450; with 50 bytes of encapsulation \(outer IPv4 20 \+ UDP 8 \+ VXLAN 8 \+ inner Ethernet 14\) its packets are 1500 bytes on eth0 \(the device it is bound to \(`dev`\)\), whose MTU is 1460 \(node\/ip-d-link\.txt:3\)\..* The largest MTU that fits is 1410\.$/);
    expectMessage(c, 'tooLarge', { device: 'vxlan.calico', mtu: 1500, size: 1550, underlay: 'eth0', basis: 'the interface holding its `local` address', underlayMtu: 1460 });
    assert.deepEqual(f!.related.map((r) => [r.document.path, r.document.text.slice(r.span.start, r.span.end)]), [['node/ip-d-link.txt', '1460']]);
  });

  it('offers the MTU change for review only (the CNI sets it), rendered from typed steps', () => {
    const text = readFixture('ip-link/mtu-mismatch-ip-d-link-real.txt');
    const annotated = mark(mark(text, '3: flannel.1:', '1450', RULE), '9: vxlan.calico:', '1500', RULE);
    const [f] = expectFindings([RULE], annotated, opts('mtu-mismatch'));
    const fix = f!.fixes[0] as CommandFix;
    assert.equal(fix.safe, false);
    assert.match(fix.review!, /The CNI sets this MTU/);
    assert.equal(scriptOf(fix), '# flannel.1: 1450 + 50 > 1460 (eth0); 1410 fits.\nip link set dev flannel.1 mtu 1410');
  });

  it('uses the default route device when the overlay names neither dev nor a local address held by an interface', () => {
    const text = `2: ens4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1460 qdisc mq state UP mode DEFAULT group default qlen 1000
    link/ether 42:01:0a:80:00:02 brd ff:ff:ff:ff:ff:ff promiscuity 0
3: flannel-wg: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
                                                   ^^^^ ${RULE}
    link/none  promiscuity 0
    wireguard addrgenmode none
`;
    const [r] = expectFindings([RULE], text, { path: 'node/ip-d-link.txt', node: [{ path: 'node/ip-route.txt', text: 'default via 10.128.0.1 dev ens4 proto dhcp metric 100\n' }] });
    expectMessage(r, 'tooLarge', { kind: 'wireguard', device: 'flannel-wg', mtu: 1420, overhead: 60, size: 1480, underlay: 'ens4', basis: "the default route's device", underlayMtu: 1460 });
  });

  it('does not fire on the healthy captured node, without an underlay MTU, or on non-overlay devices', () => {
    expectFindings([RULE], readFixture('ip-link/flannel-node-ip-d-link-real.txt'), opts('flannel-node'));
    // No route, no addresses: the underlay is unknown, so nothing is claimed.
    expectFindings([RULE], readFixture('ip-link/mtu-mismatch-ip-d-link-real.txt').replace(/ dev eth0 /, ' '), { path: 'node/ip-d-link.txt', node: [] });
    // Plain `ip link` has no kinds: overlays cannot be told apart.
    expectFindings([RULE], readFixture('ip-link/flannel-node-ip-link-no-d-real.txt').replace('mtu 1450', 'mtu 1500'), opts('mtu-mismatch'));
  });
});
