import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { LineIndex, type Position } from '../core/lineIndex';
import type { TextChange } from '../node/incremental';

/** A text with its line index, after a batch of changes, and where the batch changed it. */
export interface TrackedText {
  readonly text: string;
  readonly lines: LineIndex;
  /** old[start, oldEnd) became text[start, newEnd): one change covering the whole batch. */
  readonly change: TextChange;
}

/** A ranged content change (a full-text change has no range). */
type RangedChange = Extract<TextDocumentContentChangeEvent, { range: unknown }>;

export function isRanged(c: TextDocumentContentChangeEvent): c is RangedChange {
  return 'range' in c && c.range !== undefined;
}

/**
 * Applies a batch of ranged LSP changes, each relative to the text after the previous one, to the
 * text as strings (no split into lines): positions are offsets through the line index, clamped as
 * `TextDocument.offsetAt` clamps them (a line past the end is the end of the text, a character
 * past the end of its line stops before the line break), and the index is edited rather than
 * rebuilt (`LineIndex.edited`). A keystroke on a 75,000-line dump costs tens of microseconds here
 * instead of the 30 ms of splitting and joining every line (lsp/applyChanges.ts, which stays for
 * full-text changes and long batches).
 *
 * The returned change covers every change of the batch, merged with `since` (the change covering
 * earlier batches): what an incremental parse of the previous version needs (node/incremental.ts).
 */
export function applyTracked(text: string, lines: LineIndex, changes: readonly RangedChange[], since?: TextChange): TrackedText {
  let change = since;
  for (const c of changes) {
    const [from, to] = ordered(c.range.start, c.range.end);
    const start = lines.offsetAt(from);
    const end = lines.offsetAt(to);
    text = text.slice(0, start) + c.text + text.slice(end);
    lines = lines.edited(text, start, end, c.text.length);
    change = merge(change, start, end, c.text.length);
  }
  return { text, lines, change: change ?? { start: 0, oldEnd: 0, newEnd: 0 } };
}

/**
 * The one change that `before` followed by "current[start, end) replaced by `inserted`
 * characters" makes: the window grows to cover the new change; parts of it past the previous
 * window map back to the old text by the previous window's length difference.
 */
export function merge(before: TextChange | undefined, start: number, end: number, inserted: number): TextChange {
  if (!before) return { start, oldEnd: end, newEnd: start + inserted };
  return {
    start: Math.min(before.start, start),
    oldEnd: end > before.newEnd ? end - before.newEnd + before.oldEnd : before.oldEnd,
    newEnd: Math.max(before.newEnd, end) + inserted - (end - start),
  };
}

/**
 * The one change between two texts: their common start and common end left out. For batches too
 * long to apply one by one (a scripted or multi-cursor edit of thousands of changes), where a
 * comparison of the texts (a few milliseconds on 8 MB) is cheaper than tracking each change.
 */
export function diffChange(before: string, after: string): TextChange {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** Start before end, as `TextDocument` orders a reversed range. */
function ordered(a: Position, b: Position): [Position, Position] {
  return a.line > b.line || (a.line === b.line && a.character > b.character) ? [b, a] : [a, b];
}
