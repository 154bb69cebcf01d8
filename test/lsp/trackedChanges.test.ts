import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineIndex } from '../../server/src/core/lineIndex';
import { applyTracked, diffChange, isRanged, merge } from '../../server/src/lsp/trackedChanges';
import { rangedArb, referenceApply, textArb } from '../helpers/contentChanges';

describe('applyTracked (ranged LSP changes applied as strings, with the line index edited and the change tracked)', () => {
  it('gives exactly what TextDocument.update gives, a line index equal to a fresh one, and one change covering the batches', () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.array(rangedArb, { maxLength: 6 }), { maxLength: 5 }), (text, batches) => {
        let current = text;
        let lines = new LineIndex(text);
        void lines.lineCount;
        let change;
        for (const batch of batches) {
          assert.ok(batch.every(isRanged));
          const r = applyTracked(current, lines, batch, change);
          assert.equal(r.text, referenceApply(current, batch));
          current = r.text;
          lines = r.lines;
          change = r.change;
        }
        const fresh = new LineIndex(current);
        assert.equal(lines.lineCount, fresh.lineCount);
        for (let l = 0; l < fresh.lineCount; l++) assert.equal(lines.lineStart(l), fresh.lineStart(l));
        if (change) {
          // Outside the change both texts are the same: text[0, start) and text[oldEnd..] = current[newEnd..].
          assert.ok(change.start <= change.oldEnd && change.start <= change.newEnd);
          assert.equal(current.slice(0, change.start), text.slice(0, change.start));
          assert.equal(current.slice(change.newEnd), text.slice(change.oldEnd));
          assert.equal(current.length - text.length, change.newEnd - change.oldEnd);
        }
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});

describe('diffChange and merge (one change for a long batch, and two changes as one)', () => {
  it('leaves out exactly a common start and end, and merging keeps the outside of both changes equal', () => {
    fc.assert(
      fc.property(textArb, textArb, textArb, (a, b, c) => {
        const d = diffChange(a, b);
        assert.equal(b.slice(0, d.start), a.slice(0, d.start));
        assert.equal(b.slice(d.newEnd), a.slice(d.oldEnd));
        assert.ok(d.start <= d.oldEnd && d.start <= d.newEnd);
        const e = diffChange(b, c);
        const m = merge(d, e.start, e.oldEnd, e.newEnd - e.start);
        assert.equal(c.slice(0, m.start), a.slice(0, m.start));
        assert.equal(c.slice(m.newEnd), a.slice(m.oldEnd));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});
