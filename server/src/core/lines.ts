/** One physical line of a document: its text without the line break, and where it starts. */
export interface Line {
  readonly text: string;
  /** Offset of the first character. */
  readonly start: number;
  /** Zero-based line number. */
  readonly number: number;
}

/**
 * Splits text into lines the way LSP counts them ("\n", "\r\n" or a lone "\r" end a line).
 * A callback rather than an array keeps memory flat on 200 MB pastes; returning `false` from the
 * callback stops the walk (a reader that has read enough does not slice the rest).
 */
export function forEachLine(text: string, visit: (line: Line) => boolean | void, from = 0): void {
  let start = from;
  let number = 0;
  const n = text.length;
  while (start <= n) {
    let i = start;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) break;
      i++;
    }
    if (visit({ text: text.slice(start, i), start, number }) === false) break;
    if (i >= n) break;
    start = text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
    number++;
  }
}

// A paste's gutter before a line's text: the number and TAB `cat -n` puts before each line, and
// the '>' of a reply or markdown quote among the blanks. formats/paste.ts reads lines after it,
// format detection looks through it (`withoutGutter`).

/** What a line's text starts after: blanks, and the '>' of a reply or markdown quote. */
export const isLead = (c: number): boolean => c === 32 || c === 9 || c === 62;

/** Where the text of a `cat -n` line starts (after blanks, digits and a TAB), or `start` when the line has no number. */
export function afterNumber(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && text.charCodeAt(i) === 32) i++;
  const digits = i;
  while (i < end && i - digits < 10 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return i > digits && text.charCodeAt(i) === 9 ? i + 1 : start;
}

/** A head line without a paste's gutter (a `cat -n` number, then blanks and quote marks). */
export function withoutGutter(line: string): string {
  let i = afterNumber(line, 0, line.length);
  while (i < line.length && isLead(line.charCodeAt(i))) i++;
  return i === 0 ? line : line.slice(i);
}

/** The first `max` non-blank lines, trimmed: what format detection looks at. */
export function headLines(text: string, max: number): string[] {
  const out: string[] = [];
  let start = 0;
  const limit = Math.min(text.length, 64 * 1024);
  while (start < limit && out.length < max) {
    let i = start;
    while (i < limit && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
    const t = text.slice(start, i).trim();
    if (t) out.push(t);
    start = i + 1;
  }
  return out;
}
