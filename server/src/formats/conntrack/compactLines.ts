import { LineIndex, type Position } from '../../core/lineIndex';

/**
 * The line index of a streamed conntrack table (`ConntrackStream`): its text holds only the kept
 * lines, whole, joined by "\n", and positions are those in the FILE: the line a kept line had
 * there, and its UTF-16 column (a line is kept whole, so columns are the file's). Lines that were
 * not kept have no text here: `lineStart` = `lineEnd` (an empty line) for them. Every offset the
 * model holds is on a kept line, so findings and their evidence are placed as in the full text.
 * A span across lines (a statistics table) starts and ends where it does in the file, but the
 * text between is that of the kept lines joined by "\n" (rules never read it; only the first
 * line of a finding's span is its evidence in practice).
 */
export class CompactLineIndex extends LineIndex {
  /**
   * `fileLines[k]` is the line number in the file of the k-th kept line, `keptStarts[k]` its offset in
   * `compact` (both ascending); `fileLineCount` the number of lines of the file.
   */
  constructor(
    private readonly compact: string,
    private readonly fileLines: Int32Array,
    private readonly keptStarts: Int32Array,
    private readonly fileLineCount: number,
  ) {
    super(compact);
  }

  /** Index of the last kept line starting at or before `offset` (0 when there is none). */
  private keptAt(offset: number): number {
    let lo = 0;
    let hi = this.keptStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.keptStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Index of the first kept line whose file line is at or after `line` (the count when none). */
  private keptFrom(line: number): number {
    let lo = 0;
    let hi = this.fileLines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.fileLines[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private keptEnd(k: number): number {
    return k + 1 < this.keptStarts.length ? this.keptStarts[k + 1]! - 1 : this.compact.length;
  }

  override get lineCount(): number {
    return this.fileLineCount;
  }

  override positionAt(offset: number): Position {
    if (this.keptStarts.length === 0) return { line: 0, character: 0 };
    const o = Math.max(0, Math.min(offset, this.compact.length));
    const k = this.keptAt(o);
    return { line: this.fileLines[k]!, character: o - this.keptStarts[k]! };
  }

  override offsetAt(pos: Position): number {
    const k = this.keptFrom(pos.line);
    if (k >= this.fileLines.length) return this.compact.length;
    if (this.fileLines[k] !== pos.line) return this.keptStarts[k]!;
    return Math.min(this.keptStarts[k]! + Math.max(0, pos.character), this.keptEnd(k));
  }

  override lineStart(line: number): number {
    const k = this.keptFrom(line);
    return k < this.keptStarts.length ? this.keptStarts[k]! : this.compact.length;
  }

  override lineEnd(line: number): number {
    const k = this.keptFrom(line);
    if (k >= this.keptStarts.length) return this.compact.length;
    return this.fileLines[k] === line ? this.keptEnd(k) : this.keptStarts[k]!;
  }
}
