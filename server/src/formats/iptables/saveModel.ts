import type { Span } from '../../core/span';
import type { Counters, IptBasicMatch, IptMatch, IptOption, IptRule, IptTable, IptTarget } from './model';
import { SaveToken, spanOf, type Fields } from './tokenize';

/**
 * The model classes of the `iptables-save` parser, and how a dump's rules stay cheap to keep.
 *
 * A 75,000-line kube-proxy dump has about 55,000 rules. Read into plain objects (tokens, options,
 * matches, their arrays) that is about 1,100,000 objects, and keeping them alive is what a parse
 * spends most of its time on: every object that survives is copied by the garbage collector.
 * Rules, hovers and navigation mostly ask each rule for its chain and its target name; only a
 * few rules are looked at closely. So what is asked of every rule (chain, target name and span,
 * basic matches, counters, line and span) is kept as numbers in the columns of its table's
 * `RuleStore` (a `SaveRule` is the store and a row number; its tokens are made when asked for),
 * and the rest of its line (command, matches, target options) is read again the first time any
 * of it is asked for (see `RuleOrigin`); the parse has already checked the line and reported its
 * problems, so the second reading only builds objects. Everything the `IptRule` interface
 * promises is there, only computed on access; details stay kept for the most recently read
 * rules (KEPT_DETAILS).
 *
 * Fields are `declare`d and assigned in the constructor with `this.x =` (class field
 * initialisers cost more than the rest of the parse on V8 12, and V8 sizes objects by the
 * `this.x =` it sees), every field is an own property from the start (one shape per class), and
 * span objects are made when asked for (see tokenize.ts).
 */

/** Shared by every option without values, module without options and rule without matches (never written). */
export const NO_TOKENS: readonly SaveToken[] = Object.freeze([]);
export const NO_OPTIONS: readonly IptOption[] = Object.freeze([]);
export const NO_MATCHES: readonly IptMatch[] = Object.freeze([]);

/** An option of a match or target (`--dport 80`); its span runs from its `!` or name to its last value. */
export class SaveOption implements IptOption {
  declare readonly name: SaveToken;
  declare readonly negation?: Span;
  declare readonly values: readonly SaveToken[];
  declare readonly start: number;
  declare readonly end: number;

  constructor(name: SaveToken, negation: Span | undefined, values: readonly SaveToken[]) {
    const last = values.length > 0 ? values[values.length - 1]!.end : name.end;
    this.name = name;
    (this as Fields<SaveOption>).negation = negation;
    this.values = values;
    this.start = negation && negation.start < name.start ? negation.start : name.start;
    this.end = last > name.end ? last : name.end;
  }

  get span(): Span {
    return spanOf(this);
  }
}

/** `-m NAME` (or an implicit protocol match) with its options. */
export class SaveMatch implements IptMatch {
  declare readonly name: SaveToken;
  declare readonly explicit: boolean;
  /** The options as the reader collects them (grown by push, compacted when the line is read). */
  declare opts: readonly IptOption[];
  declare start: number;
  declare end: number;

  constructor(name: SaveToken, explicit: boolean, start: number, end: number) {
    this.name = name;
    this.explicit = explicit;
    this.opts = NO_OPTIONS;
    this.start = start;
    this.end = end;
  }

  get options(): readonly IptOption[] {
    return this.opts;
  }

  get span(): Span {
    return spanOf(this);
  }
}

/**
 * `-j NAME` / `-g NAME` with its options; the span runs from `-j` to the end of the last option.
 * A model rule makes one when asked (`SaveRule.target`); its options are the rule's details, read
 * on first access (`owner`).
 */
export class SaveTarget implements IptTarget {
  declare readonly kind: 'jump' | 'goto';
  declare readonly name: SaveToken;
  /** The options; undefined in a model rule's target whose options are in the rule's details. */
  declare opts: readonly IptOption[] | undefined;
  /** The model rule whose details hold the options (undefined while a line is being read). */
  declare owner: SaveRule | undefined;
  declare start: number;
  declare end: number;

  constructor(kind: 'jump' | 'goto', name: SaveToken, start: number, end: number) {
    this.kind = kind;
    this.name = name;
    this.opts = NO_OPTIONS;
    this.owner = undefined;
    this.start = start;
    this.end = end;
  }

