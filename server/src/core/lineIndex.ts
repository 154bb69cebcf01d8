/** Zero-based line/character position, as in LSP (character counts UTF-16 code units). */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/**
 * Maps offsets to line/character positions and back. Lines end at "\n", "\r\n" or a lone "\r",
 * exactly as LSP and VS Code count them.
 *
 * The line starts are found on first use, not when the index is made: the CLI converts only the
 * few findings it prints, so a 1,000,000-line conntrack table never pays for the whole index (it
 * once cost a third of a second per check). They are kept in an Int32Array (4 bytes a line, not a
 * boxed array) found with indexOf, which scans far faster than a loop over every character.
 */
export class LineIndex {
  private table: Int32Array | undefined;
  private count = 0;

  constructor(private readonly text: string) {}

  /** An index whose line starts are known already (`edited`). */
  static fromStarts(text: string, starts: Int32Array, count: number): LineIndex {
    const index = new LineIndex(text);
    index.table = starts;
    index.count = count;
    return index;
  }

  /**
   * The index of `text`, which is this index's text with [start, end) replaced by `inserted`
   * characters: the starts before the edit are kept, those after it moved, and only the lines
   * around the edit are scanned (an editor's keystroke on a 75,000-line dump costs a copy of the
   * table, not a scan of the text). Not built yet: built lazily for the new text.
   */
  edited(text: string, start: number, end: number, inserted: number): LineIndex {
    const old = this.table;
    if (old === undefined) return new LineIndex(text);
    const n = this.count;
    const delta = inserted - (end - start);
    // Kept: starts before `start` (a "\n" typed after a "\r" ending at start - 1 removes the start at `start`).
    const keep = firstAbove(old, n, start - 1);
    // Moved: starts past end + 1 (a "\r" typed before a "\n" at `end` removes the start after it).
    const tail = firstAbove(old, n, end + 1);
    const from = old[keep - 1]!;
    const stop = tail < n ? old[tail]! + delta : text.length + 1;
    const found: number[] = [];
    let i = from;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        const next = c === 13 && text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
        if (next >= stop) break;
        found.push(next);
        i = next;
      } else i++;
    }
    const count = keep + found.length + (n - tail);
    const starts = new Int32Array(count);
    starts.set(old.subarray(0, keep));
    starts.set(found, keep);
    for (let k = tail, j = keep + found.length; k < n; k++, j++) starts[j] = old[k]! + delta;
    return LineIndex.fromStarts(text, starts, count);
  }

  private get starts(): Int32Array {
    return this.table ?? this.build();
  }

  private build(): Int32Array {
    const text = this.text;
    let starts = new Int32Array(Math.max(16, Math.ceil(text.length / 64)));
    let n = 1;
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r');
    for (;;) {
      if (lf < 0 && cr < 0) break;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // "\r\n" is one line break; a lone "\r" is one too.
        next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      } else next = lf + 1;
      if (n === starts.length) {
        const grown = new Int32Array(starts.length * 2);
        grown.set(starts);
        starts = grown;
      }
      starts[n++] = next;
      if (lf >= 0 && lf < next) lf = text.indexOf('\n', next);
      if (cr >= 0 && cr < next) cr = text.indexOf('\r', next);
    }
    this.count = n;
    this.table = starts;
    return starts;
  }

  get lineCount(): number {
    if (this.table === undefined) this.build();
    return this.count;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo]! };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.lineCount) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.starts[pos.line]!;
    const end = this.lineEnd(pos.line);
    return Math.min(start + Math.max(0, pos.character), end);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Offset of the first character of `line`. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.lineCount - 1))]!;
  }

  /** Offset just past the last content character of `line` (before its line break). */
  lineEnd(line: number): number {
    const starts = this.starts;
    const next = line + 1 < this.count ? starts[line + 1]! : this.text.length;
    let end = next;
    if (end > starts[line]! && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > starts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}

/** Index of the first of starts[0, n) above `offset` (starts ascend and starts[0] = 0). */
function firstAbove(starts: Int32Array, n: number, offset: number): number {
  let lo = 1;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
