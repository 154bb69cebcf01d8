import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findLink, isOverlay, linkAttr, overlayLowerDevice, parseIpLink } from '../../../server/src/formats/ip-link';
import { readFixture } from '../../helpers/golden';
import { assertExact, assertFast, assertTotal, fixtureNames, goldenFor } from './support';

const VXLAN = `3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000
    link/ether 2e:7f:00:00:00:01 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 
    vxlan id 1 local 192.168.56.10 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum addrgenmode eui64 numtxqueues 1
`;

describe('ip link parser: specification', () => {
  it('reads the header, the link line and the vxlan details with exact spans', () => {
    const m = parseIpLink(VXLAN);
    assert.deepEqual(m.problems, []);
    assert.equal(m.variant, 'ip');
    const l = m.links[0]!;
    assert.equal(l.index?.value, 3);
    assert.equal(l.name.value, 'flannel.1');
    assert.deepEqual(l.flags.map((f) => f.value), ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']);
    assert.equal(l.mtu?.value, 1450);
    assert.equal(l.state?.value, 'UNKNOWN');
    assert.equal(l.linkType?.value, 'ether');
    assert.equal(l.address?.value, '2e:7f:00:00:00:01');
    assert.equal(l.kind?.value, 'vxlan');
    assert.ok(isOverlay(l));
    assert.equal(overlayLowerDevice(l)?.value?.value, 'eth0');
    assert.equal(linkAttr(l, 'kind', 'dstport')?.value?.value, '8472');
    const src = linkAttr(l, 'kind', 'srcport')!;
    assert.deepEqual([src.value?.value, src.value2?.value], ['0', '0']);
    // Keywords take no value: `nolearning` is followed by `ttl auto`, not swallowing it.
    assert.equal(linkAttr(l, 'kind', 'nolearning')?.value, undefined);
    assert.equal(linkAttr(l, 'kind', 'ttl')?.value?.value, 'auto');
    assert.equal(linkAttr(l, 'link', 'promiscuity')?.value?.value, '0');
    assert.equal(VXLAN.slice(l.span.start, l.span.end).split('\n').length, 3);
    assertExact(VXLAN, m);
  });

  it('reads a bridge port: master, the veth peer in another namespace, bridge_slave with hairpin on', () => {
    const text = readFixture('ip-link/flannel-node-ip-d-link-real.txt');
    const m = parseIpLink(text);
    const v = findLink(m, 'veth1a2b3c4d')!;
    assert.equal(v.peer?.value, 'if2');
    assert.equal(v.master?.value, 'cni0');
    assert.equal(v.kind?.value, 'veth');
    assert.equal(v.slaveKind?.value, 'bridge_slave');
    assert.equal(linkAttr(v, 'slave', 'hairpin')?.value?.value, 'on');
    assert.equal(linkAttr(v, 'slave', 'learning')?.value?.value, 'on');
    assert.equal(linkAttr(v, 'slave', 'neigh_suppress')?.value?.value, 'off');
    assert.equal(linkAttr(findLink(m, 'veth5e6f7a8b')!, 'slave', 'hairpin')?.value?.value, 'off');
    assert.equal(findLink(m, 'cni0')?.kind?.value, 'bridge');
    assert.equal(findLink(m, 'lo')?.kind, undefined, 'lo has no kind: its details sit on the link/ line');
    assert.equal(findLink(m, 'vethdeadbeef')?.master, undefined);
    assert.deepEqual(m.links.map((l) => l.name.value), ['lo', 'eth0', 'flannel.1', 'cni0', 'veth1a2b3c4d', 'veth5e6f7a8b', 'vethdeadbeef', 'cali0123456789']);
  });

  it('reads `ip link` without -d (no kinds) and `ip -j -d link` JSON to the same names, MTUs and masters', () => {
    const plain = parseIpLink(readFixture('ip-link/flannel-node-ip-link-no-d-real.txt'));
    const json = parseIpLink(readFixture('ip-link/flannel-node-ip-j-d-link-real.json'));
    const detail = parseIpLink(readFixture('ip-link/flannel-node-ip-d-link-real.txt'));
    const view = (m: typeof plain) => m.links.map((l) => [l.name.value, l.mtu?.value, l.master?.value]);
    assert.deepEqual(view(plain), view(detail));
    assert.deepEqual(view(json), view(detail));
    assert.equal(json.variant, 'json');
    assert.deepEqual(json.problems, []);
    assert.ok(plain.links.every((l) => l.kind === undefined));
    const jf = findLink(json, 'flannel.1')!;
    assert.equal(jf.kind?.value, 'vxlan');
    assert.equal(overlayLowerDevice(jf)?.value?.value, 'eth0');
    assert.equal(linkAttr(findLink(json, 'veth1a2b3c4d')!, 'slave', 'hairpin')?.value?.value, 'on');
    const jtext = readFixture('ip-link/flannel-node-ip-j-d-link-real.json');
    for (const l of json.links) {
      assert.equal(jtext.slice(l.name.span.start, l.name.span.end), l.name.value);
      if (l.mtu) assert.equal(jtext.slice(l.mtu.span.start, l.mtu.span.end), String(l.mtu.value));
    }
  });

  it('reads old iproute2 (no mode, no -d) and both ifconfig spellings as far as they go', () => {
    const old = parseIpLink('2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP qlen 1000\n    link/ether 00:16:3e:00:00:01 brd ff:ff:ff:ff:ff:ff\n');
    assert.deepEqual([old.links[0]!.name.value, old.links[0]!.mtu?.value, old.problems.length], ['eth0', 1500, 0]);
    const ifc = 'eth0      Link encap:Ethernet  HWaddr 52:54:00:12:34:56\n          inet addr:192.168.56.10  Bcast:192.168.56.255  Mask:255.255.255.0\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n          RX packets:10 errors:0\n\nflannel.1 Link encap:Ethernet  HWaddr 2e:7f:00:00:00:01\n          UP BROADCAST RUNNING MULTICAST  MTU:1450  Metric:1\n';
    const a = parseIpLink(ifc);
    assert.equal(a.variant, 'ifconfig');
    assert.deepEqual(a.links.map((l) => [l.name.value, l.mtu?.value, l.addresses.map((x) => x.cidr.value)]), [['eth0', 1500, ['192.168.56.10']], ['flannel.1', 1450, []]]);
    assert.deepEqual(a.problems, []);
    const ifn = 'cni0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1450\n        inet 10.244.0.1  netmask 255.255.255.0  broadcast 10.244.0.255\n        ether 0a:58:0a:f4:00:01  txqueuelen 1000  (Ethernet)\n';
    const b = parseIpLink(ifn);
    assert.deepEqual(b.links.map((l) => [l.name.value, l.mtu?.value, l.flags.map((f) => f.value).join(',')]), [['cni0', 1450, 'UP,BROADCAST,RUNNING,MULTICAST']]);
    assert.equal(ifn.slice(b.links[0]!.mtu!.span.start, b.links[0]!.mtu!.span.end), '1450');
  });

  it('reads around a shell prompt (paste note), reports stray and damaged lines on their text and keeps reading', () => {
    const text = 'root@node:~# ip -d link\n7: broken\n' + VXLAN + '\u0000\u0001garbage\n';
    const m = parseIpLink(text);
    // The prompt is read around by the shared paste layer (one note); the damaged lines are this reader's.
    assert.deepEqual(m.problems.map((p) => [p.code, text.slice(p.span.start, p.span.end)]), [
      ['parse/paste', 'root@node:~# ip -d link'],
      ['parse/ip-link-syntax', '7: broken'],
      ['parse/ip-link-syntax', '\u0000\u0001garbage'],
    ]);
    assert.equal(m.links.length, 1);
    const bad = parseIpLink('[{"ifname": ');
    assert.equal(bad.variant, 'json');
    assert.equal(bad.problems[0]!.code, 'parse/ip-link-syntax');
  });

  it('reads a TAB-indented issue paste with a prompt as if it were not indented', () => {
    const text = `\t$ ip -d link show flannel.1\n${VXLAN.split('\n').map((l) => (l ? `\t${l}` : l)).join('\n')}`;
    const m = parseIpLink(text);
    assert.equal(m.links.length, 1);
    assert.equal(m.links[0]!.kind?.value, 'vxlan');
    assert.equal(linkAttr(m.links[0]!, 'kind', 'dev')?.value?.value, 'eth0');
    assert.ok(m.problems.every((p) => p.code === 'parse/paste'), m.problems.map((p) => p.message).join('; '));
    assertExact(text, m);
  });

  it('handles empty and CRLF input, bounds problems and stays fast on pathological lines', () => {
    assert.deepEqual(parseIpLink(''), { variant: 'ip', links: [], problems: [] });
    const crlf = VXLAN.replace(/\n/g, '\r\n');
    const c = parseIpLink(crlf);
    assert.equal(c.links[0]!.kind?.value, 'vxlan');
    assertExact(crlf, c);
    const m = parseIpLink('garbage\n'.repeat(3000));
    assert.equal(m.problems.length, 1001);
    assert.equal(m.problems[1000]!.code, 'parse/ip-link-limit');
    assertFast(parseIpLink, ['1: a: <' + 'B,'.repeat(500_000) + '> mtu 1', '1: a: <X> ' + 'mtu '.repeat(500_000), '    ' + 'x '.repeat(1_000_000), 'eth0 Link encap:' + ' '.repeat(100_000), '[' + '{"ifname":"a"},'.repeat(100_000) + '{}]', '['.repeat(200_000)]);
  });

  it('never throws, keeps every span inside the text (text values exact) under random mutations of the real dumps (text, JSON)', () => {
    assertTotal('ip-link', parseIpLink, ['\n', '1: ', ': <UP>', ' mtu ', '    vxlan ', 'bridge_slave ', ' hairpin ', '@', '\r\n', '\t', '{', '"ifname"', '\u0000'], (m) => (m as { variant: string }).variant === 'ip');
  });
});

describe('ip link parser: fixtures (golden)', () => {
  for (const name of fixtureNames('ip-link')) it(`renders ${name}`, () => goldenFor('ip-link', name, parseIpLink));
});