  get options(): readonly IptOption[] {
    const opts = this.opts;
    if (opts !== undefined) return opts;
    return this.owner?.details().targetOptions ?? NO_OPTIONS;
  }

  get span(): Span {
    return spanOf(this);
  }
}

/** `[packets:bytes]` or `-c packets bytes`. */
export class SaveCounters implements Counters {
  declare readonly packets: number;
  declare readonly bytes: number;
  declare readonly start: number;
  declare readonly end: number;

  constructor(packets: number, bytes: number, start: number, end: number) {
    this.packets = packets;
    this.bytes = bytes;
    this.start = start;
    this.end = end;
  }

  get span(): Span {
    return spanOf(this);
  }
}

/** What a rule reads on first access (everything of `IptRule` a `SaveRule` does not keep itself). */
export interface RuleDetails {
  readonly command: SaveToken;
  readonly matches: readonly IptMatch[];
  /** The target's options (the rule's `SaveTarget` takes them). */
  readonly targetOptions: readonly IptOption[];
}

/** Reads a rule's line again (same text, table, chains and family as the parse) for its details. */
export interface RuleOrigin {
  /** The dump's text (a rule's values that are exactly their text are sliced from it). */
  readonly text: string;
  details(rule: SaveRule): RuleDetails;
}

/**
 * Where a rule's words are: the line text[bodyStart, bodyEnd) after any `[packets:bytes]` prefix;
 * the rule's span is [lineStart, lineEnd). (Not `start` / `end`: code that walks a model for
 * `{start, end}` objects to move them, as paste.ts `remapSpans` does, must not take a rule for one.)
 */
export interface RuleLine {
  readonly line: number;
  readonly lineStart: number;
  readonly lineEnd: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** How many chains of the table were declared before this line (a jump to a later one is not a chain jump). */
  readonly chainsSeen: number;
}

/**
 * The rules of a store whose details are kept: the last KEPT_DETAILS read (a ring) and the pinned
 * ones. Beside the store rather than in it, so that code walking a model's own properties for
 * `{start, end}` objects (paste.ts `remapSpans`, tests) meets the same objects whatever order
 * details were read in.
 */
interface Ring {
  readonly kept: (SaveRule | undefined)[];
  next: number;
  pinned: Set<SaveRule> | undefined;
}
const rings = new WeakMap<RuleStore, Ring>();

function ringOf(store: RuleStore): Ring {
  let ring = rings.get(store);
  if (!ring) rings.set(store, (ring = { kept: [], next: 0, pinned: undefined }));
  return ring;
}

/**
 * The columns of one rule, in an `Int32Array` row of `RuleStore` (offsets fit: files are capped
 * at 256 MB). A name is an index into the store's strings; -1 is "none".
 */
const LINE = 0;
const START = 1;
const END = 2;
const BODY_START = 3;
const BODY_END = 4;
const CHAINS_SEEN = 5;
const CHAIN_START = 6;
const CHAIN_END = 7;
const CHAIN_NAME = 8;
/** HAS_TARGET | GOTO | TARGET_OPTIONS, and the number of basic matches << BASIC_SHIFT. */
const FLAGS = 9;
const TARGET_START = 10;
const TARGET_END = 11;
const TNAME_START = 12;
const TNAME_END = 13;
const TNAME = 14;
/** Index of the rule's first basic match in `RuleStore.basics` (they are consecutive). */
const BASIC = 15;
/**
 * The rule's `-m comment --comment` value (what `query.ts` `ruleComment` answers): its offsets, and
 * a name index, -1 when the value is the text itself, or -2 when the rule has no comment. Kept
 * because lint rules read the comment of thousands of rules (kube-proxy's "has no endpoints"
 * rules, the service a chain serves), which re-read their whole lines otherwise.
 */
const COMMENT_START = 16;
const COMMENT_END = 17;
const COMMENT = 18;
const STRIDE = 19;
const NO_COMMENT = -2;

const HAS_TARGET = 1;
const GOTO = 2;
/** The target has options: they are read with the rule's details. */
const TARGET_OPTIONS = 4;
const BASIC_SHIFT = 3;

