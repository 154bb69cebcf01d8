import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpAddr } from '../../../server/src/formats/ip-addr';
import { attr, findLink } from '../../../server/src/formats/ip-link';
import { readFixture } from '../../helpers/golden';
import { assertExact, assertTotal, fixtureNames, goldenFor } from '../ip-link/support';

describe('ip addr parser: specification', () => {
  it('reads inet and inet6 lines with their flags, label and lifetimes under their interface', () => {
    const text = readFixture('ip-addr/flannel-node-ip-d-addr-real.txt');
    const m = parseIpAddr(text);
    assert.deepEqual(m.problems, []);
    const eth0 = findLink(m, 'eth0')!;
    assert.deepEqual(eth0.addresses.map((a) => [a.family.value, a.cidr.value]), [['inet', '192.168.56.10/24'], ['inet6', 'fd00:56::10/64'], ['inet6', 'fe80::5054:ff:fe12:3456/64']]);
    const v4 = eth0.addresses[0]!;
    assert.equal(attr(v4.attrs, 'scope')?.value?.value, 'global');
    assert.deepEqual(v4.attrs.filter((a) => !a.value).map((a) => a.key.value), ['eth0'], 'the label is a keyword');
    assert.equal(attr(v4.attrs, 'valid_lft')?.value?.value, 'forever');
    assert.equal(text.slice(v4.span.start, v4.span.end).split('\n').length, 2, 'the lifetime line belongs to the address');
    assert.equal(findLink(m, 'flannel.1')?.kind?.value, 'vxlan');
    assertExact(text, m);
  });

  it('reads a dynamic address with brd and secondary flags, and reports its own code', () => {
    const text = '2: ens4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1460 qdisc mq state UP group default qlen 1000\n    link/ether 42:01:0a:80:00:02 brd ff:ff:ff:ff:ff:ff\n    inet 10.128.0.2/32 brd 10.128.0.2 scope global dynamic ens4\n       valid_lft 3066sec preferred_lft 3066sec\n    inet 10.128.0.9/32 scope global secondary ens4:1\nnonsense\n';
    const m = parseIpAddr(text);
    const [a, b] = findLink(m, 'ens4')!.addresses;
    assert.equal(attr(a!.attrs, 'brd')?.value?.value, '10.128.0.2');
    assert.deepEqual(a!.attrs.filter((x) => !x.value).map((x) => x.key.value), ['dynamic', 'ens4']);
    assert.deepEqual(b!.attrs.filter((x) => !x.value).map((x) => x.key.value), ['secondary', 'ens4:1']);
    assert.deepEqual(m.problems.map((p) => p.code), ['parse/ip-addr-syntax']);
    assertExact(text, m);
  });

  it('never throws and keeps spans exact under random mutations', () => {
    assertTotal('ip-addr', parseIpAddr, ['\n', '    inet ', '    inet6 ', '/24', ' scope ', '       valid_lft ', '2: x: <UP>', '\r\n', '\u0000'], (m) => (m as { variant: string }).variant === 'ip');
  });
});

describe('ip addr parser: fixtures (golden)', () => {
  for (const name of fixtureNames('ip-addr')) it(`renders ${name}`, () => goldenFor('ip-addr', name, parseIpAddr));
});
