import type { ParseProblem } from '../../core/problem';
import { pushAll } from '../../core/arrays';
import type { Located, Span } from '../../core/span';
import { Lexer, Tk, lexemeValue } from './lexer';
import {
  NFT_FAMILIES,
  type NftChain,
  type NftCommand,
  type NftElement,
  type NftFamily,
  type NftIptablesWarning,
  type NftObject,
  type NftTable,
  type NftablesModel,
  type NftFlowtable,
  type Token,
} from './model';
import { readPriority } from './priority';
import { readElements, readStatements } from './statements';
import { TextRule, TextSet } from './textModel';
import { closing, isKw, isPunct, isWord, join, num, plain, type Tok } from './tokens';

/**
 * The text forms of a ruleset, in one pass: `nft list ruleset` / `nft list table` / `nft -a list`
 * (nested blocks, `# handle N`) and the `nft -f` script form (`add table …`, `add rule …`,
 * `add element …`, `flush`, `delete`), which nft itself accepts mixed in one file. A streaming
 * lexer feeds statements (words up to a newline or `;` outside brackets) to a stack of open
 * blocks: no recursion, memory for one statement at a time plus the model.
 */

const MAX_BRACKET_DEPTH = 64;
const MAX_PROBLEMS = 1000;
const HANDLE_COMMENT = /^#\s*handle\s+(\d+)\s*$/;
const IPTABLES_NFT_WARNING = /^#\s*Warning: table (\S+) (\S+) is managed by iptables-nft, do not touch!/;
const FAMILIES: ReadonlySet<string> = new Set(NFT_FAMILIES);
/** Table members that open a block of their own. */
const TABLE_MEMBERS: ReadonlySet<string> = new Set(['chain', 'set', 'map', 'flowtable', 'counter', 'quota', 'limit', 'secmark', 'synproxy', 'ct']);
const CT_OBJECTS: ReadonlySet<string> = new Set(['helper', 'timeout', 'expectation']);
const DEFINE_VERBS: ReadonlySet<string> = new Set(['add', 'create', 'insert', 'replace']);
const OTHER_VERBS: ReadonlySet<string> = new Set(['delete', 'destroy', 'flush', 'list', 'reset', 'rename', 'describe', 'monitor', 'export', 'import', 'get']);
const SCRIPT_WORDS: ReadonlySet<string> = new Set(['define', 'redefine', 'undefine', 'include']);
/** nft's chain types and hooks (src/parser_bison.y, src/rule.c): a base chain names one of each. */
const CHAIN_TYPES: ReadonlySet<string> = new Set(['filter', 'nat', 'route']);
const HOOKS: ReadonlySet<string> = new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);
/** nft keywords that cannot be a set's datatype (`type a . elements : policy`). */
const KEYWORDS_NOT_TYPES: ReadonlySet<string> = new Set(['table', 'chain', 'elements', 'policy', 'flags', 'type', 'typeof', 'timeout', 'size', 'comment', 'counter', 'hook', 'priority', 'map', 'set']);
/** nft keywords an unquoted table, chain or set name cannot be (its scanner returns them as tokens). */
const NAME_KEYWORDS: ReadonlySet<string> = new Set(['accept', 'drop', 'jump', 'goto', 'return', 'continue', 'queue', 'counter', 'table', 'chain', 'set', 'map', 'rule', 'element', 'elements',
  'ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev', 'tcp', 'udp', 'type', 'typeof', 'hook', 'comment', 'flags', 'policy', 'meta', 'ct', 'limit', 'quota', 'log', 'mark', 'priority', 'flowtable',
  'reject', 'dnat', 'snat', 'masquerade', 'redirect', 'notrack', 'handle', 'position', 'index']);
/** What `add`, `create`, `insert`, `replace` can make. */
const DEFINE_OBJECTS: ReadonlySet<string> = new Set(['table', 'chain', 'rule', 'set', 'map', 'element', 'flowtable', 'counter', 'quota', 'limit', 'ct', 'secmark', 'synproxy']);
/** Set and map properties; a table keyword where one is expected means the block was cut or mixed. */
const NOT_SET_PROPERTIES: ReadonlySet<string> = new Set(['map', 'set', 'chain', 'table', 'hook', 'priority', 'jump', 'goto', 'accept', 'drop', 'rule', 'element']);
const POLICIES: ReadonlySet<string> = new Set(['accept', 'drop']);
/** Set and map properties nft accepts once per block ("You can only specify this once"); the others may repeat. */
const SET_ONCE: ReadonlySet<string> = new Set(['comment', 'auto-merge']);