/** A basic match's columns: which one, its value token (the name is -1 when the value is the text itself), its `!`. */
const B_KEY = 0;
const B_START = 1;
const B_END = 2;
const B_NAME = 3;
const B_NEG_START = 4;
const B_NEG_END = 5;
const B_STRIDE = 6;

const BASIC_KEYS = ['source', 'destination', 'inInterface', 'outInterface', 'protocol'] as const;
type BasicKey = (typeof BASIC_KEYS)[number];

/**
 * Fixed-size rows of numbers in chunks: the first chunk grows by doubling up to CHUNK_ROWS rows,
 * later ones are allocated whole, so growing never copies more than one chunk and a big dump
 * never holds two copies of its columns. `trim` gives back the last chunk's spare rows.
 */
const CHUNK_BITS = 13;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_ROWS - 1;

class Rows {
  readonly chunks: Int32Array[] = [];
  n = 0;

  constructor(readonly stride: number) {}

  /** A new row (zeros); its offset in `chunkOf(row)` is `offsetOf(row)`. */
  add(): number {
    const row = this.n;
    const k = row >>> CHUNK_BITS;
    const i = row & CHUNK_MASK;
    const chunks = this.chunks;
    if (k === chunks.length) chunks.push(new Int32Array((k === 0 ? 16 : CHUNK_ROWS) * this.stride));
    else if (i * this.stride >= chunks[k]!.length) {
      const grown = new Int32Array(Math.min(CHUNK_ROWS, i * 2) * this.stride);
      grown.set(chunks[k]!);
      chunks[k] = grown;
    }
    this.n = row + 1;
    return row;
  }

  chunkOf(row: number): Int32Array {
    return this.chunks[row >>> CHUNK_BITS]!;
  }

  offsetOf(row: number): number {
    return (row & CHUNK_MASK) * this.stride;
  }

  trim(): void {
    const k = this.chunks.length - 1;
    if (k < 0) return;
    const used = (this.n - (k << CHUNK_BITS)) * this.stride;
    if (used < this.chunks[k]!.length) this.chunks[k] = this.chunks[k]!.slice(0, used);
  }
}

/** A chain as the reader knows it: its name and its declaration order in its table. */
export interface ChainRef {
  readonly name: { readonly value: string };
  readonly order: number;
}

/** What a rule line gave the parse (rule.ts's reader after `read`), for `RuleStore.add`. */
export interface ReadLine {
  readonly source: IptBasicMatch | undefined;
  readonly destination: IptBasicMatch | undefined;
  readonly inInterface: IptBasicMatch | undefined;
  readonly outInterface: IptBasicMatch | undefined;
  readonly protocol: IptBasicMatch | undefined;
  readonly fragment: IptRule['fragment'];
  readonly counters: Counters | undefined;
  readonly target: SaveTarget | undefined;
  /** The declared chain the target names, if any. */
  readonly targetChain?: ChainRef | undefined;
  /** The value token of the rule's `-m comment --comment`, as `query.ts` `ruleComment` finds it in the details. */
  comment(): SaveToken | undefined;
}

/**
 * How many rules keep their details once read (per store, so per table of a dump): the most
 * recently read ones. A lint reads the details of a few thousand rules closely, some of them
 * several times; keeping every one it read held 75 MB with a 50 MB dump open.
 */
export const KEPT_DETAILS = 8192;

/**
 * The rules of one table of a dump (or of the lines an edit read again), as columns: what a rule
 * keeps (line, offsets, chain, target name and span, basic matches) is numbers in `Int32Array`
 * rows, names are indexes into one list of strings (chain and target names repeat: each is kept
 * once), and a value that is exactly its text (nearly every address and interface) is not kept
 * at all but sliced from the text when asked. A `SaveRule` is the store and a row number; its
 * tokens are made when asked for. A 200 MB kube-proxy dump kept 785 MB of rule, token, target
 * and basic-match objects; as columns its rules keep about a tenth of that.
 */
