import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeLinkHover, bridgeLinkOutline, parseBridgeLink } from '../../../server/src/formats/bridge-link';
import { readFixture } from '../../helpers/golden';
import { assertExact, assertFast, assertTotal, fixtureNames, goldenFor } from '../ip-link/support';

describe('bridge link parser: specification', () => {
  it('reads ports with master, STP state and hairpin from -d', () => {
    const text = readFixture('bridge-link/flannel-node-bridge-d-link-real.txt');
    const m = parseBridgeLink(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.ports.map((p) => [p.name.value, p.peer?.value, p.master?.value, p.state?.value, p.mtu?.value, p.hairpin?.value]), [
      ['veth1a2b3c4d', 'eth0', 'cni0', 'forwarding', 1450, 'on'],
      ['veth5e6f7a8b', 'eth0', 'cni0', 'forwarding', 1450, 'off'],
    ]);
    assertExact(text, m);
  });

  it('reads ports without -d (no hairpin known) and reports stray lines', () => {
    const m = parseBridgeLink(readFixture('bridge-link/flannel-node-bridge-link-no-d-real.txt'));
    assert.deepEqual(m.ports.map((p) => [p.name.value, p.hairpin]), [['veth1a2b3c4d', undefined], ['veth5e6f7a8b', undefined]]);
    assert.deepEqual(parseBridgeLink('bridge link show dev cni0\n').problems.map((p) => p.code), ['parse/bridge-link-syntax']);
    assert.deepEqual(parseBridgeLink('$ bridge link\n').problems.map((p) => p.code), ['parse/paste']);
  });

  it('hovers hairpin and the port state, outlines ports by bridge', () => {
    const text = readFixture('bridge-link/flannel-node-bridge-d-link-real.txt');
    const m = parseBridgeLink(text);
    assert.match(bridgeLinkHover(m, text.indexOf('hairpin on') + 1)!.markdown, /Hairpin mode/);
    assert.match(bridgeLinkHover(m, text.indexOf('forwarding') + 1)!.markdown, /The port forwards traffic/);
    assert.deepEqual(bridgeLinkOutline(m).map((n) => [n.name, n.children!.map((c) => c.detail)]), [['cni0', ['hairpin on · forwarding', 'hairpin off · forwarding']]]);
  });

  it('is total, bounded and fast', () => {
    assert.deepEqual(parseBridgeLink(''), { ports: [], problems: [] });
    assertFast(parseBridgeLink, ['5: a: <' + 'X,'.repeat(500_000) + '>', '    ' + 'hairpin '.repeat(500_000)]);
    assertTotal('bridge-link', parseBridgeLink, ['\n', '5: ', ': <UP>', ' master ', '    hairpin ', ' on', '\r\n', '\u0000']);
  });
});

describe('bridge link parser: fixtures (golden)', () => {
  for (const name of fixtureNames('bridge-link')) it(`renders ${name}`, () => goldenFor('bridge-link', name, parseBridgeLink));
});
