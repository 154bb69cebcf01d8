import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { applyContentChanges, splitLines } from '../../server/src/lsp/applyChanges';

/**
 * The reference: the editor library applying one change at a time, each to a freshly created
 * document. (Reusing one document is not a reference: after a multi-line insert at a line past the
 * end, `TextDocument.update` keeps wrong line offsets and misplaces every later change.)
 */
function reference(text: string, changes: readonly TextDocumentContentChangeEvent[]): string {
  let current = text;
  for (const c of changes) current = TextDocument.update(TextDocument.create('file:///x', 'plaintext', 1, current), [c], 2).getText();
  return current;
}

// Few distinct characters, many line breaks: the cases where CR, LF and CRLF meet at edit boundaries.
const textArb = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n'), { maxLength: 40 }).map((a) => a.join(''));
const posArb = fc.record({ line: fc.integer({ min: -2, max: 12 }), character: fc.integer({ min: -2, max: 8 }) });
const changeArb: fc.Arbitrary<TextDocumentContentChangeEvent> = fc.oneof(
  { weight: 9, arbitrary: fc.record({ range: fc.record({ start: posArb, end: posArb }), text: textArb }) },
  { weight: 1, arbitrary: fc.record({ text: textArb }) },
);

describe('applyContentChanges (a batch of LSP changes in one pass)', () => {
  it('gives exactly what TextDocument.update gives change by change (CR, LF, CRLF, reversed and out-of-range ranges)', () => {
    fc.assert(
      fc.property(textArb, fc.array(changeArb, { maxLength: 30 }), (text, changes) => {
        assert.equal(applyContentChanges(text, changes), reference(text, changes));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('joins a typed \\n with a preceding \\r into one CRLF line break, as the editor does', () => {
    const changes = [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' }, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x' }];
    assert.equal(applyContentChanges('a\rb', changes), reference('a\rb', changes));
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