export class RuleStore {
  readonly rows = new Rows(STRIDE);
  readonly basics = new Rows(B_STRIDE);
  /** Chain, target and quoted value strings, each once. */
  readonly names: string[] = [];
  readonly nameIds = new Map<string, number>();
  /** Counters by row (`iptables-save -c`); allocated with the first rule that has any. */
  counters: (Counters | undefined)[] | undefined;
  /** `-f` by row (rare). */
  readonly fragments = new Map<number, NonNullable<IptRule['fragment']>>();
  /** Name index + 1 by chain declaration order (`internChain`); 0 is not known yet. */
  private chainIds = new Int32Array(16);
  /** The last name interned, and its index (rules come chain by chain). */
  private lastName = '';
  private lastId = -1;

  constructor(
    /** Reads a rule's line again for its details (the dump's current text, table, chains). */
    public origin: RuleOrigin,
    readonly table: string,
  ) {}

  /**
   * `intern(chain.name.value)`, remembered by the chain's declaration order: rules appended to a
   * chain or jumping to it need no lookup in the names map (40,000 names on a kube-proxy dump).
   */
  internChain(chain: ChainRef): number {
    const order = chain.order;
    let byOrder = this.chainIds;
    if (order >= byOrder.length) {
      const grown = new Int32Array(Math.max(order + 1, byOrder.length * 2));
      grown.set(byOrder);
      this.chainIds = byOrder = grown;
    }
    const known = byOrder[order]!;
    // An index is kept + 1 (0: not interned yet); the name check guards against a chain of another table.
    if (known > 0 && this.names[known - 1] === chain.name.value) return known - 1;
    const id = this.intern(chain.name.value);
    byOrder[order] = id + 1;
    return id;
  }

  intern(name: string): number {
    if (name === this.lastName && this.lastId >= 0) return this.lastId;
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    this.lastName = name;
    this.lastId = id;
    return id;
  }

  /** A rule as the reader read it: text[start, end) is the rule, text[bodyStart, bodyEnd) its words. */
  add(chain: SaveToken, read: ReadLine, line: number, start: number, end: number, bodyStart: number, bodyEnd: number, chainsSeen: number, chainRef?: ChainRef): SaveRule {
    const rows = this.rows;
    const row = rows.add();
    const c = rows.chunkOf(row);
    const o = rows.offsetOf(row);
    c[o + LINE] = line;
    c[o + START] = start;
    c[o + END] = end;
    c[o + BODY_START] = bodyStart;
    c[o + BODY_END] = bodyEnd;
    c[o + CHAINS_SEEN] = chainsSeen;
    c[o + CHAIN_START] = chain.start;
    c[o + CHAIN_END] = chain.end;
    c[o + CHAIN_NAME] = chainRef !== undefined && chainRef.name.value === chain.value ? this.internChain(chainRef) : this.intern(chain.value);
    let flags = 0;
    const target = read.target;
    if (target) {
      flags |= HAS_TARGET;
      if (target.kind === 'goto') flags |= GOTO;
      if (target.options.length > 0) flags |= TARGET_OPTIONS;
      c[o + TARGET_START] = target.start;
      c[o + TARGET_END] = target.end;
      c[o + TNAME_START] = target.name.start;
      c[o + TNAME_END] = target.name.end;
      const tc = read.targetChain;
      c[o + TNAME] = tc !== undefined && tc.name.value === target.name.value ? this.internChain(tc) : this.intern(target.name.value);
    }
    let nBasic = 0;
    c[o + BASIC] = this.basics.n;
    // One property each (in BASIC_KEYS order), not read[BASIC_KEYS[k]]: a keyed load by a changing name is V8's slow path.
    const { source, destination, inInterface, outInterface, protocol } = read;
    if (source !== undefined) nBasic += this.addBasic(0, source);
    if (destination !== undefined) nBasic += this.addBasic(1, destination);
    if (inInterface !== undefined) nBasic += this.addBasic(2, inInterface);
    if (outInterface !== undefined) nBasic += this.addBasic(3, outInterface);
    if (protocol !== undefined) nBasic += this.addBasic(4, protocol);
    c[o + FLAGS] = flags | (nBasic << BASIC_SHIFT);
    const comment = read.comment();
    if (comment === undefined) c[o + COMMENT] = NO_COMMENT;
    else {
      const text = this.origin.text;
      const v = comment.value;
      const s = comment.start;
      const e = comment.end;
      // Nearly always "..." around the value, or the bare value: offsets only, no string kept.
      // The tokenizer drops a word's quotes and each escaping backslash (tokenize.ts): a word that
      // starts and ends with a quote, has no backslash and is two longer than its value is closed
      // and its value is what is between the quotes. (The value of a quoted word is built piece by
      // piece: comparing it with the text would copy it.)
      if (e - s === v.length + 2 && text.charCodeAt(s) === 34 && text.charCodeAt(e - 1) === 34 && !hasBackslash(text, s + 1, e - 1)) this.setComment(c, o, s + 1, e - 1, -1);
      else if (e - s === v.length && text.startsWith(v, s)) this.setComment(c, o, s, e, -1);
      else this.setComment(c, o, s, e, this.intern(v));
    }
    if (read.counters !== undefined) (this.counters ??= [])[row] = read.counters;
    if (read.fragment !== undefined) this.fragments.set(row, read.fragment);
    return new SaveRule(this, row);
  }

