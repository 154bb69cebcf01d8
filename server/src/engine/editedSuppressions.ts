import type { ParsedDocument } from '../node/document';
import { provenanceOf } from '../node/incremental';
import { findSuppressions, NO_SUPPRESSIONS, SUPPRESSION_DIRECTIVE, type Suppressions } from './suppressions';

/** Documents whose text holds no suppression directive (most of them): known without reading the text again. */
const withoutDirective = new WeakSet<ParsedDocument>();

/**
 * The suppressions of a document, as `findSuppressions` reads them, without searching a big dump
 * for a directive on every keystroke: a document updated by an edit (node/incremental.ts) from one
 * without any directive has none either unless the edit's own window (the changed text and a
 * directive's length on either side) now holds one.
 */
export function suppressionsOf(document: ParsedDocument): Suppressions {
  const edit = provenanceOf(document);
  const previous = edit?.from.deref();
  if (edit && previous && withoutDirective.has(previous)) {
    const reach = SUPPRESSION_DIRECTIVE.length;
    const from = Math.max(0, edit.change.start - reach);
    const window = document.text.slice(from, Math.min(document.text.length, edit.change.newEnd + reach));
    if (!window.includes(SUPPRESSION_DIRECTIVE)) {
      withoutDirective.add(document);
      return NO_SUPPRESSIONS;
    }
  }
  const found = findSuppressions(document.text, document.kind);
  if (found === NO_SUPPRESSIONS) withoutDirective.add(document);
  return found;
}
