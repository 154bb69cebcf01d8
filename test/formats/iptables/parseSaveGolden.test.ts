/**
 * Golden renderings of every real iptables-save fixture: the whole model, each value with its
 * span as `line:col-line:col "text"` so a reviewer sees at once whether a position is exact.
 * Regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import { describe, it } from 'node:test';
import { readdirSync } from 'node:fs';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { FIXTURES, assertGolden, readFixture } from '../../helpers/golden';
import { renderSave } from './saveRender';

describe('iptables-save golden renderings', () => {
  const names = readdirSync(`${FIXTURES}/iptables`).filter((f) => f.endsWith('.txt')).sort();
  for (const f of names) {
    it(f, () => {
      const text = readFixture(`iptables/${f}`);
      assertGolden(`iptables-save/${f}.golden.txt`, renderSave(text, parseIptablesSave(text)));
    });
  }
});