  private setComment(c: Int32Array, o: number, start: number, end: number, name: number): void {
    c[o + COMMENT_START] = start;
    c[o + COMMENT_END] = end;
    c[o + COMMENT] = name;
  }

  /** The rule's comment value (undefined: none), from its columns. */
  comment(row: number): string | undefined {
    const c = this.rows.chunkOf(row);
    const o = this.rows.offsetOf(row);
    const name = c[o + COMMENT]!;
    if (name === NO_COMMENT) return undefined;
    return name >= 0 ? this.names[name]! : this.origin.text.slice(c[o + COMMENT_START]!, c[o + COMMENT_END]!);
  }

  /** Adds a basic match's row; returns 1 (the count of rows added). */
  private addBasic(key: number, b: IptBasicMatch): number {
    const basics = this.basics;
    const i = basics.add();
    const c = basics.chunkOf(i);
    const o = basics.offsetOf(i);
    const v = b.value as SaveToken;
    c[o + B_KEY] = key;
    c[o + B_START] = v.start;
    c[o + B_END] = v.end;
    const text = this.origin.text;
    // The value is the text itself unless it was quoted (or split from an attached short option).
    c[o + B_NAME] = v.end - v.start === v.value.length && text.startsWith(v.value, v.start) ? -1 : this.intern(v.value);
    c[o + B_NEG_START] = b.negation ? b.negation.start : -1;
    c[o + B_NEG_END] = b.negation ? b.negation.end : -1;
    return 1;
  }

  /** Reads a rule's details now and keeps them for good (a terminal-wrapped rule: its line is not in the text as it was read). */
  pin(rule: SaveRule): void {
    rule.details();
    const ring = ringOf(this);
    (ring.pinned ??= new Set()).add(rule);
  }

