import { nextToken } from './words';

/**
 * The columns of a listing as announced by its column header line. iptables prints (see
 * `print_header` / `print_rule_details` in iptables/xshared.c):
 *   [num ] [pkts bytes ] target prot opt [in out ] source destination [match and target text]
 * `num` with --line-numbers, `pkts bytes` and `in out` with -v. Columns are padded to a width but
 * a long value simply pushes the rest right, so rows are read token by token; header positions
 * only help to notice an empty target or a blank opt column.
 */
export interface Layout {
  readonly num: boolean;
  readonly counters: boolean;
  readonly opt: boolean;
  readonly via: boolean;
  /** Line-relative positions of the header words, when the header was seen. */
  readonly cols?: { readonly target: number; readonly prot: number; readonly opt?: number };
}

export interface Cell {
  readonly text: string;
  /** Line-relative. */
  readonly start: number;
  readonly end: number;
}

export interface RowCells {
  readonly num?: Cell;
  readonly pkts?: Cell;
  readonly bytes?: Cell;
  readonly target?: Cell;
  readonly prot: Cell;
  readonly opt?: Cell;
  readonly in?: Cell;
  readonly out?: Cell;
  readonly source: Cell;
  readonly destination: Cell;
  /** Line-relative start of the free-form text (= line length when there is none). */
  readonly textStart: number;
}

/** A row that could not be read; `cut` when it ends where a column should follow (a cut paste). */
export type RowRead = { readonly ok: true; readonly cells: RowCells } | { readonly ok: false; readonly message: string; readonly at?: Cell; readonly cut?: boolean };

export const COUNTER = /^(\d+)([KMGT]?)$/;
const OPT = /^[-!][-f]$/;
const HEADER_WORDS = new Set(['num', 'pkts', 'bytes', 'target', 'prot', 'opt', 'in', 'out', 'source', 'destination']);

/** Recognises the column header line and reads the layout from it. */
export function readHeader(line: string, lead: number): Layout | undefined {
  const found = new Map<string, number>();
  let pos = lead;
  for (;;) {
    const t = nextToken(line, pos);
    if (!t) break;
    if (!HEADER_WORDS.has(t.text)) return undefined;
    if (!found.has(t.text)) found.set(t.text, t.start);
    pos = t.end;
  }
  const first = nextToken(line, lead);
  if (!first || !['num', 'pkts', 'target'].includes(first.text) || !found.has('prot')) return undefined;
  const target = found.get('target');
  const prot = found.get('prot')!;
  const opt = found.get('opt');
  return {
    num: found.has('num'),
    counters: found.has('pkts'),
    opt: opt !== undefined,
    via: found.has('in'),
    ...(target !== undefined ? { cols: { target, prot, ...(opt !== undefined ? { opt } : {}) } } : {}),
  };
}

/** A layout for rows that come without a column header (the header line was not pasted). */
export function guessLayout(line: string, lead: number): Layout {
  const a = nextToken(line, lead);
  const b = a && nextToken(line, a.end);
  const c = b && nextToken(line, b.end);
  const counter = (t: Cell | undefined): boolean => t !== undefined && COUNTER.test(t.text);
  if (a && /^\d+$/.test(a.text) && counter(b) && counter(c)) return { num: true, counters: true, opt: true, via: true };
  if (counter(a) && counter(b)) return { num: false, counters: true, opt: true, via: true };
  if (a && /^\d+$/.test(a.text)) return { num: true, counters: false, opt: true, via: false };
  return { num: false, counters: false, opt: true, via: false };
}

const blankAt = (line: string, i: number): boolean => i >= line.length || line[i] === ' ' || line[i] === '\t';

/** Reads the fixed columns of one rule row; `lead` is where its first non-blank character is. */
export function readRow(line: string, lead: number, layout: Layout): RowRead {
  let pos = lead;
  let last: Cell | undefined;
  const take = (): Cell | undefined => {
    const t = nextToken(line, pos);
    if (t) {
      pos = t.end;
      last = t;
    }
    return t;
  };
  const cut = (what: string): RowRead => ({
    ok: false,
    ...(last ? { cut: true } : {}),
    message: last
      ? `this rule row ends after '${last.text}' where the ${what} column should follow (truncated paste?)`
      : `this rule row is empty where the ${what} column should be`,
  });

  let num: Cell | undefined;
  if (layout.num) {
    num = take();
    if (!num) return cut('num');
    if (!/^\d+$/.test(num.text)) return { ok: false, message: `'${num.text}' is not a rule number (the num column of --line-numbers)`, at: num };
  }
  let pkts: Cell | undefined;
  let bytes: Cell | undefined;
  if (layout.counters) {
    pkts = take();
    if (!pkts) return cut('pkts');
    if (!COUNTER.test(pkts.text)) return { ok: false, message: `'${pkts.text}' is not a packet counter (a number, optionally with K, M, G or T)`, at: pkts };
    bytes = take();
    if (!bytes) return cut('bytes');
    if (!COUNTER.test(bytes.text)) return { ok: false, message: `'${bytes.text}' is not a byte counter (a number, optionally with K, M, G or T)`, at: bytes };
  }

  // An empty target column (a rule without -j) shows as blanks: the next word is already prot.
  const p1 = nextToken(line, pos);
  if (!p1) return cut('target');
  const p2 = nextToken(line, p1.end);
  let emptyTarget = false;
  if (layout.opt && p2 && OPT.test(p2.text) && !OPT.test(p1.text)) emptyTarget = true;
  else if (layout.cols && !(p2 && OPT.test(p2.text))) {
    // No opt column to anchor on (old ip6tables leaves it blank): use the header positions.
    emptyTarget = blankAt(line, layout.cols.target) && p1.start >= layout.cols.prot - 1;
  }
  const target = emptyTarget ? undefined : take();
  const prot = take();
  if (!prot) return cut('prot');

  let opt: Cell | undefined;
  if (layout.opt) {
    const o = nextToken(line, pos);
    if (o && OPT.test(o.text)) opt = take();
    else if (!(layout.cols?.opt !== undefined && blankAt(line, layout.cols.opt) && blankAt(line, layout.cols.opt + 1))) {
      // Old ip6tables leaves the opt column blank; anything else there is not a rule row.
      if (!o) return cut('opt');
      return { ok: false, message: `expected the opt column ('--', '-f' or '!f') but found '${o.text}'; this line is not a rule row`, at: o };
    }
  }
  let inIf: Cell | undefined;
  let outIf: Cell | undefined;
  if (layout.via) {
    inIf = take();
    if (!inIf) return cut('in');
    outIf = take();
    if (!outIf) return cut('out');
  }
  const source = take();
  if (!source) return cut('source');
  const destination = take();
  if (!destination) return cut('destination');
  let textStart = pos;
  while (textStart < line.length && (line[textStart] === ' ' || line[textStart] === '\t')) textStart++;
  return {
    ok: true,
    cells: {
      ...(num ? { num } : {}),
      ...(pkts ? { pkts } : {}),
      ...(bytes ? { bytes } : {}),
      ...(target ? { target } : {}),
      prot,
      ...(opt ? { opt } : {}),
      ...(inIf ? { in: inIf } : {}),
      ...(outIf ? { out: outIf } : {}),
      source,
      destination,
      textStart,
    },
  };
}
