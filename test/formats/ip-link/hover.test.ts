import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURES } from '../../../server/src/formats/featureTable';
import { parseIpLink } from '../../../server/src/formats/ip-link';
import { ipAddrHover, parseIpAddr } from '../../../server/src/formats/ip-addr';
import { ipLinkHover, ipLinkOutline } from '../../../server/src/formats/ip-link/hover';
import { readFixture } from '../../helpers/golden';

const text = readFixture('ip-link/flannel-node-ip-d-link-real.txt');
const model = parseIpLink(text);
const hoverAt = (needle: string, nth = 0, delta = 1) => {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, needle);
  const h = ipLinkHover(model, at + delta)!;
  assert.ok(h, `no hover at ${needle}`);
  return { word: text.slice(h.span.start, h.span.end), md: h.markdown };
};

describe('ip link editor features', () => {
  it('explains hairpin, mtu of an overlay with the underlay it needs, master, dstport and the vxlan kind', () => {
    const hp = hoverAt('hairpin on');
    assert.equal(hp.word, 'hairpin');
    assert.match(hp.md, /Hairpin mode .*hairpin-veth/);
    const mtu = hoverAt('mtu 1450', 0);
    assert.equal(mtu.word, 'mtu');
    assert.match(mtu.md, /As a vxlan device it adds 50 bytes .* underlay \(`eth0`\) needs an MTU of at least 1500/);
    assert.match(hoverAt('master cni0').md, /bridge \(`cni0`, `docker0`\)/);
    assert.match(hoverAt('dstport 8472').md, /8472 \(Linux and flannel default\)/);
    assert.match(hoverAt('    vxlan id', 0, 5).md, /^\*\*kind `vxlan`\*\*/);
    assert.match(hoverAt('LOWER_UP').md, /carrier/);
    assert.match(hoverAt('veth1a2b3c4d@if2', 0, 2).md, /kind veth · MTU 1450 · port of cni0 · hairpin on/);
    assert.match(hoverAt('@if2', 0, 2).md, /another network namespace/);
    assert.equal(ipLinkHover(model, text.length + 5), undefined);
  });

  it('outlines interfaces with kind, MTU and master, and is the ip-link entry of the feature table', () => {
    const o = ipLinkOutline(model);
    assert.deepEqual(o.slice(2, 5).map((n) => [n.name, n.detail]), [
      ['flannel.1', 'vxlan · mtu 1450'],
      ['cni0', 'bridge · mtu 1450'],
      ['veth1a2b3c4d', 'veth · mtu 1450 · master cni0'],
    ]);
    assert.equal(FEATURES['ip-link']?.outline, ipLinkOutline);
  });

  it('hovers and outlines addresses in ip addr', () => {
    const at = readFixture('ip-addr/flannel-node-ip-d-addr-real.txt');
    const m = parseIpAddr(at);
    const i = at.indexOf('10.244.0.1/24');
    assert.match(ipAddrHover(m, i + 2)!.markdown, /IPv4 address\*\* `10\.244\.0\.1\/24` on `cni0`/);
    const s = at.indexOf('scope global', i);
    assert.match(ipAddrHover(m, s + 1)!.markdown, /`scope`\*\* = `global`: Address scope/);
    const cni = FEATURES['ip-addr']!.outline!(m).find((n) => n.name === 'cni0')!;
    assert.deepEqual(cni.children!.map((c) => c.name), ['10.244.0.1/24', 'fe80::858:aff:fef4:1/64']);
  });
});