  /**
   * Maps every offset of every rule (paste.ts `toOriginal`: from the paste view the parse read to
   * the text as it was given), as paste.ts `remapSpans` maps the model's other `{start, end}`
   * objects. A value kept as "the text itself" whose place moves is kept as a string first.
   */
  remap(map: (offset: number, side: 'start' | 'end') => number): void {
    const pair = (c: Int32Array, o: number, a: number, b: number): void => {
      const start = c[o + a]!;
      const end = c[o + b]!;
      const s = map(start, start === end ? 'end' : 'start');
      const e = map(end, 'end');
      c[o + a] = s;
      c[o + b] = e < s ? s : e;
    };
    const rows = this.rows;
    for (let row = 0; row < rows.n; row++) {
      const c = rows.chunkOf(row);
      const o = rows.offsetOf(row);
      pair(c, o, START, END);
      pair(c, o, CHAIN_START, CHAIN_END);
      if (c[o + FLAGS]! & HAS_TARGET) {
        pair(c, o, TARGET_START, TARGET_END);
        pair(c, o, TNAME_START, TNAME_END);
      }
      if (c[o + COMMENT] !== NO_COMMENT) {
        const start = c[o + COMMENT_START]!;
        const end = c[o + COMMENT_END]!;
        pair(c, o, COMMENT_START, COMMENT_END);
        if (c[o + COMMENT] === -1 && (c[o + COMMENT_START] !== start || c[o + COMMENT_END] !== end)) c[o + COMMENT] = this.intern(this.origin.text.slice(start, end));
      }
    }
    const basics = this.basics;
    const text = this.origin.text;
    for (let i = 0; i < basics.n; i++) {
      const b = basics.chunkOf(i);
      const p = basics.offsetOf(i);
      const start = b[p + B_START]!;
      const end = b[p + B_END]!;
      pair(b, p, B_START, B_END);
      if (b[p + B_NAME] === -1 && (b[p + B_START] !== start || b[p + B_END] !== end)) b[p + B_NAME] = this.intern(text.slice(start, end));
      if (b[p + B_NEG_START]! >= 0) pair(b, p, B_NEG_START, B_NEG_END);
    }
    const remapSpan = (x: Span): Span => {
      const s = map(x.start, x.start === x.end ? 'end' : 'start');
      const e = map(x.end, 'end');
      return { start: s, end: e < s ? s : e };
    };
    for (const c of this.counters ?? []) {
      if (c === undefined) continue;
      const span = remapSpan(c as SaveCounters);
      const w = c as SaveCounters as Moving;
      w.start = span.start;
      w.end = span.end;
    }
    for (const [row, f] of this.fragments) this.fragments.set(row, f.negation ? { span: remapSpan(f.span), negation: remapSpan(f.negation) } : { span: remapSpan(f.span) });
  }

  /** Gives back spare rows once the table is read. */
  trim(): void {
    this.rows.trim();
    this.basics.trim();
    if (this.counters) this.counters.length = this.rows.n;
  }

  /** Keeps `rule`'s details (just read), letting go of the oldest kept ones past KEPT_DETAILS. */
  keep(rule: SaveRule): void {
    const ring = ringOf(this);
    const at = ring.next;
    const old = ring.kept[at];
    if (old !== undefined && old !== rule && !ring.pinned?.has(old)) old.det = undefined;
    ring.kept[at] = rule;
    ring.next = at + 1 === KEPT_DETAILS ? 0 : at + 1;
  }

  num(row: number, col: number): number {
    return this.rows.chunkOf(row)[this.rows.offsetOf(row) + col]!;
  }

  basic(row: number, key: BasicKey): IptBasicMatch | undefined {
    const c = this.rows.chunkOf(row);
    const o = this.rows.offsetOf(row);
    const n = c[o + FLAGS]! >>> BASIC_SHIFT;
    if (n === 0) return undefined;
    const want = BASIC_KEYS.indexOf(key);
    const basics = this.basics;
    for (let i = c[o + BASIC]!, e = i + n; i < e; i++) {
      const b = basics.chunkOf(i);
      const p = basics.offsetOf(i);
      if (b[p + B_KEY] !== want) continue;
      const start = b[p + B_START]!;
      const end = b[p + B_END]!;
      const name = b[p + B_NAME]!;
      const value = new SaveToken(name < 0 ? this.origin.text.slice(start, end) : this.names[name]!, start, end);
      const neg = b[p + B_NEG_START]!;
      return neg < 0 ? { value } : { value, negation: { start: neg, end: b[p + B_NEG_END]! } };
    }
    return undefined;
  }

  target(rule: SaveRule): SaveTarget | undefined {
    const row = rule.row;
    const c = this.rows.chunkOf(row);
    const o = this.rows.offsetOf(row);
    const flags = c[o + FLAGS]!;
    if ((flags & HAS_TARGET) === 0) return undefined;
    const name = new SaveToken(this.names[c[o + TNAME]!]!, c[o + TNAME_START]!, c[o + TNAME_END]!);
    const t = new SaveTarget(flags & GOTO ? 'goto' : 'jump', name, c[o + TARGET_START]!, c[o + TARGET_END]!);
    t.owner = rule;
    if (flags & TARGET_OPTIONS) t.opts = rule.det?.targetOptions;
    return t;
  }

