import { CompactLineIndex } from './compactLines';
import { FastLine } from './fastLine';
import { scanLines, type LineSink } from './lines';
import type { ConntrackModel } from './model';
import { ConntrackReader, own } from './reader';

/** What a stream of chunks reads: the model, and the text and line index the model's spans are in. */
export interface StreamedConntrack {
  readonly model: ConntrackModel;
  /**
   * The lines the model points into (sample entries, group examples, problems, statistics,
   * summaries), whole, joined by "\n": every span of the model is an offset in this text, so
   * rules and hovers read entries from it as from the full text (`firstField`, `readEntry`).
   * Bounded by the model's own limits, whatever the size of the file.
   */
  readonly text: string;
  /** Positions in the FILE (line and UTF-16 column) of offsets in `text`. */
  readonly lines: CompactLineIndex;
}

/**
 * The chunk driver of the conntrack reader (the whole-text driver is `parseConntrack`): `push`
 * decoded text in pieces of any size, split anywhere (a line, even a "\r\n", may straddle two
 * pieces), then `end`. The same line splitter and the same reader as the whole text, so the model
 * is the one `parseConntrack` builds from the concatenation, with its spans moved into the text
 * of the kept lines. The file is never one string: a piece is read and dropped, an unfinished
 * line is carried over as parts joined once its end arrives (no quadratic copying).
 */
export class ConntrackStream implements LineSink {
  private readonly reader = new ConntrackReader(true);
  /** The byte fast path's reader of one line (`pushLines`). */
  private readonly fast = new FastLine();
  /** Parts of the unfinished line carried into the next piece. */
  private pending: string[] = [];
  /** Whether the pending parts may end a line with a "\r" whose "\n" is yet to come. */
  private pendingHasBreak = false;
  /** Lines read so far (the number of the next line). */
  private lineNo = 0;
  /** Offsets in the file of the kept lines' starts (UTF-16), their numbers and their offsets in `text`. */
  private keptLines: Int32Array = new Int32Array(1024);
  private keptStarts: Int32Array = new Int32Array(1024);
  private kept = 0;
  /** Length of the text of kept lines so far (each line + "\n"). */
  private compactLength = 0;
  /** Kept lines of the current piece (copied out at the end of the piece) and the pieces of `text` so far. */
  private keptNow: string[] = [];
  private readonly parts: string[] = [];
  private ended: StreamedConntrack | undefined;
  /** The end of the text pushed last, where a directive may start (see `directiveSeen`). */
  private tail = '';
  /**
   * Whether `directive` (the suppression directive) is in a line the text reader read. The fast
   * path takes no line holding '#' or ';' (fastLine.ts), and a directive only counts after one of
   * them on its line (engine/suppressions.ts), so a directive that counts is always seen here.
   */
  directiveSeen = false;

  /** `directive`: text to watch for (`directiveSeen`), for the file reader's suppression directive. */
  constructor(private readonly directive?: string) {}

  /** Notes the directive in text the text reader reads; `carry`: it may go on in the next text. */
  private watch(text: string, carry: boolean): void {
    const d = this.directive;
    if (d === undefined || this.directiveSeen) return;
    if (this.tail.length > 0 ? (this.tail + text).includes(d) : text.includes(d)) this.directiveSeen = true;
    this.tail = carry ? (this.tail + text.slice(-d.length)).slice(-d.length) : '';
  }

  /** Reads the next piece of the text. */
  push(piece: string): void {
    if (this.ended || piece.length === 0) return;
    this.watch(piece, true);
    let text = piece;
    if (this.pending.length > 0) {
      // Still inside one line: keep collecting its parts (a line longer than a piece is read once whole).
      if (!this.pendingHasBreak && piece.indexOf('\n') < 0 && piece.indexOf('\r') < 0) {
        this.pending.push(piece);
        return;
      }
      this.pending.push(piece);
      text = this.pending.join('');
      this.pending = [];
    }
    const { rest, lines } = scanLines(text, false, this.lineNo, this);
    this.lineNo += lines;
    if (rest < text.length) {
      this.pending = [text.slice(rest)];
      this.pendingHasBreak = text.charCodeAt(text.length - 1) === 13;
    }
    this.flushKept();
  }

