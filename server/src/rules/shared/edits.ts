import type { Span } from '../../core/span';
import type { ParsedDocument } from '../../node/document';
import type { TextEdit } from '../rule';

/**
 * Whole-line text edits for every format: insert, delete and append lines so that the rest of the
 * file stays byte for byte and the new lines carry the file's own line break (`\r\n`, `\n` or a
 * lone `\r`). Fixes of the line-oriented formats (iptables-save, sysctl.conf, ipvsadm -Sn, YAML
 * `key: value` lines) are built from these; YAML values are edited by `formats/k8s/edit.ts`.
 */

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r';

/** The offset where the line containing `offset` ends (before its line break). */
export function lineEndAt(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && !isBreak(text[i])) i++;
  return i;
}

/** The line break ending the line that contains `offset`; on a last line without one, the file's first break; `\n` for a file without any. */
export function lineBreakAt(text: string, offset: number): string {
  const end = lineEndAt(text, offset);
  if (text[end] === '\r') return text[end + 1] === '\n' ? '\r\n' : '\r';
  if (text[end] === '\n') return '\n';
  const first = text.search(/\r\n|\n|\r/);
  if (first < 0) return '\n';
  return text[first] === '\r' ? (text[first + 1] === '\n' ? '\r\n' : '\r') : '\n';
}

/**
 * The whole line containing `offset` with its line break (CRLF kept together); the last line of
 * a file without a final break takes the break before it instead, so no empty line is left.
 */
export function wholeLineSpan(text: string, offset: number): Span {
  let start = offset;
  while (start > 0 && !isBreak(text[start - 1])) start--;
  let end = lineEndAt(text, offset);
  if (text[end] === '\r' && text[end + 1] === '\n') end += 2;
  else if (end < text.length) end += 1;
  else if (start > 0) start -= text[start - 1] === '\n' && text[start - 2] === '\r' ? 2 : 1;
  return { start, end };
}

/**
 * Deletes whole lines (0-based numbers, any order, repeats ignored) as non-overlapping edits in
 * document order: one edit per run of consecutive lines, line breaks included; a run that ends the
 * text without a final break takes the break before the run instead.
 */
export function deleteLines(doc: ParsedDocument, lineNumbers: readonly number[]): TextEdit[] {
  const lines = [...new Set(lineNumbers)].sort((a, b) => a - b);
  const edits: TextEdit[] = [];
  for (let k = 0; k < lines.length; ) {
    let last = k;
    while (last + 1 < lines.length && lines[last + 1] === lines[last]! + 1) last++;
    const first = lines[k]!;
    const end = lines[last]!;
    const start = doc.lines.lineStart(first);
    const next = end + 1 < doc.lines.lineCount ? doc.lines.lineStart(end + 1) : doc.text.length;
    const lineEnd = doc.lines.lineEnd(end);
    if (next > lineEnd) edits.push({ span: { start, end: next }, newText: '' });
    else edits.push({ span: { start: first > 0 ? doc.lines.lineEnd(first - 1) : start, end: lineEnd }, newText: '' });
    k = last + 1;
  }
  return edits;
}

/** Inserts whole lines before line `line` (each followed by the file's line break). */
export function insertLinesBefore(doc: ParsedDocument, line: number, lines: readonly string[]): TextEdit {
  const at = doc.lines.lineStart(line);
  const eol = lineBreakAt(doc.text, doc.lines.lineEnd(line));
  return { span: { start: at, end: at }, newText: lines.map((l) => l + eol).join('') };
}

/** Inserts whole lines after the line containing `offset` (its own line break then stays after the new lines). */
export function insertLinesAfterOffset(text: string, offset: number, lines: readonly string[]): TextEdit {
  const at = lineEndAt(text, offset);
  const eol = lineBreakAt(text, offset);
  return { span: { start: at, end: at }, newText: lines.map((l) => eol + l).join('') };
}

/** Inserts whole lines after line `line`. */
export function insertLinesAfter(doc: ParsedDocument, line: number, lines: readonly string[]): TextEdit {
  return insertLinesAfterOffset(doc.text, doc.lines.lineEnd(line), lines);
}

/** Appends whole lines at the end of the text (a line break first when the last line has none). */
export function appendLines(text: string, lines: readonly string[]): TextEdit {
  // The break that ends the text, else the file's first (looking at the last character alone would read CRLF as LF).
  const eol = text.endsWith('\r\n') ? '\r\n' : text.endsWith('\n') ? '\n' : text.endsWith('\r') ? '\r' : lineBreakAt(text, text.length);
  const needsBreak = text.length > 0 && !isBreak(text[text.length - 1]);
  return { span: { start: text.length, end: text.length }, newText: (needsBreak ? eol : '') + lines.map((l) => l + eol).join('') };
}
