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
