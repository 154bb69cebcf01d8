import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attr, hasFlag } from '../../../server/src/formats/ip-link';
import { ipRouteHover, ipRouteOutline, parseIpRoute } from '../../../server/src/formats/ip-route';
import { readFixture } from '../../helpers/golden';
import { assertExact, assertFast, assertTotal, fixtureNames, goldenFor } from '../ip-link/support';

describe('ip route parser: specification', () => {
  it('reads `table all`: main routes without `table`, other tables, local/broadcast types, IPv6', () => {
    const text = readFixture('ip-route/flannel-node-ip-route-table-all-real.txt');
    const m = parseIpRoute(text);
    assert.deepEqual(m.problems, []);
    const def = m.routes.find((r) => r.destination.value === 'default' && r.table === 'main' && r.family === 4)!;
    assert.equal(attr(def.attrs, 'dev')?.value?.value, 'eth0');
    assert.equal(attr(def.attrs, 'proto')?.value?.value, 'dhcp');
    assert.equal(attr(def.attrs, 'metric')?.value?.value, '100');
    const overlay = m.routes.find((r) => r.destination.value === '10.244.1.0/24')!;
    assert.ok(hasFlag(overlay.attrs, 'onlink'));
    assert.equal(attr(overlay.attrs, 'via')?.value?.value, '10.244.1.0');
    const t200 = m.routes.find((r) => r.table === '200')!;
    assert.equal(t200.destination.value, 'default');
    const local = m.routes.find((r) => r.type?.value === 'local' && r.destination.value === '10.244.0.1')!;
    assert.equal(local.table, 'local');
    assert.equal(m.routes.find((r) => r.destination.value === 'default' && r.family === 6)?.table, 'main');
    assert.deepEqual([...new Set(m.routes.map((r) => r.table))], ['100', '200', 'main', 'local']);
    assertExact(text, m);
  });

  it('reads multipath nexthops, blackhole and unreachable routes; reports stray lines', () => {
    const text = 'default proto bird metric 20\n\tnexthop via 10.0.0.1 dev eth0 weight 1\n\tnexthop via 10.0.0.2 dev eth1 weight 1\nblackhole 10.244.0.0/26 proto bird\nunreachable 10.9.0.0/16\nKernel IP routing table\n';
    const m = parseIpRoute(text);
    assert.deepEqual(m.routes.map((r) => [r.type?.value, r.destination.value, r.nexthops.length]), [[undefined, 'default', 2], ['blackhole', '10.244.0.0/26', 0], ['unreachable', '10.9.0.0/16', 0]]);
    assert.equal(attr(m.routes[0]!.nexthops[1]!.attrs, 'dev')?.value?.value, 'eth1');
    assert.equal(text.slice(m.routes[0]!.span.start, m.routes[0]!.span.end).split('\n').length, 3);
    assert.deepEqual(m.problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]), [['parse/ip-route-syntax', 'Kernel IP routing table']]);
  });

  it('reads a route whose destination was blanked out before the paste was shared, with one parse/redacted note', () => {
    const text = 'default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.5 metric 100\nx.x.x.0/24 dev eth0 proto kernel scope link src x.x.x.x\nfd00::xxxx/64 dev eth0 proto kernel metric 256\n10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink\n';
    const m = parseIpRoute(text);
    assert.deepEqual(m.routes.map((r) => [r.destination.value, r.family]), [['default', 4], ['x.x.x.0/24', 4], ['fd00::xxxx/64', 6], ['10.244.0.0/24', 4]]);
    assert.deepEqual(m.problems.map((p) => [p.code, p.severity, text.slice(p.span.start, p.span.end)]), [['parse/redacted', 'info', 'x.x.x.0/24']]);
    assert.match(m.problems[0]!.message, /^2 values are blanked out/);
    // Anything else that is no destination is still a stray line.
    assert.deepEqual(parseIpRoute('bogus dev eth0\n').problems.map((p) => p.code), ['parse/ip-route-syntax']);
  });

  it('hovers route words and outlines routes by table', () => {
    const text = readFixture('ip-route/flannel-node-ip-route-table-all-real.txt');
    const m = parseIpRoute(text);
    const i = text.indexOf('onlink');
    assert.match(ipRouteHover(m, i + 1)!.markdown, /`onlink`\*\*: The gateway is on this link/);
    assert.match(ipRouteHover(m, text.indexOf('default via 192.168.56.1') + 1)!.markdown, /underlay interface.*IPv4 · table `main`/);
    assert.deepEqual(ipRouteOutline(m).map((n) => [n.name, n.detail]), [['table 100 (IPv4)', '1 routes'], ['table 200 (IPv4)', '1 routes'], ['table main (IPv4)', '6 routes'], ['table local (IPv4)', '8 routes'], ['table main (IPv6)', '9 routes'], ['table local (IPv6)', '9 routes']]);
  });

  it('is total, bounded and fast', () => {
    assert.deepEqual(parseIpRoute(''), { routes: [], problems: [] });
    const m = parseIpRoute('x\n'.repeat(2000));
    assert.equal(m.problems[1000]!.code, 'parse/ip-route-limit');
    assertFast(parseIpRoute, ['default ' + 'via '.repeat(500_000), '1'.repeat(1_000_000), '\tnexthop '.repeat(100_000)]);
    assertTotal('ip-route', parseIpRoute, ['\n', 'default ', ' via ', ' dev ', ' table ', 'local ', '\tnexthop ', '/24', '\r\n', '\u0000']);
  });
});

describe('ip route parser: fixtures (golden)', () => {
  for (const name of fixtureNames('ip-route')) it(`renders ${name}`, () => goldenFor('ip-route', name, parseIpRoute));
});
