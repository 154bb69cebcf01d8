/**
 * What the property tests of the server's change application share (test/lsp/applyChanges.test.ts,
 * test/lsp/trackedChanges.test.ts): the reference result and the generated texts and ranged changes.
 */
import fc from 'fast-check';
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

/**
 * The reference: the editor library applying one change at a time, each to a freshly created
 * document. (Reusing one document is not a reference: after a multi-line insert at a line past the
 * end, `TextDocument.update` keeps wrong line offsets and misplaces every later change.)
 */
export function referenceApply(text: string, changes: readonly TextDocumentContentChangeEvent[]): string {
  let current = text;
  for (const c of changes) current = TextDocument.update(TextDocument.create('file:///x', 'plaintext', 1, current), [c], 2).getText();
  return current;
}

// Few distinct characters, many line breaks: the cases where CR, LF and CRLF meet at edit boundaries.
export const textArb = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n'), { maxLength: 40 }).map((a) => a.join(''));
/** Positions past the ends and negative ones included: the server must clamp as the editor library does. */
const posArb = fc.record({ line: fc.integer({ min: -2, max: 12 }), character: fc.integer({ min: -2, max: 8 }) });
/** A change of a range (start after end included) to a generated text. */
export const rangedArb = fc.record({ range: fc.record({ start: posArb, end: posArb }), text: textArb });
