import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from '../../../server/src/node/document';
import type { TextEdit } from '../../../server/src/rules/rule';
import {
  appendLines,
  deleteLines,
  insertLinesAfter,
  insertLinesAfterOffset,
  insertLinesBefore,
  lineBreakAt,
  wholeLineSpan,
} from '../../../server/src/rules/shared/edits';

/** Applies non-overlapping edits (any order) to a text. */
function apply(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

const doc = (text: string) => parseDocument({ uri: 'file:///x.conf', path: 'x.conf', text, kind: 'sysctl' });

describe('shared line edits', () => {
  it('keep the line break the file uses, for every break style', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['a = 1', 'b = 2', 'c = 3'].join(eol) + eol;
      const d = doc(text);
      assert.equal(lineBreakAt(text, 0), eol);
      assert.equal(apply(text, [insertLinesBefore(d, 1, ['x = 0'])]), ['a = 1', 'x = 0', 'b = 2', 'c = 3'].join(eol) + eol);
      assert.equal(apply(text, [insertLinesAfter(d, 1, ['x = 0', 'y = 0'])]), ['a = 1', 'b = 2', 'x = 0', 'y = 0', 'c = 3'].join(eol) + eol);
      assert.equal(apply(text, [insertLinesAfterOffset(text, 2, ['x = 0'])]), ['a = 1', 'x = 0', 'b = 2', 'c = 3'].join(eol) + eol);
      assert.equal(apply(text, deleteLines(d, [2, 0, 0])), 'b = 2' + eol);
      assert.equal(apply(text, [{ span: wholeLineSpan(text, text.indexOf('b')), newText: '' }]), ['a = 1', 'c = 3'].join(eol) + eol);
      assert.equal(apply(text, [appendLines(text, ['d = 4'])]), text + 'd = 4' + eol);
    }
  });

  it('leave no empty line when the last line has no final break, and add one before appending', () => {
    const text = 'a = 1\r\nb = 2';
    const d = doc(text);
    assert.equal(apply(text, deleteLines(d, [1])), 'a = 1');
    assert.equal(apply(text, [{ span: wholeLineSpan(text, text.length - 1), newText: '' }]), 'a = 1');
    assert.equal(apply(text, [appendLines(text, ['c = 3'])]), 'a = 1\r\nb = 2\r\nc = 3\r\n');
    assert.equal(lineBreakAt(text, text.length - 1), '\r\n', 'the last line without a break takes the file\'s');
    assert.equal(lineBreakAt('no break', 0), '\n');
  });
});
