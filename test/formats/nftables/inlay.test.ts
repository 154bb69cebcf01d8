/** Inline notes on `numgen … vmap` elements: each endpoint's share, in every form nft prints. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseNftables } from '../../../server/src/formats/nftables';
import { FEATURES } from '../../../server/src/formats/featureTable';
import { nftablesInlayNotes } from '../../../server/src/formats/nftables/inlay';
import { readFixture } from '../../helpers/golden';

const EP4 = 'endpoint-8C3EF8H2-ns4/svc4/tcp/p80__10.180.0.4/80';
const EP5 = 'endpoint-C6C2E7FA-ns4/svc4/tcp/p80__10.180.0.5/80';

describe('nftables inlay notes', () => {
  it('is the format\'s inlayNotes feature', () => {
    assert.equal(FEATURES.nftables?.inlayNotes, nftablesInlayNotes);
  });

  for (const file of ['kube-proxy-ipv4.list.nft', 'kube-proxy-ipv4.a.nft', 'src/kube-proxy-ipv4.nft', 'kube-proxy-ipv4.json']) {
    it(`puts 50 % after each of svc4's two endpoints, 33.3 % after a three-endpoint Service's, nothing on single-endpoint Services (${file})`, () => {
      const text = readFixture(`nftables/${file}`);
      const notes = nftablesInlayNotes(parseNftables(text), { start: 0, end: text.length });
      assert.deepEqual(notes.map((n) => n.label), ['→ 50.0 %', '→ 50.0 %', '→ 33.3 %', '→ 33.3 %', '→ 33.3 %']);
      // Each note sits right after the endpoint chain's name (JSON: inside its string's span).
      const before = notes.map((n) => text.slice(Math.max(0, n.offset - EP4.length - 1), n.offset));
      assert.ok(before[0]!.includes(EP4.slice(0, 40)) || before[0]!.endsWith(EP4), before[0]);
      assert.ok(before[1]!.includes(EP5.slice(0, 40)) || before[1]!.endsWith(EP5), before[1]);
      assert.match(notes[0]!.tooltip!, /1 of the 2 values of `numgen random mod 2`/);
    });
  }

  it('counts ranges and offsets, and keeps to the requested range', () => {
    const text = 'table ip t {\n\tchain c {\n\t\tnumgen random mod 4 offset 10 vmap { 10-12 : goto a, 13 : goto b, 20 : goto z }\n\t}\n\tchain a {\n\t}\n\tchain b {\n\t}\n\tchain z {\n\t}\n}\n';
    const m = parseNftables(text);
    const notes = nftablesInlayNotes(m, { start: 0, end: text.length });
    assert.deepEqual(notes.map((n) => [text.slice(n.offset - 6, n.offset), n.label]), [
      ['goto a', '→ 75.0 %'],
      ['goto b', '→ 25.0 %'],
      ['goto z', '→ 0.0 %'],
    ]);
    const from = text.indexOf('goto b');
    assert.deepEqual(nftablesInlayNotes(m, { start: from, end: from + 6 }).map((n) => n.label), ['→ 25.0 %']);
    assert.deepEqual(nftablesInlayNotes(m, { start: text.indexOf('chain a'), end: text.length }), []);
  });

  it('says nothing for a jhash map or a single endpoint', () => {
    const text = 'table ip t {\n\tchain c {\n\t\tjhash ip saddr mod 2 vmap { 0 : goto a, 1 : goto b }\n\t\tnumgen random mod 1 vmap { 0 : goto a }\n\t}\n}\n';
    assert.deepEqual(nftablesInlayNotes(parseNftables(text), { start: 0, end: text.length }), []);
  });
});
