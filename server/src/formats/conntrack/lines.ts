/**
 * The one line splitter of the conntrack reader, for both of its drivers: the whole text (editor,
 * `parseConntrack`) and decoded chunks of a file (`ConntrackStream`, the CLI on big tables).
 * "\n", "\r\n" and a lone "\r" end a line, as LineIndex and LSP count them.
 */

/** Receives each line: text[start, end) is the line without its line break. */
export interface LineSink {
  line(text: string, start: number, end: number, line: number): void;
}

/**
 * Calls `sink.line` for each line of text[0, text.length) and returns the offset where the first
 * unfinished line starts: with `final` false, the last line is unfinished when no line break ends
 * it, or when it ends in "\r" (a "\n" may follow in the next chunk). With `final` true every line
 * is delivered (also the empty one after a final line break) and text.length + 1 is returned.
 * `firstLine` is the number of the first line.
 */
export function scanLines(text: string, final: boolean, firstLine: number, sink: LineSink): { readonly rest: number; readonly lines: number } {
  const n = text.length;
  let pos = 0;
  let line = firstLine;
  // Offsets (no per-line strings); indexOf scans much faster than a loop over every character.
  let nextLf = text.indexOf('\n');
  let nextCr = text.indexOf('\r');
  if (nextLf < 0) nextLf = n;
  if (nextCr < 0) nextCr = n;
  for (;;) {
    if (nextLf < pos) {
      nextLf = text.indexOf('\n', pos);
      if (nextLf < 0) nextLf = n;
    }
    if (nextCr < pos) {
      nextCr = text.indexOf('\r', pos);
      if (nextCr < 0) nextCr = n;
    }
    const lineEnd = nextLf < nextCr ? nextLf : nextCr;
    if (!final && (lineEnd >= n || (lineEnd === n - 1 && lineEnd === nextCr))) return { rest: pos, lines: line - firstLine };
    sink.line(text, pos, lineEnd, line);
    if (lineEnd >= n) return { rest: n + 1, lines: line - firstLine + 1 };
    pos = lineEnd === nextCr && text.charCodeAt(lineEnd + 1) === 10 ? lineEnd + 2 : lineEnd + 1;
    line++;
  }
}
