import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, assertGolden, assertSpansInside, collectSpans, readFixture } from '../../helpers/golden';
import { parseIpvsadm } from '../../../server/src/formats/ipvsadm';
import { renderIpvsadm } from './render';

const files = readdirSync(join(FIXTURES, 'ipvsadm')).filter((f) => f.endsWith('.txt')).sort();

describe('ipvsadm golden renderings of real fixtures', () => {
  it('has all 17 real fixtures', () => {
    assert.equal(files.length, 17);
  });
  for (const f of files) {
    it(f, () => {
      const text = readFixture(`ipvsadm/${f}`);
      const m = parseIpvsadm(text);
      assertSpansInside(text, collectSpans(m));
      assertGolden(`ipvsadm/${f.replace(/\.txt$/, '.golden.txt')}`, renderIpvsadm(text, m));
    });
  }
});
