import type { ParseProblem } from '../../core/problem';
import { SKEW_CODE, skewSignature } from './skew';
import { isPlaceholder, REDACTED_CODE } from '../../core/redaction';
import type { Span } from '../../core/span';
import type { IptChain, IptOption, IptRule, IptTable, IptablesHeader, IptablesModel } from './model';
import { MAX_PROBLEMS, parseIptablesSave } from './parseSave';
import { DumpLines, TableLines } from './reread';
import { chainName } from './query';
import { RuleReader, type Chains } from './rule';
import { markChainsEdited, RuleStore, SaveCounters, SaveRule, type SaveMatch, type SaveOption } from './saveModel';
import { TokenBuffer, tokenizeRange, type SaveToken } from './tokenize';

/**
 * Re-reading an edited `iptables-save` dump line by line instead of parsing it again.
 *
 * The save format is line-oriented: a rule is one line, and what a rule line means depends only on
 * its table, the chains declared before it and the dump's address family. So an edit that touches
 * only rule lines (`-A ...`, optionally after `[packets:bytes]`) and empty lines, inside a table that
 * ends with COMMIT, is read by re-reading those lines with the reader the full parser uses, and
 * moving everything after them by the edit's length. Any other edit inside one committed table (a
 * chain declaration, `-N`, the `*name` line, a line typed half-way) invalidates that table: the full
 * parser reads the table's text alone and it replaces the old one (`rereadTable`). What neither
 * takes (an edit of COMMIT or between tables, comments, a paste or fragment dump, version skew,
 * 1,000 problems) answers `undefined`, and the caller parses the whole text: the full parser stays
 * the reference, and test/engine/incrementalEquivalence.test.ts checks on random edit sequences
 * over the fixtures that both agree.
 *
 * The previous model is consumed: its rules' rows (saveModel.ts `RuleStore`: a rule's offsets are
 * numbers in its store's columns, its tokens are made on access), its chains and the details still
 * kept are moved in place (about 300,000 numbers on a 75,000-line dump, a millisecond), and the
 * edited lines' rules get a store of their own; so it must not be read after the update.
 */

