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

/** A paste's gutter before a line's text: the number and TAB of `cat -n`, or the '>' of a reply or markdown quote. */
const GUTTER = /^(?:\d{1,9}\t|(?:>[ \t]?)+)[ \t]*/;

/** A head line (trimmed) without a paste's gutter, as formats/paste.ts reads the line. */
export const withoutGutter = (line: string): string => line.replace(GUTTER, '');

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