  /**
   * Moves a row's offsets by `by` and its line by `lines` (incremental.ts, for the rules after an
   * edit). Counters objects move in place; fragment spans are replaced (findings may hold them).
   */
  shift(row: number, by: number, lines: number): void {
    const c = this.rows.chunkOf(row);
    const o = this.rows.offsetOf(row);
    c[o + LINE]! += lines;
    for (const col of MOVED) c[o + col]! += by;
    if (c[o + COMMENT] !== NO_COMMENT) {
      c[o + COMMENT_START]! += by;
      c[o + COMMENT_END]! += by;
    }
    const flags = c[o + FLAGS]!;
    if (flags & HAS_TARGET) for (const col of TARGET_MOVED) c[o + col]! += by;
    const basics = this.basics;
    for (let i = c[o + BASIC]!, e = i + (flags >>> BASIC_SHIFT); i < e; i++) {
      const b = basics.chunkOf(i);
      const p = basics.offsetOf(i);
      b[p + B_START]! += by;
      b[p + B_END]! += by;
      if (b[p + B_NEG_START]! >= 0) {
        b[p + B_NEG_START]! += by;
        b[p + B_NEG_END]! += by;
      }
    }
    const counters = this.counters?.[row] as SaveCounters as Moving | undefined;
    if (counters) {
      counters.start += by;
      counters.end += by;
    }
    const f = this.fragments.get(row);
    if (f) {
      const span = { start: f.span.start + by, end: f.span.end + by };
      this.fragments.set(row, f.negation ? { span, negation: { start: f.negation.start + by, end: f.negation.end + by } } : { span });
    }
  }
}

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 92) return true;
  return false;
}

/** A model object whose own offsets move (counters). */
type Moving = { start: number; end: number };

const MOVED = [START, END, BODY_START, BODY_END, CHAIN_START, CHAIN_END] as const;
const TARGET_MOVED = [TARGET_START, TARGET_END, TNAME_START, TNAME_END] as const;

/**
 * One rule line; the span is the line without its surrounding blanks. The rule is a row of its
 * store: every value is made from the row when asked for (a fresh token each time: nothing but
 * the row is kept), and its details are read from the line (`RuleOrigin`) and kept for a while.
 */
export class SaveRule implements IptRule, RuleLine {
  declare readonly store: RuleStore;
  declare readonly row: number;
  declare det: RuleDetails | undefined;

  constructor(store: RuleStore, row: number) {
    this.store = store;
    this.row = row;
    this.det = undefined;
  }

  get table(): string {
    return this.store.table;
  }
  get chain(): SaveToken {
    const s = this.store;
    const c = s.rows.chunkOf(this.row);
    const o = s.rows.offsetOf(this.row);
    return new SaveToken(s.names[c[o + CHAIN_NAME]!]!, c[o + CHAIN_START]!, c[o + CHAIN_END]!);
  }
  get target(): SaveTarget | undefined {
    return this.store.target(this);
  }
  get counters(): Counters | undefined {
    return this.store.counters?.[this.row];
  }
  get source(): IptBasicMatch | undefined {
    return this.store.basic(this.row, 'source');
  }
  get destination(): IptBasicMatch | undefined {
    return this.store.basic(this.row, 'destination');
  }
  get inInterface(): IptBasicMatch | undefined {
    return this.store.basic(this.row, 'inInterface');
  }
  get outInterface(): IptBasicMatch | undefined {
    return this.store.basic(this.row, 'outInterface');
  }
  get protocol(): IptBasicMatch | undefined {
    return this.store.basic(this.row, 'protocol');
  }
  get fragment(): IptRule['fragment'] {
    return this.store.fragments.get(this.row);
  }
  get line(): number {
    return this.store.num(this.row, LINE);
  }
  get lineStart(): number {
    return this.store.num(this.row, START);
  }
  get lineEnd(): number {
    return this.store.num(this.row, END);
  }
  get bodyStart(): number {
    return this.store.num(this.row, BODY_START);
  }
  get bodyEnd(): number {
    return this.store.num(this.row, BODY_END);
  }
  get chainsSeen(): number {
    return this.store.num(this.row, CHAINS_SEEN);
  }
  /** The chain name (no token made). */
  get chainName(): string {
    return this.store.names[this.store.num(this.row, CHAIN_NAME)]!;
  }
  /** The chain name's index in the store's `names`. */
  get chainId(): number {
    return this.store.num(this.row, CHAIN_NAME);
  }
  /** The target name's index in the store's `names`, -1 without a target. */
  get targetId(): number {
    const c = this.store.rows.chunkOf(this.row);
    const o = this.store.rows.offsetOf(this.row);
    return c[o + FLAGS]! & HAS_TARGET ? c[o + TNAME]! : -1;
  }
  /** The target's name (no token made); undefined without a target. */
  get targetName(): string | undefined {
    const s = this.store;
    const c = s.rows.chunkOf(this.row);
    const o = s.rows.offsetOf(this.row);
    return c[o + FLAGS]! & HAS_TARGET ? s.names[c[o + TNAME]!] : undefined;
  }
  /** The `-m comment --comment` value (no line read again). */
  get comment(): string | undefined {
    return this.store.comment(this.row);
  }