interface Statement {
  readonly toks: Tok[];
  /** What ended it: a newline, `;`, a block-opening `{`, the `}` of the enclosing block, or the end. */
  readonly end: 'nl' | ';' | '{' | '}' | 'eof';
  readonly endTok?: Tok;
  /** `# …` after the statement on its line. */
  readonly comment?: Tok;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

type TableB = Mutable<NftTable> & { key: string };
type ChainB = Mutable<NftChain>;
type SetB = TextSet;
type FlowB = Mutable<NftFlowtable>;
type ObjB = Mutable<NftObject>;

type Block =
  | { kind: 'table'; table: TableB; open: Tok; fresh: boolean }
  | { kind: 'chain'; table: TableB; chain: ChainB; open: Tok; fresh: boolean }
  | { kind: 'set'; table: TableB; set: SetB; open: Tok; fresh: boolean }
  | { kind: 'flowtable'; table: TableB; flow: FlowB; open: Tok; fresh: boolean }
  | { kind: 'object'; table: TableB; obj: ObjB; open: Tok; fresh: boolean };

/**
 * The chain or set `name` of a table (its `index` by name), made by `make` and appended to `list`
 * on its first mention. A reference (`implicit`) makes a stand-in; the declaration, when it comes
 * later, takes the stand-in over: its name token and span, and what `declare` copies from it.
 * Shared by the text and the JSON readers.
 */
export function mention<T extends { implicit: boolean; name: Token; span: Span }>(
  index: Map<string, T>,
  list: { push(x: T): number },
  name: Token,
  span: Span,
  implicit: boolean,
  make: () => T,
  declare?: (found: T) => void,
): T {
  let x = index.get(name.value);
  if (!x) {
    x = make();
    index.set(name.value, x);
    list.push(x);
  } else if (x.implicit && !implicit) {
    x.implicit = false;
    declare?.(x);
    x.name = name;
    x.span = span;
  }
  return x;
}

/**
 * `keepRead`: keep the statements and elements the parse read instead of reading them again on
 * first access (textModel.ts). For tests, which check that the second reading equals the first.
 */
export function parseNftablesText(text: string, options: { readonly keepRead?: boolean } = {}): NftablesModel {
  return new TextParser(text, options.keepRead === true).run();
}

class TextParser {
  private readonly lexer: Lexer;
  private readonly problems: ParseProblem[] = [];
  private readonly tables: TableB[] = [];
  private readonly tableIndex = new Map<string, TableB>();
  private readonly commands: NftCommand[] = [];
  private readonly warnings: NftIptablesWarning[] = [];
  private readonly stack: Block[] = [];
  /** Chains and sets of each table by name (the parser's, not kept in the model). */
  private readonly chainIndex = new Map<TableB, Map<string, ChainB>>();
  private readonly setIndex = new Map<TableB, Map<string, SetB>>();
  /** Set properties given so far in the set's current block (nft allows some only once). */
  private readonly seen = new Map<SetB, Set<string>>();
  /** `keepRead`: every element the parse read, by set. */
  private readonly keptElements = new Map<SetB, NftElement[]>();
  private scriptCommands = 0;
  private blockTables = 0;

  constructor(
    private readonly text: string,
    private readonly keepRead: boolean,
  ) {
    this.lexer = new Lexer(text);
  }

  run(): NftablesModel {
    for (;;) {
      const st = this.readStatement();
      this.handle(st);
      if (st.end === 'eof') break;
    }
    for (const b of this.stack) this.problem('parse/nftables-truncated', `\`${this.text.slice(b.open.span.start, b.open.span.end)}\` block is never closed (the paste ends inside it)`, this.blockSpan(b));
    const variant = this.scriptCommands > 0 && this.scriptCommands >= this.blockTables ? 'script' : 'list';
    return { variant, tables: this.tables, commands: this.commands, iptablesNftWarnings: this.warnings, problems: this.problems };
  }

  private blockSpan(b: Block): Span {
    const owner = b.kind === 'table' ? b.table : b.kind === 'chain' ? b.chain : b.kind === 'set' ? b.set : b.kind === 'flowtable' ? b.flow : b.obj;
    return owner.span;
  }

