/**
 * Golden renderings of every nftables fixture captured from the kernel (test/fixtures/nftables,
 * made by make-fixtures.sh): every span of the model, shown with its text, for the listing
 * (`nft list`, `nft -a list`, `nft list table`), the script form kube-proxy writes, and `nft -j`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parseNftables } from '../../../server/src/formats/nftables';
import { FIXTURES, assertGolden, assertSpansInside, collectSpans, readFixture } from '../../helpers/golden';
import { renderNftables } from './render';

export const NFT_FIXTURES = [
  ...readdirSync(`${FIXTURES}/nftables`).filter((f) => /\.(?:nft|json)$/.test(f)),
  ...readdirSync(`${FIXTURES}/nftables/src`).filter((f) => f.endsWith('.nft')).map((f) => `src/${f}`),
].sort();

describe('nftables golden renderings', () => {
  it('has fixtures of every form', () => {
    for (const form of ['.list.nft', '.a.nft', '.json', '.table.nft', 'src/']) assert.ok(NFT_FIXTURES.some((f) => f.includes(form)), form);
  });
  for (const f of NFT_FIXTURES) {
    it(f, () => {
      const text = readFixture(`nftables/${f}`);
      const m = parseNftables(text);
      assert.deepEqual(m.problems, [], 'fixtures the kernel printed or accepted read without problems');
      assertSpansInside(text, collectSpans(m));
      assertGolden(`nftables/${f.replace('/', '-')}.golden.txt`, renderNftables(text, m));
    });
  }
});