  /** The details, read from the line on first access and kept while they are among the store's most recent. */
  details(): RuleDetails {
    let d = this.det;
    if (d === undefined) {
      d = this.store.origin.details(this);
      this.det = d;
      this.store.keep(this);
    }
    return d;
  }

  /**
   * The details for one look: the kept ones, else read again and NOT kept. For scans that want one
   * plain value from every rule (a comment, a comparison key): keeping the details of every rule a
   * scan touched held 130 MB more after linting a 200 MB kube-proxy dump.
   */
  peek(): RuleDetails {
    return this.det ?? this.store.origin.details(this);
  }

  get command(): SaveToken {
    return this.details().command;
  }
  get matches(): readonly IptMatch[] {
    return this.details().matches;
  }

  get span(): Span {
    return { start: this.lineStart, end: this.lineEnd };
  }
}

/**
 * Which chains of a table an edit re-read in place, in order: incremental.ts logs a chain whose
 * rules' rows it replaced while the rule objects, the chain's list and the table stayed the same
 * objects (their identity alone does not say the rules changed). A rule that keeps per-chain work
 * (rules/shared/chainMemo.ts) remembers the stamp it saw and redoes only the chains logged since.
 * Stamps come from one counter, so a stamp never repeats; a table no edit reached has no log.
 */
interface EditLog {
  readonly chains: string[];
  readonly stamps: number[];
  /** Stamps at or below this were dropped from the log: who saw an older one must redo everything. */
  floor: number;
}
const chainEdits = new WeakMap<IptTable, EditLog>();
let editClock = 0;
/** Entries a log keeps (a memo that saw the table this many chain edits ago starts over). */
const LOGGED_EDITS = 1024;

/** The table's latest edit stamp (0: edited, no chain yet), or undefined for a table no edit has been re-read into. */
export function editStamp(table: IptTable): number | undefined {
  const log = chainEdits.get(table);
  if (!log) return undefined;
  return log.stamps.length > 0 ? log.stamps[log.stamps.length - 1]! : log.floor;
}

/** Chains edited in place after `stamp` (repeats possible), or undefined when the log no longer reaches back that far. */
export function chainsEditedSince(table: IptTable, stamp: number): readonly string[] | undefined {
  const log = chainEdits.get(table);
  if (!log || stamp < log.floor) return undefined;
  let k = log.stamps.length;
  while (k > 0 && log.stamps[k - 1]! > stamp) k--;
  return log.chains.slice(k);
}

/** Logs `chains` of `table` as edited in place now (an empty list marks the table as one edits are re-read into). */
export function markChainsEdited(table: IptTable, chains: Iterable<string>): void {
  let log = chainEdits.get(table);
  if (!log) chainEdits.set(table, (log = { chains: [], stamps: [], floor: editClock }));
  for (const c of chains) {
    log.chains.push(c);
    log.stamps.push(++editClock);
  }
  if (log.stamps.length > LOGGED_EDITS) {
    const drop = log.stamps.length - LOGGED_EDITS / 2;
    log.floor = log.stamps[drop - 1]!;
    log.chains.splice(0, drop);
    log.stamps.splice(0, drop);
  }
}