  /**
   * Reads bytes[from, to) of UTF-8 text, cut after a "\n" or at the end of the text, never inside a
   * character (the file driver, node/streamedDocument.ts, hands whole lines): the byte fast path
   * (`fastLine.ts`) counts each common table entry from its bytes without decoding it; any other
   * line is decoded and read as by `push`, and bytes after the last "\n" are pushed as text. The
   * model is the one `push` builds from the decoded text. Text pushed before may leave a line
   * unfinished: its end is decoded and pushed first.
   */
  pushLines(bytes: Buffer, from: number, to: number): void {
    if (this.ended || from >= to) return;
    let pos = from;
    // The fast path reads up to the last "\n" (each of its lines ends in one); the rest is text.
    const last = bytes.lastIndexOf(10, to - 1);
    const stop = last >= from ? last + 1 : from;
    if (this.pending.length > 0 && pos < stop) {
      const lf = bytes.indexOf(10, pos);
      this.push(bytes.toString('utf8', pos, lf + 1));
      pos = lf + 1;
    }
    const reader = this.reader;
    const fast = this.fast;
    while (pos < stop) {
      const lf = reader.fastReady ? fast.read(bytes, pos) : -1;
      if (lf >= 0) {
        const at = this.compactLength;
        reader.base = at - pos;
        reader.retain = false;
        reader.fastEntry(fast, bytes, this.lineNo);
        if (reader.retain) this.keep(bytes.toString('latin1', pos, fast.lineEnd), this.lineNo, at);
        this.lineNo++;
        pos = lf + 1;
      } else {
        // The text reader, on the decoded line (a lone "\r" in it ends a line there too).
        const end = bytes.indexOf(10, pos) + 1;
        const text = bytes.toString('utf8', pos, end);
        this.watch(text, false);
        const { lines } = scanLines(text, false, this.lineNo, this);
        this.lineNo += lines;
        pos = end;
      }
    }
    this.flushKept();
    // Not whole lines: read as text (the last line waits for its end as in `push`).
    if (stop < to) this.push(bytes.toString('utf8', stop, to));
  }

  /** Reads what is left and returns the result (again on later calls). */
  end(): StreamedConntrack {
    if (this.ended) return this.ended;
    const text = this.pending.join('');
    this.pending = [];
    const { lines } = scanLines(text, true, this.lineNo, this);
    this.lineNo += lines;
    this.flushKept();
    const compact = this.parts.join('\n');
    this.parts.length = 0;
    this.ended = {
      model: this.reader.finish(),
      text: compact,
      lines: new CompactLineIndex(compact, this.keptLines.subarray(0, this.kept), this.keptStarts.subarray(0, this.kept), this.lineNo),
    };
    return this.ended;
  }

  /** LineSink: one line of the current piece. */
  line(text: string, start: number, end: number, line: number): void {
    const reader = this.reader;
    const at = this.compactLength;
    // Offsets in this piece map to where the line lands in the kept text, if it is kept.
    reader.base = at - start;
    reader.retain = false;
    reader.line(text, start, end, line);
    if (reader.retain) this.keep(text.slice(start, end), line, at);
  }

  /** Keeps a line the model points into: `text` is the whole line, `at` its offset in the kept text. */
  private keep(text: string, line: number, at: number): void {
    if (this.kept === this.keptLines.length) {
      this.keptLines = grow(this.keptLines);
      this.keptStarts = grow(this.keptStarts);
    }
    this.keptLines[this.kept] = line;
    this.keptStarts[this.kept] = at;
    this.kept++;
    this.keptNow.push(text);
    this.compactLength = at + text.length + 1;
  }

  /** Joins the kept lines of a piece into a new string, so no slice keeps the piece alive. */
  private flushKept(): void {
    if (this.keptNow.length === 0) return;
    this.parts.push(this.keptNow.length === 1 ? own(this.keptNow[0]!) : this.keptNow.join('\n'));
    this.keptNow = [];
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