/** One edit of the text: old[start, oldEnd) became new[start, newEnd). */
export interface TextChange {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** The lines the re-reader accepts: a rule appended to a chain, optionally with counters. */
const RULE_LINE = /(?:\[\d+:\d+\][ \t]*)?-A[ \t]/y;
/**
 * What parseSave.ts counts as the start of a record (its RECORD_START, for the paste reader): the
 * line after the re-read lines must start one, so the paste reader never joins it to them.
 */
const RECORD_START = /(?:-[A-Z][ \t]|\[\d+:\d+\]|:|\*|#|COMMIT\b)/y;
const COUNTERS = /^\[(\d+):(\d+)\]$/;

/** Problem codes that mean the full parser read the text through a paste or fragment view, or folded problems of many lines into one. */
const VIEW_CODES = new Set(['parse/paste', 'parse/iptables-fragment', SKEW_CODE, REDACTED_CODE]);

/**
 * `tableBudget`: the longest table (in characters) an edit may have read again; a caller that
 * must answer at once (the editor between keystrokes) gives one, and waits for a pause in typing
 * before it lets a big table or the whole dump be read.
 */
export function updateSaveModel(model: IptablesModel, oldText: string, newText: string, change: TextChange, lineOf: (offset: number) => number, tableBudget = Infinity): IptablesModel | undefined {
  if (model.variant !== 'save' || model.problems.length >= MAX_PROBLEMS) return undefined;
  if (model.problems.some((p) => VIEW_CODES.has(p.code))) return undefined;
  const delta = change.newEnd - change.oldEnd;
  if (newText.length !== oldText.length + delta) return undefined;
  // The touched lines: old[a, b) became new[a, b + delta). Both end after a line break (or at the
  // end of the text), which the edit left alone; a "\n" typed right after a lone "\r" would join
  // the line before them into one CRLF break, and is left to the full parser.
  const a = lineStart(oldText, change.start);
  const b = lineEndAfter(oldText, change.oldEnd);
  if (a > 0 && oldText.charCodeAt(a - 1) === 13 && newText.charCodeAt(a) === 10) return undefined;
  const family = dumpFamily(oldText);
  if (family !== dumpFamily(newText)) return undefined;
  const tableIndex = model.tables.findIndex((t) => t.span.start < a && t.commit !== undefined && t.commit.start >= b);
  const table = model.tables[tableIndex];
  // (Fragment and paste dumps were turned away above; a table without COMMIT is never chosen.)
  // The table's own `*name` line starts in the first column: the paste reader finds no common indentation.
  const rulesOnly = table !== undefined && startsLine(oldText, table.span.start) && onlyRuleLines(oldText, a, b) && onlyRuleLines(newText, a, b + delta);
  if (!table || !rulesOnly || !startsRecordOrBlank(newText, b + delta)) return rereadTable(model, oldText, newText, change, lineOf, family, tableBudget);

  const chains = chainMap(table);
  const chainsSeen = declaredBefore(table.chains, a);
  const firstLine = lineOf(a);
  const dump = new DumpLines(newText, family);
  const origin = new TableLines(dump, table.name.value, chains);
  // The table's store reads the new lines against the new text; given back if the update is declined.
  const store = sharedStore(table.rules);
  const oldOrigin = store?.origin;
  if (store) store.origin = origin;
  const decline = (): undefined => {
    if (store && oldOrigin) store.origin = oldOrigin;
    return undefined;
  };
  const read = readRuleLines(newText, a, b + delta, firstLine, table.name.value, chains, chainsSeen, origin, family, store);
  if (!read) return decline();
  // An edited line that reads as version skew is folded by the full parser (skew.ts): let it.
  if (read.problems.length > 0 && newText.slice(a, b + delta).split(/\r\n|\r|\n/).some(skewSignature)) return decline();
  // So is a blanked-out value (`-s x.x.x.x/32`): its error goes into the dump's one redaction note (core/redaction.ts).
  if (read.problems.some((p) => isPlaceholder(newText.slice(p.span.start, p.span.end)))) return decline();
  const lineDelta = breaks(newText, a, b + delta) - breaks(oldText, a, b);

  const before = model.problems.filter((p) => p.span.start < a);
  const after = model.problems.filter((p) => p.span.start >= b);
  if (before.length + read.problems.length + after.length >= MAX_PROBLEMS) return decline();

  // From here on the previous model is changed in place.
  const shift = new Shift(delta, lineDelta);
  const rules = table.rules;
  const i0 = firstAtOrAfter(rules, a);
  const i1 = firstAtOrAfter(rules, b);
  // Most edits (a keystroke in a rule's matches or comment) leave each edited rule in its chain
  // with its target: the rule objects then take the new rows, and the table, its chains and their
  // rule lists stay the same objects, so what was built on them (navigation.ts' rule index by
  // chain and jump target, ~10 ms on a 75,000-line dump) stays valid and is not built again.
  const sameShape = takeOver(rules, i0, i1, read.rules);
  if (!sameShape) {
    const removed = new Set(rules.slice(i0, i1));
    const touched = new Set<IptChain>();
    for (const r of removed) {
      const c = chains.get(r.chain.value);
      if (c && c.rules.includes(r)) touched.add(c);
    }
    for (const { chain } of read.rules) if (chain) touched.add(chain);
    for (const c of touched) {
      const list = c.rules;
      const j0 = firstAtOrAfter(list, a);
      const j1 = firstAtOrAfter(list, b);
      const added = read.rules.filter((r) => r.chain === c).map((r) => r.rule);
      (c as Writable<IptChain>).rules = [...list.slice(0, j0), ...added, ...list.slice(j1)];
    }
  }
  const tables: IptTable[] = [];
  model.tables.forEach((t, k) => {
    if (k < tableIndex) {
      const own = new TableLines(dump, t.name.value, chainMap(t));
      for (const r of t.rules) setOrigin(r, own);
      markChainsEdited(t, []);
      tables.push(t);
    } else if (k === tableIndex) {
      for (let i = 0; i < i0; i++) setOrigin(rules[i]!, origin);
      for (let i = i1; i < rules.length; i++) {
        setOrigin(rules[i]!, origin);
        shift.rule(rules[i]!);
      }
      for (const c of t.chains) if (c.span.start >= b) shift.chain(c);
      // The chains whose rules were read again get a new edit stamp (rules keep per-chain work by it).
      const edited = new Set(read.rules.map((r) => r.rule.chainName));
      if (sameShape) {
        (t as Writable<IptTable>).commit = shift.span(t.commit!);
        markChainsEdited(t, edited);
        tables.push(t);
      } else {
        for (let i = i0; i < i1; i++) edited.add(chainName(rules[i]!));
        const next = { ...t, rules: [...rules.slice(0, i0), ...read.rules.map((r) => r.rule), ...rules.slice(i1)], commit: shift.span(t.commit!) };
        markChainsEdited(next, edited);
        tables.push(next);
      }
    } else {
      const own = new TableLines(dump, t.name.value, chainMap(t));
      for (const r of t.rules) {
        setOrigin(r, own);
        shift.rule(r);
      }
      for (const c of t.chains) shift.chain(c);
      // Moved in place: its rules and chains are the same objects (so is what was built on them).
      markChainsEdited(t, []);
      tables.push(shift.tableInPlace(t));
    }
  });
  return {
    variant: 'save',
    ...(model.header ? { header: model.header.span.start >= b ? shift.header(model.header) : model.header } : {}),
    ...(model.legacyTablesWarning ? { legacyTablesWarning: model.legacyTablesWarning.start >= b ? shift.span(model.legacyTablesWarning) : model.legacyTablesWarning } : {}),
    tables,
    problems: [...before, ...read.problems, ...after.map((p) => ({ ...p, span: shift.span(p.span) }))],
  };
}

/**
 * An edit of a table's structure (a chain declaration, its `*name` line, a comment inside it, a
 * line typed half-way): that table is read again by the full parser, on its own text from its
 * `*name` line to its COMMIT line, and put in place of the old one; the tables after it move by
 * the edit. Declined when the edit is not inside one committed table before and after (it touched
 * COMMIT, a boundary, or text between tables), when the table has comment lines (the parser reads
 * the header and warnings from them), or when the table read alone says something only a whole
 * dump says (a paste or fragment note, version skew, another family).
 */
function rereadTable(model: IptablesModel, oldText: string, newText: string, change: TextChange, lineOf: (offset: number) => number, family: ReturnType<typeof dumpFamily>, budget: number): IptablesModel | undefined {
  const delta = change.newEnd - change.oldEnd;
  const k = model.tables.findIndex((t) => t.commit !== undefined && lineStart(oldText, t.span.start) <= change.start && change.oldEnd <= t.commit.end);
  const table = model.tables[k];
  if (!table?.commit) return undefined;
  // A table still open before it is closed by its `*name` line, with a problem only the whole dump shows.
  if (k > 0 && !model.tables[k - 1]!.commit) return undefined;
  const start = lineStart(oldText, table.span.start);
  const oldEnd = lineEndAfter(oldText, table.commit.end);
  if (start !== table.span.start || (start > 0 && oldText.charCodeAt(start - 1) === 13 && newText.charCodeAt(start) === 10)) return undefined;
  const newEnd = oldEnd + delta;
  if (newEnd - start > budget) return undefined;
  if (!oneTable(newText, start, newEnd) || !startsRecordOrBlank(newText, newEnd)) return undefined;
  // The table alone has no header line: the dump's is put in front when the family depends on it.
  let sub = newText.slice(start, newEnd);
  let prefix = 0;
  if (dumpFamily(sub) !== family) {
    if (!model.header || model.header.span.start >= start) return undefined;
    const header = `${oldText.slice(model.header.span.start, model.header.span.end)}\n`;
    sub = header + sub;
    prefix = header.length;
    if (dumpFamily(sub) !== family) return undefined;
  }
  const read = parseIptablesSave(sub);
  const t = read.tables[0];
  if (read.tables.length !== 1 || !t?.commit || t.complete === false || t.inferred || (read.header !== undefined) !== prefix > 0 || read.legacyTablesWarning) return undefined;
  if (read.problems.some((p) => VIEW_CODES.has(p.code) || p.code === 'parse/iptables-truncated')) return undefined;
  const before = model.problems.filter((p) => p.span.start < start);
  const after = model.problems.filter((p) => p.span.start >= oldEnd);
  if (before.length + read.problems.length + after.length >= MAX_PROBLEMS) return undefined;

  // The table read alone, moved to where it is; then the tables after it, by the edit.
  const firstLine = lineOf(start);
  const place = new Shift(start - prefix, firstLine - (prefix > 0 ? 1 : 0));
  const dump = new DumpLines(newText, family);
  const own = new TableLines(dump, t.name.value, chainMap(t));
  for (const r of t.rules) {
    place.rule(r);
    setOrigin(r, own);
  }
  for (const c of t.chains) place.chain(c);
  const shift = new Shift(delta, breaks(newText, start, newEnd) - breaks(oldText, start, oldEnd));
  const tables = model.tables.map((x, i) => {
    if (i === k) {
      // Every chain of the table read again is a new list: nothing kept for the old one can match it.
      const read = place.table(t);
      markChainsEdited(read, []);
      return read;
    }
    const lines = new TableLines(dump, x.name.value, chainMap(x));
    for (const r of x.rules) {
      setOrigin(r, lines);
      if (i > k) shift.rule(r);
    }
    markChainsEdited(x, []);
    if (i < k) return x;
    for (const c of x.chains) shift.chain(c);
    const moved = shift.table(x);
    markChainsEdited(moved, []);
    return moved;
  });
  return {
    variant: 'save',
    ...(model.header ? { header: model.header.span.start >= oldEnd ? shift.header(model.header) : model.header } : {}),
    ...(model.legacyTablesWarning ? { legacyTablesWarning: model.legacyTablesWarning.start >= oldEnd ? shift.span(model.legacyTablesWarning) : model.legacyTablesWarning } : {}),
    tables,
    problems: [...before, ...read.problems.map((p) => ({ ...p, span: place.span(p.span) })), ...after.map((p) => ({ ...p, span: shift.span(p.span) }))],
  };
}

/** text[from, to) is one table: a `*name` line first, a line that is exactly COMMIT last, and between them no table, COMMIT or comment line. */
function oneTable(text: string, from: number, to: number): boolean {
  if (text.charCodeAt(from) !== 42 /* * */) return false;
  let start = from;
  let last = -1;
  while (start < to) {
    const end = lineContentEnd(text, start, to);
    const c = text.charCodeAt(start);
    if (start > from && (c === 42 || c === 35 || (c === 67 && text.startsWith('COMMIT', start)))) {
      if (c !== 67 || last !== -1) return false;
      last = start;
      if (end !== start + 6) return false;
    } else if (c === 35) return false;
    if (end >= to) break;
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
  // COMMIT is the last line.
  return last !== -1 && nextLineStart(text, last, to) >= to;
}

function nextLineStart(text: string, from: number, to: number): number {
  const end = lineContentEnd(text, from, to);
  if (end >= to) return to;
  return text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
/** A model chain as parseSave.ts makes it (its class is private there): declaration order and offsets. */
type ModelChain = IptChain & { readonly order: number; readonly start: number; readonly end: number };

interface ReadRule {
  readonly rule: SaveRule;
  /** The declared chain it is appended to (undefined: reported as undeclared). */
  readonly chain: IptChain | undefined;
}

/**
 * The rule lines text[from, to), read exactly as parseSave.ts reads a rule line inside a table
 * (counters prefix, tokens, unterminated quote, the reader, the chain lookup limited to the chains
 * declared before the line). Undefined for a line that declares a chain (`-N`).
 */
function readRuleLines(
  text: string,
  from: number,
  to: number,
  firstLine: number,
  table: string,
  chains: ReadonlyMap<string, ModelChain>,
  chainsSeen: number,
  origin: TableLines,
  family: ReturnType<typeof dumpFamily>,
  tableStore: RuleStore | undefined,
): { rules: ReadRule[]; problems: ParseProblem[] } | undefined {
  const problems: ParseProblem[] = [];
  const reader = new RuleReader(problems, family);
  // The lines' rules join their table's store when it holds all its rules (so the table stays one
  // store: navigation.ts indexes such a table by its interned name ids, not by interning every
  // rule's names again on each keystroke); else they get a store of their own.
  const store = tableStore ?? new RuleStore(origin, table);
  const buf = new TokenBuffer();
  const rules: ReadRule[] = [];
  let start = from;
  let number = firstLine;
  while (start < to) {
    const end = lineContentEnd(text, start, to);
    if (end > start) {
      const at = start;
      const tEnd = plain(text.charCodeAt(end - 1)) ? end : start + text.slice(start, end).trimEnd().length;
      let bodyStart = at;
      let counters: SaveCounters | undefined;
      if (text.charCodeAt(at) === 91 /* [ */) {
        const close = text.indexOf(']', at);
        const m = COUNTERS.exec(text.slice(at, close + 1));
        if (!m) return undefined;
        counters = new SaveCounters(Number(m[1]), Number(m[2]), at, close + 1);
        bodyStart = close + 1;
      }
      const quote = tokenizeRange(text, bodyStart, end, 0, buf);
      if (quote >= 0) {
        problems.push({
          code: 'parse/iptables-unterminated-quote',
          message: 'a quote opened here is never closed; iptables-nft reads the rest of the line as one argument, iptables-legacy rejects it',
          span: { start: quote, end },
        });
      }
      const last = quote >= 0 ? buf.tokens[buf.n - 1] : undefined;
      const ruleEnd = quote >= 0 ? end : tEnd;
      const chainTok = reader.read(buf.tokens, buf.n, table, chains as Chains, chainsSeen, number, at, ruleEnd, counters, last);
      if (!chainTok) {
        if (reader.newChain) return undefined;
      } else {
        const declared = chains.get(chainTok.value);
        const chain = declared && declared.order < chainsSeen ? declared : undefined;
        if (chain) chainTok.value = chain.name.value;
        rules.push({ rule: store.add(chainTok, reader, number, at, ruleEnd, bodyStart, end, chainsSeen), chain });
        if (!chain)
          problems.push({
            code: 'parse/iptables-undeclared-chain',
            message: `chain ${chainTok.value} is not declared in table ${table} (no ':${chainTok.value}' line); iptables-restore would fail to add this rule`,
            span: chainTok.span,
          });
      }
    }
    if (end >= to) break;
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    number++;
  }
  if (store !== tableStore) store.trim();
  return { rules, problems };
}

/**
 * The store holding a table's rules, when they share one and it is not mostly rows of rules that
 * edits replaced (each re-read line adds a row; the replaced rows stay until the next full parse).
 */
function sharedStore(rules: readonly IptRule[]): RuleStore | undefined {
  const first = rules[0];
  if (!(first instanceof SaveRule)) return undefined;
  const store = first.store;
  if (store.rows.n > 2 * rules.length + 4096) return undefined;
  for (const r of rules) if (!(r instanceof SaveRule) || r.store !== store) return undefined;
  return store;
}

/** Moves spans and line numbers of everything after the edit. */
class Shift {
  constructor(
    readonly by: number,
    readonly lines: number,
  ) {}

  span(s: Span): Span {
    return { start: s.start + this.by, end: s.end + this.by };
  }

  /** A model object with own `start` / `end` (tokens, counters, targets): moved in place. */
  offsets(o: { readonly start: number; readonly end: number } | undefined): void {
    if (!o) return;
    const w = o as Writable<typeof o>;
    w.start += this.by;
    w.end += this.by;
  }

  rule(r: IptRule): void {
    const s = r as SaveRule;
    // The rule's own numbers are a row of its store: offsets, line, basic matches, counters, fragment.
    s.store.shift(s.row, this.by, this.lines);
    // Details still kept (at most KEPT_DETAILS per store, saveModel.ts) are moved too: reading
    // them again would cost the next lint more than the whole update. Their tokens are their own
    // (the details come from a second reading of the line), and the target's options are the
    // details' `targetOptions` array.
    const d = s.det;
    if (d !== undefined) {
      this.offsets(d.command);
      for (const m of d.matches) {
        this.offsets(m as SaveMatch);
        this.offsets(m.name as SaveToken);
        for (const o of m.options) this.option(o);
      }
      for (const o of d.targetOptions) this.option(o);
    }
  }

  option(o: IptOption): void {
    this.offsets(o as SaveOption);
    this.offsets(o.name as SaveToken);
    for (const v of o.values) this.offsets(v as SaveToken);
    if (o.negation) (o as Writable<IptOption>).negation = this.span(o.negation);
  }

  chain(c: IptChain): void {
    this.offsets(c as ModelChain);
    this.offsets(c.name as SaveToken);
    this.offsets(c.policy as SaveToken | undefined);
    this.offsets(c.counters as SaveCounters | undefined);
  }

  /** The table itself with its own spans moved (the previous model is consumed: nothing else reads them). */
  tableInPlace(t: IptTable): IptTable {
    const w = t as Writable<IptTable>;
    w.name = { ...t.name, span: this.span(t.name.span) };
    w.span = this.span(t.span);
    if (t.commit) w.commit = this.span(t.commit);
    return t;
  }

  table(t: IptTable): IptTable {
    return { ...t, name: { ...t.name, span: this.span(t.name.span) }, span: this.span(t.span), ...(t.commit ? { commit: this.span(t.commit) } : {}) };
  }

  header(h: IptablesHeader): IptablesHeader {
    return {
      ...h,
      span: this.span(h.span),
      tool: { ...h.tool, span: this.span(h.tool.span) },
      ...(h.version ? { version: { ...h.version, span: this.span(h.version.span) } } : {}),
      ...(h.backend ? { backend: { ...h.backend, span: this.span(h.backend.span) } } : {}),
    };
  }
}

/**
 * When the re-read lines are as many rules as they replace, each in the same chain (declared or
 * not, by the same name) with the same target name, the old rule objects take the new rules' rows
 * (a rule object is its store and row: saveModel.ts) and their kept details are dropped; true
 * then. Else nothing is changed and the caller splices the new rule objects in.
 */
function takeOver(rules: readonly IptRule[], i0: number, i1: number, read: readonly ReadRule[]): boolean {
  if (i1 - i0 !== read.length) return false;
  for (let k = 0; k < read.length; k++) {
    const old = rules[i0 + k];
    const next = read[k]!.rule;
    if (!(old instanceof SaveRule) || old.chainName !== next.chainName || old.targetName !== next.targetName) return false;
  }
  for (let k = 0; k < read.length; k++) {
    const old = rules[i0 + k] as SaveRule as unknown as { store: RuleStore; row: number; det: SaveRule['det'] };
    const next = read[k]!.rule;
    old.store = next.store;
    old.row = next.row;
    old.det = undefined;
  }
  return true;
}

function setOrigin(r: IptRule, origin: TableLines): void {
  (r as SaveRule).store.origin = origin;
}

/** The chains of a table by name (their declaration order is `order`), built once per chains array. */
const chainMaps = new WeakMap<readonly IptChain[], ReadonlyMap<string, ModelChain>>();
function chainMap(t: IptTable): ReadonlyMap<string, ModelChain> {
  let m = chainMaps.get(t.chains);
  if (!m) {
    m = new Map((t.chains as readonly ModelChain[]).map((c) => [c.name.value, c]));
    chainMaps.set(t.chains, m);
  }
  return m;
}

/** How many chains (in declaration order) were declared before `offset`. */
function declaredBefore(chains: readonly IptChain[], offset: number): number {
  let lo = 0;
  let hi = chains.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chains[mid]!.span.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first item whose `start` is at or after `offset` (items in text order). */
function firstAtOrAfter(items: readonly IptRule[], offset: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((items[mid] as SaveRule).lineStart < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const plain = (c: number): boolean => c > 32 && c < 127;

/** Start of the line that holds `pos` (a position between "\r" and "\n" belongs to the line they end). */
function lineStart(text: string, pos: number): number {
  let p = Math.min(pos, text.length);
  if (p > 0 && text.charCodeAt(p - 1) === 13 && text.charCodeAt(p) === 10) p--;
  // A scan back to the previous break, not lastIndexOf('\r'): in a dump without CR that one reads
  // the whole text before the edit on every keystroke.
  while (p > 0) {
    const c = text.charCodeAt(p - 1);
    if (c === 10 || c === 13) break;
    p--;
  }
  return p;
}

/** End of the line that holds `pos`, after its line break (or the end of the text). */
function lineEndAfter(text: string, pos: number): number {
  if (pos > 0 && text.charCodeAt(pos - 1) === 13 && text.charCodeAt(pos) === 10) return pos + 1;
  const e = lineContentEnd(text, pos, text.length);
  if (e >= text.length) return text.length;
  return text.charCodeAt(e) === 13 && text.charCodeAt(e + 1) === 10 ? e + 2 : e + 1;
}

/** End of the content of the line starting at `from` (its line break, or `to`). */
function lineContentEnd(text: string, from: number, to: number): number {
  // A scan to the next break, not indexOf('\r'): in a dump without CR that one reads to the end of the text.
  const stop = Math.min(to, text.length);
  let i = from;
  while (i < stop) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
    i++;
  }
  return to;
}

function startsLine(text: string, offset: number): boolean {
  return offset === 0 || text.charCodeAt(offset - 1) === 10 || text.charCodeAt(offset - 1) === 13;
}

/** Every line of text[from, to) is empty or a rule line. */
function onlyRuleLines(text: string, from: number, to: number): boolean {
  let start = from;
  while (start < to) {
    const end = lineContentEnd(text, start, to);
    if (end > start) {
      RULE_LINE.lastIndex = start;
      if (!RULE_LINE.test(text) || RULE_LINE.lastIndex > end) return false;
    }
    if (end >= to) break;
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
  return true;
}

/** The line at `offset` is absent, blank, or starts a record of the save format. */
function startsRecordOrBlank(text: string, offset: number): boolean {
  if (offset >= text.length) return true;
  const end = lineContentEnd(text, offset, text.length);
  if (text.slice(offset, end).trim() === '') return true;
  RECORD_START.lastIndex = offset;
  return RECORD_START.test(text);
}

/** Line breaks in text[from, to) ("\r\n" counts once). */
function breaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

/**
 * The address family of a dump, as parseSave.ts decides it (its `dumpFamily`, copied while that
 * file is being changed by the fragment reader; the equivalence test pins that both agree).
 */
function dumpFamily(text: string): 'ipv4' | 'ipv6' | undefined {
  const h = /^#[ \t]*Generated by (\S+)/m.exec(text);
  if (h) return h[1]!.startsWith('ip6') ? 'ipv6' : 'ipv4';
  const re = /(?:^|[ \t])(?:-[sd]|--source|--destination|--src|--dst)[ \t]+!?[ \t]*([0-9A-Fa-f:.]+)/g;
  let v4 = 0;
  let v6 = 0;
  for (let m = re.exec(text), n = 0; m && n < 2000; m = re.exec(text), n++) {
    if (m[1]!.includes(':')) v6++;
    else if (m[1]!.includes('.')) v4++;
  }
  return v4 > v6 ? 'ipv4' : v6 > v4 ? 'ipv6' : undefined;
}
