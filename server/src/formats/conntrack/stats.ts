import type { Located, Span } from '../../core/span';
import { MAX_STATS_ROWS, STAT_COUNTERS, type ConntrackStatCounter, type ConntrackStatsRow, type ConntrackStatsTable } from './model';
import { C_DIGIT, C_LOWER, C_UNDERSCORE, Tokens, decimal, onlyDigits } from './scan';

type Report = (code: `parse/${string}`, message: string, start: number, end: number) => void;

interface OpenTable {
  format: ConntrackStatsTable['format'];
  start: number;
  end: number;
  header?: { span: Span; columns: Located<string>[] };
  rows: ConntrackStatsRow[];
  cpus: Set<number>;
  /** stats-legacy: the single row being filled. */
  legacy?: { counters: Map<string, ConntrackStatCounter>; start: number; line: number };
}

function isHexDigits(text: string, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** Whether every token is a hex number (a `/proc/net/stat/nf_conntrack` row). */
export function isHexRow(text: string, t: Tokens): boolean {
  if (t.n < 2) return false;
  for (let i = 0; i < t.n; i++) {
    // The kernel prints every counter with %08x.
    if (t.eq[i] !== -1 || t.end[i]! - t.start[i]! < 8 || !isHexDigits(text, t.start[i]!, t.end[i]!)) return false;
  }
  return true;
}

/** `entries searched found ...`: the header row of `/proc/net/stat/nf_conntrack`. */
export function isProcHeader(text: string, t: Tokens): boolean {
  if (t.n < 3 || !(t.end[0]! - t.start[0]! === 7 && text.startsWith('entries', t.start[0]!))) return false;
  for (let i = 0; i < t.n; i++) {
    if (t.eq[i] !== -1 || (t.cls[i]! & ~(C_LOWER | C_UNDERSCORE | C_DIGIT)) !== 0) return false;
  }
  return true;
}

/** `found=0 invalid=...` with or without a leading `cpu=N`. */
export function isCounterLine(text: string, t: Tokens): boolean {
  if (t.n === 0 || t.eq[0]! < 0) return false;
  const key = text.slice(t.start[0]!, t.eq[0]!);
  return key === 'cpu' || STAT_COUNTERS.has(key);
}

/** `insert_failed    0` (old conntrack -S proc fallback: one counter per line). */
export function isLegacyCounter(text: string, t: Tokens): boolean {
  return t.n === 2 && t.eq[0] === -1 && t.eq[1] === -1 && t.cls[1] === C_DIGIT && STAT_COUNTERS.has(text.slice(t.start[0]!, t.end[0]!));
}

export class StatsCollector {
  readonly tables: ConntrackStatsTable[] = [];
  private open: OpenTable | undefined;
  private rows = 0;
  private full = false;

  /**
   * The text of the line being read and the document offset of text[0]: the reader sets both
   * before each call (the whole text in the editor, a chunk of the file in the CLI's stream).
   * Offsets passed in and to `report` are offsets in `text`; spans kept are document offsets.
   */
  text = '';
  base = 0;

  constructor(private readonly report: Report) {}

  private sp(s: number, e: number): Span {
    return { start: this.base + s, end: this.base + e };
  }

  private close(): void {
    const o = this.open;
    if (!o) return;
    this.open = undefined;
    if (o.legacy) {
      o.rows.push({ index: 0, counters: o.legacy.counters, span: { start: o.legacy.start, end: o.end }, line: o.legacy.line });
    }
    const totals = new Map<string, number>();
    for (const row of o.rows) {
      for (const [name, c] of row.counters) {
        const prev = totals.get(name);
        // `entries` is the global table size repeated on each CPU row: its total is that size.
        totals.set(name, name === 'entries' ? Math.max(prev ?? 0, c.value.value) : (prev ?? 0) + c.value.value);
      }
    }
    this.tables.push({
      format: o.format,
      span: { start: o.start, end: o.end },
      ...(o.header ? { header: o.header } : {}),
      rows: o.rows,
      totals,
    });
  }

  /** Counts a row against MAX_STATS_ROWS; false (after one problem) once the cap is reached. */
  private room(s: number, e: number): boolean {
    if (this.rows < MAX_STATS_ROWS) {
      this.rows++;
      return true;
    }
    if (!this.full) {
      this.full = true;
      this.report('parse/conntrack-syntax', `more than ${MAX_STATS_ROWS} statistics rows; the rest is not read`, s, e);
    }
    return false;
  }

  private begin(format: OpenTable['format'], start: number): OpenTable {
    this.close();
    const o: OpenTable = { format, start, end: start, rows: [], cpus: new Set() };
    this.open = o;
    return o;
  }

  /** `cpu=0 found=1 ...` or the same without `cpu=`. */
  counterLine(t: Tokens, s: number, e: number, line: number): void {
    if (!this.room(s, e)) return;
    const text = this.text;
    const counters = new Map<string, ConntrackStatCounter>();
    let cpu: Located<number> | undefined;
    for (let i = 0; i < t.n; i++) {
      const ts = t.start[i]!;
      const te = t.end[i]!;
      const eq = t.eq[i]!;
      if (eq < 0) {
        const cut = i === t.n - 1;
        this.report(
          cut ? 'parse/conntrack-truncated' : 'parse/conntrack-syntax',
          cut ? `'${text.slice(ts, te)}' has no value: the line is cut off` : `'${text.slice(ts, te)}' is not a counter: conntrack -S prints name=value`,
          ts,
          te,
        );
        continue;
      }
      const name = text.slice(ts, eq);
      const raw = text.slice(eq + 1, te);
      if (!onlyDigits(text, eq + 1, te)) {
        this.report('parse/conntrack-bad-value', `counter '${name}' needs a decimal number, not '${raw.slice(0, 40)}'`, eq + 1 < te ? eq + 1 : ts, te);
        continue;
      }
      const value: Located<number> = { value: decimal(text, eq + 1, te), span: this.sp(eq + 1, te) };
      if (i === 0 && name === 'cpu') {
        cpu = value;
        continue;
      }
      if (!Number.isSafeInteger(value.value)) {
        this.report('parse/conntrack-bad-value', `counter '${name}' is too large to be a kernel counter`, eq + 1, te);
        continue;
      }
      if (counters.has(name)) {
        this.report('parse/conntrack-syntax', `counter '${name}' appears twice on this line`, ts, eq);
        continue;
      }
      counters.set(name, { name: { value: name, span: this.sp(ts, eq) }, value, raw });
    }
    let o = this.open;
    if (!o || o.format !== 'stats' || (cpu !== undefined && o.cpus.has(cpu.value))) o = this.begin('stats', this.base + s);
    if (cpu !== undefined) o.cpus.add(cpu.value);
    o.rows.push({ ...(cpu ? { cpu } : {}), index: o.rows.length, counters, span: this.sp(s, e), line });
    o.end = this.base + e;
  }

  /** Header of `/proc/net/stat/nf_conntrack`. */
  procHeader(t: Tokens, s: number, e: number): void {
    const o = this.begin('stats-proc', this.base + s);
    const columns: Located<string>[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < t.n; i++) {
      const name = this.text.slice(t.start[i]!, t.end[i]!);
      if (seen.has(name)) this.report('parse/conntrack-syntax', `column '${name}' appears twice in the header`, t.start[i]!, t.end[i]!);
      seen.add(name);
      columns.push({ value: name, span: this.sp(t.start[i]!, t.end[i]!) });
    }
    o.header = { span: this.sp(s, e), columns };
    o.end = this.base + e;
  }

  /** A hex row: returns false when there is no header to name its columns. */
  hexRow(t: Tokens, s: number, e: number, line: number): boolean {
    const o = this.open;
    if (!o || o.format !== 'stats-proc' || !o.header) return false;
    if (!this.room(s, e)) return true;
    const cols = o.header.columns;
    const counters = new Map<string, ConntrackStatCounter>();
    const n = Math.min(t.n, cols.length);
    for (let i = 0; i < n; i++) {
      const name = cols[i]!.value;
      const ts = t.start[i]!;
      const te = t.end[i]!;
      const raw = this.text.slice(ts, te);
      const v = parseInt(raw, 16);
      if (!Number.isSafeInteger(v)) {
        this.report('parse/conntrack-bad-value', `'${raw.slice(0, 40)}' is too large to be a kernel counter`, ts, te);
        continue;
      }
      if (!counters.has(name)) counters.set(name, { name: cols[i]!, value: { value: v, span: this.sp(ts, te) }, raw });
    }
    if (t.n < cols.length) {
      this.report(
        'parse/conntrack-truncated',
        `this row has ${t.n} values but the header names ${cols.length} columns; '${cols[t.n]!.value}' and later are missing (cut off?)`,
        s,
        e,
      );
    } else if (t.n > cols.length) {
      this.report('parse/conntrack-syntax', `this row has ${t.n - cols.length} more values than the header has columns`, t.start[cols.length]!, e);
    }
    o.rows.push({ index: o.rows.length, counters, span: this.sp(s, e), line });
    o.end = this.base + e;
    return true;
  }

  /** `name   value` lines of the old `conntrack -S`. */
  legacyCounter(t: Tokens, s: number, e: number, line: number): void {
    if (!this.room(s, e)) return;
    const text = this.text;
    const name = text.slice(t.start[0]!, t.end[0]!);
    let o = this.open;
    if (!o || o.format !== 'stats-legacy' || !o.legacy || o.legacy.counters.has(name)) {
      o = this.begin('stats-legacy', this.base + s);
      o.legacy = { counters: new Map(), start: this.base + s, line };
    }
    const vs = t.start[1]!;
    const ve = t.end[1]!;
    const raw = text.slice(vs, ve);
    const value = decimal(text, vs, ve);
    if (!Number.isSafeInteger(value)) this.report('parse/conntrack-bad-value', `counter '${name}' is too large to be a kernel counter`, vs, ve);
    else o.legacy!.counters.set(name, { name: { value: name, span: this.sp(t.start[0]!, t.end[0]!) }, value: { value, span: this.sp(vs, ve) }, raw });
    o.end = this.base + e;
  }

  finish(): ConntrackStatsTable[] {
    this.close();
    return this.tables;
  }
}
