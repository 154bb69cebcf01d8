import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { applyContentChanges, splitLines } from '../../server/src/lsp/applyChanges';
import { rangedArb, referenceApply, textArb } from '../helpers/contentChanges';

const changeArb: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.oneof(
  { weight: 9, arbitrary: rangedArb },
  { weight: 1, arbitrary: fc.record({ text: textArb }) },
);

describe('applyContentChanges (a batch of LSP changes in one pass)', () => {
  it('gives exactly what TextDocument.update gives change by change (CR, LF, CRLF, reversed and out-of-range ranges)', () => {
    fc.assert(
      fc.property(textArb, fc.array(changeArb, { maxLength: 30 }), (text, changes) => {
        assert.equal(applyContentChanges(text, changes), referenceApply(text, changes));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('joins a typed \\n with a preceding \\r into one CRLF line break, as the editor does', () => {
    const changes = [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' }, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x' }];
    assert.equal(applyContentChanges('a\rb', changes), referenceApply('a\rb', changes));
    assert.equal(applyContentChanges('a\rb', changes), 'a\r\nxb');
  });

  it('applies a 100,000-line paste without spreading it into one call', () => {
    const paste = 'line\n'.repeat(100_000);
    const out = applyContentChanges('a\nb\n', [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: paste }, { range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } }, text: '!' }]);
    assert.equal(out, `a!\n${paste}b\n`);
  });

  it('splits lines keeping their breaks; the last line has none', () => {
    assert.deepEqual(splitLines('a\r\nb\rc\n'), ['a\r\n', 'b\r', 'c\n', '']);
    assert.deepEqual(splitLines(''), ['']);
  });
});