  private problem(code: `parse/${string}`, message: string, span: Span): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ code, message, span });
  }

  /** An unquoted name that is an nft keyword (`chain accept`) is a syntax error in nft. */
  private checkName(t: Tok | undefined): void {
    if (t && t.kind === Tk.Word && NAME_KEYWORDS.has(t.value)) this.problem('parse/nftables-syntax', `\`${t.value}\` is an nft keyword: a name spelled so must be quoted`, t.span);
  }

  /** What the statement and element readers report: syntax nft rejects. */
  private readonly report = (span: Span, message: string): void => this.problem('parse/nftables-syntax', message, span);

  private tok(l: { k: Tk; s: number; e: number; open?: true }): Tok {
    const t: Tok = { kind: l.k, value: lexemeValue(this.text, l), span: { start: l.s, end: l.e }, ...(l.open ? { open: true as const } : {}) };
    return t;
  }

  /** Words up to the end of the statement; brackets inside it (anonymous sets, element lists) are kept whole. */
  private readStatement(): Statement {
    const toks: Tok[] = [];
    let depth = 0;
    let comment: Tok | undefined;
    let depthReported = false;
    for (;;) {
      const l = this.lexer.next();
      if (!l) {
        if (depth > 0) this.problem('parse/nftables-truncated', 'the text ends inside `{ … }` or `( … )` (the paste was cut)', toks.length ? join(toks[0]!.span, toks[toks.length - 1]!.span) : { start: this.text.length, end: this.text.length });
        // nft reads a comment only up to a line break: one cut off at the very end is "unexpected junk".
        if (comment && comment.span.end === this.text.length) this.problem('parse/nftables-truncated', 'the text ends inside a `#` comment, without a line break (the paste was cut)', comment.span);
        return { toks, end: 'eof', ...(comment ? { comment } : {}) };
      }
      if (l.k === Tk.Newline) {
        if (depth > 0) continue;
        if (toks.length === 0 && !comment) continue;
        return { toks, end: 'nl', ...(comment ? { comment } : {}) };
      }
      const t = this.tok(l);
      if (l.k === Tk.Comment) {
        if (depth === 0) comment = t;
        continue;
      }
      if (l.k === Tk.String && l.open) this.problem('parse/nftables-syntax', 'string is never closed (missing `"`)', t.span);
      if (l.k === Tk.Punct) {
        if (t.value === ';' && depth === 0) return { toks, end: ';', endTok: t, ...(comment ? { comment } : {}) };
        if (t.value === '{' || t.value === '(') {
          if (depth === 0 && t.value === '{' && this.opensBlock(toks)) return { toks, end: '{', endTok: t, ...(comment ? { comment } : {}) };
          depth++;
          if (depth > MAX_BRACKET_DEPTH && !depthReported) {
            depthReported = true;
            this.problem('parse/nftables-syntax', `brackets nested deeper than ${MAX_BRACKET_DEPTH}: the statement is kept as opaque words`, t.span);
          }
        } else if (t.value === '}' || t.value === ')') {
          if (depth === 0) {
            if (t.value === '}') return { toks, end: '}', endTok: t, ...(comment ? { comment } : {}) };
            this.problem('parse/nftables-syntax', '`)` without a matching `(`', t.span);
            continue;
          }
          depth--;
        }
      }
      toks.push(t);
    }
  }

  /** Whether `{` after these words opens a block (a table or a table member), not an anonymous set. */
  private opensBlock(toks: readonly Tok[]): boolean {
    const top = this.stack[this.stack.length - 1];
    const w0 = toks[0]?.value;
    if (!w0 || toks[0]!.kind !== Tk.Word) return false;
    if (!top) {
      if (w0 === 'table') return true;
      if (DEFINE_VERBS.has(w0)) {
        const obj = toks[1]?.value;
        return obj === 'table' || (obj !== undefined && TABLE_MEMBERS.has(obj));
      }
      return false;
    }
    if (top.kind === 'table') return TABLE_MEMBERS.has(w0);
    return false;
  }

  private handle(st: Statement): void {
    const top = this.stack[this.stack.length - 1];
    if (st.comment) this.topComment(st, top);
    if (st.end === '{') {
      this.open(st, top);
      return;
    }
    if (st.toks.length > 0) {
      if (!top) this.topStatement(st.toks, st);
      else this.blockStatement(top, st.toks, st);
    }
    if (st.end === '}') {
      if (!top) this.problem('parse/nftables-syntax', '`}` without an open block', st.endTok!.span);
      else this.close(top, st.endTok!);
    }
  }

  /** `# handle N` after a block opener or a rule; `# Warning: table ip nat is managed by iptables-nft`. */
  private topComment(st: Statement, top: Block | undefined): void {
    const c = st.comment!;
    const h = HANDLE_COMMENT.exec(c.value);
    if (h && st.toks.length === 0 && top && top.fresh) {
      const handle = { value: Number(h[1]), span: { start: c.span.start + c.value.lastIndexOf(h[1]!), end: c.span.end } };
      const owner = top.kind === 'table' ? top.table : top.kind === 'chain' ? top.chain : top.kind === 'set' ? top.set : top.kind === 'flowtable' ? top.flow : top.obj;
      if (owner.handle === undefined) owner.handle = handle;
      return;
    }
    const w = IPTABLES_NFT_WARNING.exec(c.value);
    if (w && !top) {
      const at = (s: string, from: number): Span => {
        const i = c.value.indexOf(` ${s} `, from);
        return { start: c.span.start + i + 1, end: c.span.start + i + 1 + s.length };
      };
      const fam = at(w[1]!, 0);
      this.warnings.push({ span: c.span, family: { value: w[1]!, span: fam }, table: { value: w[2]!, span: at(w[2]!, fam.end - c.span.start) } });
    }
  }

  private handleOf(st: Statement): Located<number> | undefined {
    const h = st.comment ? HANDLE_COMMENT.exec(st.comment.value) : null;
    if (!h) return undefined;
    const c = st.comment!;
    return { value: Number(h[1]), span: { start: c.span.start + c.value.lastIndexOf(h[1]!), end: c.span.end } };
  }

  // ---------------------------------------------------------------------------------------------
  // Tables and members

  private table(family: Located<NftFamily>, name: Token, span: Span): TableB {
    const key = `${family.value} ${name.value}`;
    let t = this.tableIndex.get(key);
    if (!t) {
      t = { family, name, span, flags: [], chains: [], sets: [], flowtables: [], objects: [], key };
      this.tableIndex.set(key, t);
      this.chainIndex.set(t, new Map());
      this.setIndex.set(t, new Map());
      this.tables.push(t);
    }
    return t;
  }

  private chain(t: TableB, name: Token, span: Span, implicit: boolean): ChainB {
    return mention<ChainB>(this.chainIndex.get(t)!, t.chains, name, span, implicit, () => ({ name, table: t.key, span, rules: [], implicit }));
  }

  private set(t: TableB, kind: 'set' | 'map', name: Token, span: Span, implicit: boolean): SetB {
    return mention<SetB>(this.setIndex.get(t)!, t.sets, name, span, implicit, () => new TextSet(this.text, kind, name, t.key, span, implicit), (s) => {
      s.kind = kind;
    });
  }

  /** `[family] name` at `i`: nft's default family is ip. */
  private familyAndName(toks: readonly Tok[], i: number): { family: Located<NftFamily>; name?: Tok; next: number } {
    const f = toks[i];
    if (isWord(f) && FAMILIES.has(f.value) && toks[i + 1] && toks[i + 1]!.kind !== Tk.Punct) {
      this.checkName(toks[i + 1]);
      return { family: { value: f.value as NftFamily, span: f.span }, name: toks[i + 1]!, next: i + 2 };
    }
    const name = toks[i] && toks[i]!.kind !== Tk.Punct ? toks[i] : undefined;
    this.checkName(name);
    const span = name ? { start: name.span.start, end: name.span.start } : toks[i - 1]!.span;
    return { family: { value: 'ip', span }, ...(name ? { name } : {}), next: i + 1 };
  }

  private open(st: Statement, top: Block | undefined): void {
    const toks = st.toks;
    const brace = st.endTok!;
    const span = join(toks[0]!.span, brace.span);
    if (!top) {
      // `table [family] name {` or `add table|chain|set|map|… [family] table [name] {`
      const isTable = toks[0]!.value === 'table' || toks[1]?.value === 'table';
      const at = toks[0]!.value === 'table' ? 1 : toks[1]?.value === 'ct' ? 3 : 2;
      if (toks[0]!.value === 'table') this.blockTables++;
      else this.scriptCommands++;
      const fn = this.familyAndName(toks, at);
      if (!fn.name) {
        this.problem('parse/nftables-syntax', 'a table name is missing', span);
        this.skipBlock(brace);
        return;
      }
      const table = this.table(fn.family, plain(fn.name), span);
      if (isTable) {
        if (toks.length > fn.next) this.problem('parse/nftables-syntax', `unexpected \`${toks[fn.next]!.value}\` after the table name`, toks[fn.next]!.span);
        this.stack.push({ kind: 'table', table, open: brace, fresh: true });
        return;
      }
      this.extraHeaderWords(toks, fn.next + 1);
      this.openMember(table, toks.slice(1), toks[fn.next], span, brace);
      return;
    }
    if (top.kind !== 'table') return;
    const at = toks[0]!.value === 'ct' ? 2 : 1;
    this.extraHeaderWords(toks, at + 1);
    this.openMember(top.table, toks, toks[at], span, brace);
  }

  /** `chain NAME {` has nothing between the name and the brace (`chain x type {` is no header). */
  private extraHeaderWords(toks: readonly Tok[], from: number): void {
    if (toks.length > from) this.problem('parse/nftables-syntax', `unexpected \`${toks[from]!.value}\` between the name and \`{\``, join(toks[from]!.span, toks[toks.length - 1]!.span));
  }

  /** `chain NAME {`, `set NAME {`, `ct helper NAME {` … with `toks[0]` the member keyword. */
  private openMember(table: TableB, toks: readonly Tok[], nameTok: Tok | undefined, span: Span, brace: Tok): void {
    const kw = toks[0]!.value;
    if (!nameTok || nameTok.kind === Tk.Punct || (kw === 'ct' && !CT_OBJECTS.has(toks[1]?.value ?? ''))) {
      this.problem('parse/nftables-syntax', `\`${kw}\` needs a name before \`{\``, span);
      this.skipBlock(brace);
      return;
    }
    this.checkName(nameTok);
    const name = plain(nameTok);
    if (kw === 'chain') {
      const chain = this.chain(table, name, span, false);
      this.stack.push({ kind: 'chain', table, chain, open: brace, fresh: true });
    } else if (kw === 'set' || kw === 'map') {
      const set = this.set(table, kw, name, span, false);
      // Each block is checked on its own: `add set` twice with the same comment is fine.
      this.seen.set(set, new Set());
      this.stack.push({ kind: 'set', table, set, open: brace, fresh: true });
    } else if (kw === 'flowtable') {
      const flow: FlowB = { name, table: table.key, span, devices: [], flags: [] };
      table.flowtables.push(flow);
      this.stack.push({ kind: 'flowtable', table, flow, open: brace, fresh: true });
    } else {
      const type = kw === 'ct' ? { value: `ct ${toks[1]!.value}`, span: join(toks[0]!.span, toks[1]!.span) } : plain(toks[0]!);
      const obj: ObjB = { type, name, table: table.key, span, properties: [] };
      table.objects.push(obj);
      this.stack.push({ kind: 'object', table, obj, open: brace, fresh: true });
    }
  }

  /** Skips a block whose header could not be read, keeping brace balance. */
  private skipBlock(brace: Tok): void {
    let depth = 1;
    for (;;) {
      const l = this.lexer.next();
      if (!l) {
        this.problem('parse/nftables-truncated', 'block is never closed (the paste ends inside it)', brace.span);
        return;
      }
      if (l.k !== Tk.Punct) continue;
      const c = this.text.charCodeAt(l.s);
      if (c === 123) depth++;
      else if (c === 125 && --depth === 0) return;
    }
  }

  private close(b: Block, brace: Tok): void {
    this.stack.pop();
    const seen = b.kind === 'set' ? this.seen.get(b.set) : undefined;
    if (b.kind === 'set' && b.set.keyType.length === 0 && !seen?.has('type') && !seen?.has('typeof')) {
      this.problem('parse/nftables-syntax', `${b.set.kind} \`${b.set.name.value}\` has no \`type\` or \`typeof\`: nft needs its key`, b.set.name.span);
    }
    const end = brace.span.end;
    const owner = b.kind === 'table' ? b.table : b.kind === 'chain' ? b.chain : b.kind === 'set' ? b.set : b.kind === 'flowtable' ? b.flow : b.obj;
    owner.span = { start: owner.span.start, end };
  }

  // ---------------------------------------------------------------------------------------------
  // Statements inside blocks

  private blockStatement(b: Block, toks: Tok[], st: Statement): void {
    b.fresh = false;
    const w0 = toks[0]!;
    switch (b.kind) {
      case 'table':
        if (isKw(w0, 'comment') && toks[1]) {
          if (b.table.comment) this.problem('parse/nftables-syntax', 'the table has a second `comment` (nft: "You can only specify this once")', join(w0.span, toks[toks.length - 1]!.span));
          b.table.comment = plain(toks[1]);
        }
        else if (isKw(w0, 'flags')) pushAll(b.table.flags, toks.slice(1).map(plain));
        else this.problem('parse/nftables-syntax', `\`${w0.value}\` is not a table member (chain, set, map, flowtable, counter, quota, ct helper, …)`, join(w0.span, toks[toks.length - 1]!.span));
        return;
      case 'chain':
        this.chainStatement(b.table, b.chain, toks, st);
        return;
      case 'set':
        this.setStatement(b.set, toks);
        return;
      case 'flowtable':
        this.flowStatement(b.table, b.flow, toks);
        return;
      case 'object':
        if (isKw(w0, 'comment') && toks[1]) b.obj.comment = plain(toks[1]);
        else b.obj.properties.push(toks.map(plain));
        return;
    }
  }

  private chainStatement(table: TableB, chain: ChainB, toks: Tok[], st: Statement | undefined): void {
    const w0 = toks[0]!;
    if (isKw(w0, 'type') && toks.some((t) => isKw(t, 'hook'))) {
      this.baseChain(table, chain, toks);
      return;
    }
    if (isKw(w0, 'policy')) {
      const p = toks[1];
      if (toks.length !== 2 || !p || !(POLICIES.has(p.value) || p.value.startsWith('$'))) {
        this.problem('parse/nftables-syntax', '`policy` is `accept` or `drop`', join(w0.span, toks[toks.length - 1]!.span));
      } else if (chain.base) chain.base = { ...chain.base, policy: plain(p), span: join(chain.base.span, p.span) };
      return;
    }
    if (isKw(w0, 'comment') && toks.length === 2) {
      if (chain.comment) this.problem('parse/nftables-syntax', 'the chain has a second `comment` (nft: "You can only specify this once")', join(w0.span, toks[1]!.span));
      chain.comment = plain(toks[1]!);
      return;
    }
    if (isKw(w0, 'devices') || isKw(w0, 'device')) return;
    this.rule(table, chain, toks, st ? this.handleOf(st) : undefined, undefined);
  }

  private baseChain(table: TableB, chain: ChainB, toks: Tok[]): void {
    const at = (w: string): number => toks.findIndex((t) => isKw(t, w));
    const type = toks[1] && toks[1].kind !== Tk.Punct ? plain(toks[1]) : undefined;
    const hi = at('hook');
    const hook = toks[hi + 1];
    const di = at('device');
    const pi = at('priority');
    const prioWords = pi >= 0 ? toks.slice(pi + 1).filter((t) => t.kind === Tk.Word) : [];
    const priority = readPriority(table.family.value, prioWords);
    const span = join(toks[0]!.span, toks[toks.length - 1]!.span);
    if (!type || !hook || !priority) {
      this.problem('parse/nftables-syntax', 'a base chain needs `type TYPE hook HOOK priority PRIORITY`', span);
      return;
    }
    const bad = this.baseChainWords(toks, hi, di, pi, priority.value !== undefined || priority.text.startsWith('$') || /^-?\d+$|^[a-z]+(?: [+-] \d+)?$/.test(priority.text));
    if (bad) {
      this.problem('parse/nftables-syntax', bad.message, bad.span);
      return;
    }
    chain.base = { span, type, hook: plain(hook), priority, ...(di >= 0 && toks[di + 1] ? { device: plain(toks[di + 1]!) } : {}) };
  }

  /** What nft's grammar rejects in `type T hook H [device D] priority P`; undefined when it reads. */
  private baseChainWords(toks: readonly Tok[], hi: number, di: number, pi: number, priorityReads: boolean): { message: string; span: Span } | undefined {
    const type = toks[1]!;
    if (hi !== 2) return { message: `\`type\` is followed by the chain type (filter, nat, route), then \`hook\``, span: join(toks[1]!.span, toks[Math.max(1, hi)]!.span) };
    if (!CHAIN_TYPES.has(type.value) && !type.value.startsWith('$')) return { message: `\`${type.value}\` is no chain type (filter, nat, route)`, span: type.span };
    const hook = toks[hi + 1]!;
    if (!HOOKS.has(hook.value) && !hook.value.startsWith('$')) return { message: `\`${hook.value}\` is no hook (prerouting, input, forward, output, postrouting, ingress, egress)`, span: hook.span };
    const next = di >= 0 ? di : pi;
    if (next !== hi + 2) return { message: `unexpected \`${toks[hi + 2]?.value ?? ''}\` after the hook`, span: (toks[hi + 2] ?? hook).span };
    if (pi < 0) return { message: 'a base chain needs `priority`', span: hook.span };
    if (!priorityReads || toks.slice(pi + 1).some((t) => t.kind !== Tk.Word)) return { message: `\`${toks.slice(pi + 1).map((t) => t.value).join(' ')}\` is no priority (a number or a name such as \`filter - 10\`)`, span: join(toks[pi]!.span, toks[toks.length - 1]!.span) };
    return undefined;
  }

  private rule(table: TableB, chain: ChainB, toks: Tok[], handle: Located<number> | undefined, command: Span | undefined): void {
    // Read and checked now; kept as offsets and read again on first access (textModel.ts).
    const statements = readStatements(toks, this.report);
    const comment = statements.find((s) => s.kind === 'comment');
    const rule = new TextRule(this.text, table.key, chain.name.value, toks[0]!.span.start, toks[toks.length - 1]!.span.end, handle, command, comment && comment.kind === 'comment' ? comment.text : undefined);
    if (this.keepRead) rule.read = statements;
    chain.rules.push(rule);
  }

  private setStatement(set: SetB, toks: Tok[]): void {
    const w0 = toks[0]!;
    const rest = toks.slice(1);
    if (w0.kind !== Tk.Word || NOT_SET_PROPERTIES.has(w0.value) || !/^[a-z][a-z0-9-]*$/.test(w0.value)) {
      this.problem('parse/nftables-syntax', `\`${w0.value}\` is not a ${set.kind} property (type, flags, elements, comment, …)`, join(w0.span, toks[toks.length - 1]!.span));
      return;
    }
    if ((w0.value === 'comment' && (rest.length !== 1 || rest[0]!.kind === Tk.Punct || (rest[0]!.kind === Tk.Word && NAME_KEYWORDS.has(rest[0]!.value)))) || ((w0.value === 'flags' || w0.value === 'type' || w0.value === 'typeof') && rest.length === 0)) {
      this.problem('parse/nftables-syntax', `\`${w0.value}\` needs ${w0.value === 'comment' ? 'one string' : 'a value'}`, join(w0.span, toks[toks.length - 1]!.span));
    }
    if (w0.value === 'type' && rest.length > 0) {
      const words = rest.map((t) => t.value).join(' ');
      const adjacent = rest.some((t, k) => k > 0 && t.value !== '.' && t.value !== ':' && rest[k - 1]!.value !== '.' && rest[k - 1]!.value !== ':');
      if (adjacent || /^[.:]|[.:]$|\. \.|\. :|: \./.test(words)) this.problem('parse/nftables-syntax', `\`type ${words}\`: a datatype is missing around \`.\` or \`:\``, join(rest[0]!.span, rest[rest.length - 1]!.span));
    }
    let seen = this.seen.get(set);
    if (!seen) this.seen.set(set, (seen = new Set()));
    if (SET_ONCE.has(w0.value) && seen.has(w0.value)) this.problem('parse/nftables-syntax', `\`${w0.value}\` is given twice in ${set.kind} \`${set.name.value}\` (nft: "You can only specify this once")`, join(w0.span, toks[toks.length - 1]!.span));
    seen.add(w0.value);
    switch (w0.value) {
      case 'type':
      case 'typeof': {
        set.typeof = w0.value === 'typeof';
        const colon = rest.findIndex((t) => isKw(t, ':'));
        const keys = colon >= 0 ? rest.slice(0, colon) : rest;
        set.keyType = w0.value === 'type' ? keys.filter((t) => !isKw(t, '.')).map(plain) : keys.map(plain);
        // A datatype nft does not know may be a newer nft's (kept); one of its keywords is none.
        for (const t of rest) if (t.kind !== Tk.Word || KEYWORDS_NOT_TYPES.has(t.value)) this.problem('parse/nftables-syntax', `\`${t.value}\` is not a datatype`, t.span);
        if (colon >= 0 && rest[colon + 1]) {
          set.valueType = plain(rest[colon + 1]!);
          if (set.kind === 'set') set.kind = 'map';
        }
        return;
      }
      case 'flags':
        for (const t of rest) if (t.kind === Tk.Word) pushAll(set.flags, splitCommas(t));
        return;
      case 'timeout':
        if (rest[0]) set.timeout = plain(rest[0]);
        return;
      case 'size': {
        const n = num(rest[0]);
        if (n) set.size = n;
        return;
      }
      case 'comment':
        if (rest[0]) set.comment = plain(rest[0]);
        return;
      case 'elements': {
        const open = rest.findIndex((t) => isPunct(t, '{'));
        if (open < 0 || !isKw(rest[0], '=') || open !== 1) {
          this.problem('parse/nftables-syntax', '`elements` needs `= { … }`', join(w0.span, toks[toks.length - 1]!.span));
          return;
        }
        const close = closing(rest, open);
        this.addElements(set, rest, open, close);
        return;
      }
      default:
        // policy, auto-merge, counter, gc-interval, …: kept by nft, not needed by anyone reading a ruleset.
        return;
    }
  }

  /** Reads and checks the element list `toks[open]` … `toks[close]`; the set keeps where it is (textModel.ts). */
  private addElements(set: SetB, toks: readonly Tok[], open: number, close: number): void {
    const elements = readElements(toks, open + 1, close, this.report);
    // A declared map's elements map to something; a set's do not (an implicit one's kind is unknown).
    const mapped = set.implicit ? undefined : set.kind === 'map';
    for (const e of elements) {
      const hasValue = e.value !== undefined || e.verdict !== undefined;
      if (mapped === true && !hasValue) this.problem('parse/nftables-syntax', `element of map \`${set.name.value}\` needs \`: VALUE\``, e.span);
      else if (mapped === false && hasValue) this.problem('parse/nftables-syntax', `set \`${set.name.value}\` holds keys only: \`:\` belongs in a map`, e.span);
    }
    const end = close < toks.length ? toks[close]!.span.start : toks[toks.length - 1]!.span.end;
    set.addList(toks[open]!.span.end, end, elements.length);
    if (this.keepRead) {
      const kept = this.keptElements.get(set) ?? [];
      for (const e of elements) kept.push(e);
      this.keptElements.set(set, kept);
      set.read = kept;
    }
  }

  private flowStatement(table: TableB, flow: FlowB, toks: Tok[]): void {
    const w0 = toks[0]!;
    if (isKw(w0, 'hook')) {
      if (toks[1]) flow.hook = plain(toks[1]);
      const pi = toks.findIndex((t) => isKw(t, 'priority'));
      const p = pi >= 0 ? readPriority(table.family.value, toks.slice(pi + 1).filter((t) => t.kind === Tk.Word)) : undefined;
      if (p) flow.priority = p;
    } else if (isKw(w0, 'devices')) {
      for (const t of toks.slice(1)) if (t.kind === Tk.Word && t.value !== '=') flow.devices.push(plain(t));
      for (const t of toks.slice(1)) if (t.kind === Tk.String) flow.devices.push(plain(t));
    } else if (isKw(w0, 'flags')) {
      for (const t of toks.slice(1)) if (t.kind === Tk.Word) pushAll(flow.flags, splitCommas(t));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Top level: script commands

  private topStatement(toks: Tok[], st: Statement): void {
    const w0 = toks[0]!;
    const span = join(w0.span, toks[toks.length - 1]!.span);
    if (w0.kind !== Tk.Word) {
      this.problem('parse/nftables-syntax', `unexpected \`${w0.value}\` at the top level`, span);
      return;
    }
    if (DEFINE_VERBS.has(w0.value)) {
      this.scriptCommands++;
      this.define(toks, span, st);
      return;
    }
    if (w0.value === 'table') {
      this.blockTables++;
      const fn = this.familyAndName(toks, 1);
      if (fn.name) this.table(fn.family, plain(fn.name), span);
      else this.problem('parse/nftables-syntax', 'a table name is missing', span);
      if (toks.length > fn.next) this.problem('parse/nftables-syntax', `unexpected \`${toks[fn.next]!.value}\` after the table name`, join(toks[fn.next]!.span, span));
      return;
    }
    if (OTHER_VERBS.has(w0.value)) {
      this.scriptCommands++;
      this.commands.push(this.command(toks, span));
      return;
    }
    if (SCRIPT_WORDS.has(w0.value)) return;
    // `chain`/`rule`/`set`/`element` without a verb mean `add` in nft -f input.
    if (w0.value === 'chain' || w0.value === 'rule' || w0.value === 'set' || w0.value === 'map' || w0.value === 'element') {
      this.scriptCommands++;
      this.define([{ ...w0, value: 'add' }, ...toks], span, st);
      return;
    }
    this.problem('parse/nftables-syntax', `\`${w0.value}\` does not start an nft command (table, add, insert, delete, flush, …)`, span);
  }

  /** `add|create|insert|replace OBJECT …` without a block. */
  private define(toks: Tok[], span: Span, st: Statement): void {
    const obj = toks[1];
    // `add ip t c ip daddr 1.2.3.4 accept`: nft reads a bare rule after the verb as `add rule`.
    if (isWord(obj) && !DEFINE_OBJECTS.has(obj.value) && toks.length >= 4) {
      this.define([toks[0]!, { kind: Tk.Word, value: 'rule', span: { start: obj.span.start, end: obj.span.start } }, ...toks.slice(1)], span, st);
      return;
    }
    if (!isWord(obj) || !DEFINE_OBJECTS.has(obj.value)) {
      this.problem('parse/nftables-syntax', `\`${toks[0]!.value}\` needs what to add (table, chain, rule, set, map, element, …)`, span);
      return;
    }
    const fn = this.familyAndName(toks, 2);
    if (!fn.name) {
      this.problem('parse/nftables-syntax', `\`${toks[0]!.value} ${obj.value}\` needs a table name`, span);
      return;
    }
    const table = this.table(fn.family, plain(fn.name), obj.value === 'table' ? span : join(toks[0]!.span, fn.name.span));
    if (obj.value === 'table') return;
    const nameTok = toks[fn.next];
    if (!nameTok || nameTok.kind === Tk.Punct) {
      this.problem('parse/nftables-syntax', `\`${toks[0]!.value} ${obj.value}\` needs a ${obj.value === 'rule' ? 'chain' : obj.value} name`, span);
      return;
    }
    const name = plain(nameTok);
    if (obj.value !== 'rule' && obj.value !== 'element') this.checkName(nameTok);
    if ((obj.value === 'chain' || obj.value === 'set' || obj.value === 'map') && toks.length > fn.next + 1) {
      this.problem('parse/nftables-syntax', `unexpected \`${toks[fn.next + 1]!.value}\` after the ${obj.value} name`, join(toks[fn.next + 1]!.span, span));
    }
    switch (obj.value) {
      case 'chain':
        this.chain(table, name, span, false);
        return;
      case 'rule': {
        this.checkName(nameTok);
        let i = fn.next + 1;
        // `insert rule ip t c position 5 …` / `index N` / `handle N`
        if (isWord(toks[i]) && /^(?:position|index|handle)$/.test(toks[i]!.value) && num(toks[i + 1])) i += 2;
        const chain = this.chain(table, name, name.span, true);
        const body = toks.slice(i);
        if (body.length === 0) {
          this.problem('parse/nftables-syntax', 'the rule has no statements', span);
          return;
        }
        this.rule(table, chain, body, this.handleOf(st), span);
        return;
      }
      case 'set':
      case 'map':
        this.set(table, obj.value, name, span, false);
        return;
      case 'element': {
        const set = this.set(table, 'set', name, name.span, true);
        const open = toks.findIndex((t, k) => k > fn.next && isPunct(t, '{'));
        if (open < 0) {
          this.problem('parse/nftables-syntax', '`add element` needs `{ … }`', span);
          return;
        }
        this.addElements(set, toks, open, closing(toks, open));
        return;
      }
      default:
        // add counter/quota/flowtable/ct … without a body.
        return;
    }
  }

  private command(toks: Tok[], span: Span): NftCommand {
    const verb = plain(toks[0]!);
    const obj = isWord(toks[1]) ? toks[1] : undefined;
    const out: Mutable<NftCommand> = { span, verb, tokens: toks.map(plain) };
    if (!obj) return out;
    out.object = plain(obj);
    if (obj.value === 'ruleset') {
      if (isWord(toks[2]) && FAMILIES.has(toks[2]!.value)) out.family = { value: toks[2]!.value as NftFamily, span: toks[2]!.span };
      return out;
    }
    const fn = this.familyAndName(toks, obj.value === 'ct' ? 3 : 2);
    out.family = fn.family;
    if (fn.name) out.table = plain(fn.name);
    const name = toks[fn.next];
    if (name && name.kind !== Tk.Punct && obj.value !== 'table') out.name = plain(name);
    const hi = toks.findIndex((t) => isKw(t, 'handle'));
    const h = hi >= 0 ? num(toks[hi + 1]) : undefined;
    if (h) out.handle = h;
    return out;
  }
}

function splitCommas(t: Tok): Token[] {
  const out: Token[] = [];
  let at = t.span.start;
  for (const part of t.value.split(',')) {
    if (part) out.push({ value: part, span: { start: at, end: at + part.length } });
    at += part.length + 1;
  }
  return out;
}
