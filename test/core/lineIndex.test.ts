import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../server/src/core/lineIndex';

// The line index is built lazily with indexOf; VS Code's own TextDocument is the reference for
// where lines start ("\n", "\r\n" and a lone "\r" each end a line).
const lineText = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '\u00e9', '\ud83d\ude00'), { maxLength: 60 }).map((xs) => xs.join(''));

test('positions and offsets agree with TextDocument for any mix of line breaks', () => {
  fc.assert(
    fc.property(lineText, fc.array(fc.integer({ min: -2, max: 70 }), { minLength: 1, maxLength: 10 }), (text, offsets) => {
      const index = new LineIndex(text);
      const doc = TextDocument.create('x:', 'plaintext', 1, text);
      assert.equal(index.lineCount, doc.lineCount);
      for (const o of offsets) {
        // Between the "\r" and "\n" of a CRLF, TextDocument moves back before the "\r"; the engine never makes such offsets.
        if (text[o - 1] === '\r' && text[o] === '\n') continue;
        assert.deepEqual(index.positionAt(o), doc.positionAt(o));
        const p = doc.positionAt(o);
        assert.equal(index.offsetAt(p), doc.offsetAt(p));
      }
      for (let line = 0; line < doc.lineCount; line++) {
        assert.equal(index.lineStart(line), doc.offsetAt({ line, character: 0 }));
        const full = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
        assert.equal(text.slice(index.lineStart(line), index.lineEnd(line)), full.replace(/\r?\n$|\r$/, ''));
      }
    }),
    { numRuns: 500 },
  );
});

test('a big text keeps every line start (the table grows past its first guess)', () => {
  const text = 'x\n'.repeat(10_000) + 'y\r\n'.repeat(10_000) + 'z\r'.repeat(10_000);
  const index = new LineIndex(text);
  assert.equal(index.lineCount, 30_001);
  assert.deepEqual(index.positionAt(text.length - 1), { line: 29_999, character: 1 });
  assert.equal(index.lineStart(10_000), 20_000);
  assert.equal(index.lineEnd(10_000), 20_001);
  assert.equal(index.offsetAt({ line: 20_000, character: 5 }), 50_001);
});

test('an edited index equals the index of the edited text (line breaks typed next to "\\r" and "\\n" included)', () => {
  fc.assert(
    fc.property(lineText, fc.nat(), fc.nat(), lineText, (text, a, b, inserted) => {
      const start = a % (text.length + 1);
      const end = start + (b % (text.length - start + 1));
      const next = text.slice(0, start) + inserted + text.slice(end);
      const before = new LineIndex(text);
      void before.lineCount; // built: only a built index is edited in place
      const edited = before.edited(next, start, end, inserted.length);
      const fresh = new LineIndex(next);
      assert.equal(edited.lineCount, fresh.lineCount);
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(edited.lineStart(line), fresh.lineStart(line), `line ${line}`);
      // The previous index still describes the previous text.
      assert.equal(before.lineCount, new LineIndex(text).lineCount);
    }),
    { numRuns: 2000 },
  );
});
