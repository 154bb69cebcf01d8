import type { ParseProblem } from '../../core/problem';
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
  type NftRule,
  type NftSet,
  type NftTable,
  type NftablesModel,
  type NftFlowtable,
  type Token,
} from './model';
import { readPriority } from './priority';
import { readElements, readStatements } from './statements';
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

interface Statement {
  readonly toks: Tok[];
  /** What ended it: a newline, `;`, a block-opening `{`, the `}` of the enclosing block, or the end. */
  readonly end: 'nl' | ';' | '{' | '}' | 'eof';
  readonly endTok?: Tok;
  /** `# …` after the statement on its line. */
  readonly comment?: Tok;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

type TableB = Mutable<NftTable> & { chainIndex: Map<string, ChainB>; setIndex: Map<string, SetB>; key: string };
type ChainB = Mutable<NftChain>;
type SetB = Mutable<NftSet>;
type FlowB = Mutable<NftFlowtable>;
type ObjB = Mutable<NftObject>;

type Block =
  | { kind: 'table'; table: TableB; open: Tok; fresh: boolean }
  | { kind: 'chain'; table: TableB; chain: ChainB; open: Tok; fresh: boolean }
  | { kind: 'set'; table: TableB; set: SetB; open: Tok; fresh: boolean }
  | { kind: 'flowtable'; table: TableB; flow: FlowB; open: Tok; fresh: boolean }
  | { kind: 'object'; table: TableB; obj: ObjB; open: Tok; fresh: boolean };

export function parseNftablesText(text: string): NftablesModel {
  return new TextParser(text).run();
}

class TextParser {
  private readonly lexer: Lexer;
  private readonly problems: ParseProblem[] = [];
  private readonly tables: TableB[] = [];
  private readonly tableIndex = new Map<string, TableB>();
  private readonly commands: NftCommand[] = [];
  private readonly warnings: NftIptablesWarning[] = [];
  private readonly stack: Block[] = [];
  private scriptCommands = 0;
  private blockTables = 0;

  constructor(private readonly text: string) {
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
      if (!l) return { toks, end: 'eof', ...(comment ? { comment } : {}) };
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
      t = { family, name, span, flags: [], chains: [], sets: [], flowtables: [], objects: [], chainIndex: new Map(), setIndex: new Map(), key };
      this.tableIndex.set(key, t);
      this.tables.push(t);
    }
    return t;
  }

  private chain(t: TableB, name: Token, span: Span, implicit: boolean): ChainB {
    let c = t.chainIndex.get(name.value);
    if (!c) {
      c = { name, table: t.key, span, rules: [], implicit };
      t.chainIndex.set(name.value, c);
      t.chains.push(c);
    } else if (c.implicit && !implicit) {
      c.implicit = false;
      c.name = name;
      c.span = span;
    }
    return c;
  }

  private set(t: TableB, kind: 'set' | 'map', name: Token, span: Span, implicit: boolean): SetB {
    let s = t.setIndex.get(name.value);
    if (!s) {
      s = { kind, name, table: t.key, span, keyType: [], typeof: false, flags: [], elements: [], implicit };
      t.setIndex.set(name.value, s);
      t.sets.push(s);
    } else if (s.implicit && !implicit) {
      s.implicit = false;
      s.kind = kind;
      s.name = name;
      s.span = span;
    }
    return s;
  }

  /** `[family] name` at `i`: nft's default family is ip. */
  private familyAndName(toks: readonly Tok[], i: number): { family: Located<NftFamily>; name?: Tok; next: number } {
    const f = toks[i];
    if (isWord(f) && FAMILIES.has(f.value) && toks[i + 1] && toks[i + 1]!.kind !== Tk.Punct) {
      return { family: { value: f.value as NftFamily, span: f.span }, name: toks[i + 1]!, next: i + 2 };
    }
    const name = toks[i] && toks[i]!.kind !== Tk.Punct ? toks[i] : undefined;
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
        this.stack.push({ kind: 'table', table, open: brace, fresh: true });
        return;
      }
      this.openMember(table, toks.slice(1), toks[fn.next], span, brace);
      return;
    }
    if (top.kind !== 'table') return;
    this.openMember(top.table, toks, toks[toks[0]!.value === 'ct' ? 2 : 1], span, brace);
  }

  /** `chain NAME {`, `set NAME {`, `ct helper NAME {` … with `toks[0]` the member keyword. */
  private openMember(table: TableB, toks: readonly Tok[], nameTok: Tok | undefined, span: Span, brace: Tok): void {
    const kw = toks[0]!.value;
    if (!nameTok || nameTok.kind === Tk.Punct || (kw === 'ct' && !CT_OBJECTS.has(toks[1]?.value ?? ''))) {
      this.problem('parse/nftables-syntax', `\`${kw}\` needs a name before \`{\``, span);
      this.skipBlock(brace);
      return;
    }
    const name = plain(nameTok);
    if (kw === 'chain') {
      const chain = this.chain(table, name, span, false);
      this.stack.push({ kind: 'chain', table, chain, open: brace, fresh: true });
    } else if (kw === 'set' || kw === 'map') {
      const set = this.set(table, kw, name, span, false);
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
        if (isKw(w0, 'comment') && toks[1]) b.table.comment = plain(toks[1]);
        else if (isKw(w0, 'flags')) b.table.flags.push(...toks.slice(1).map(plain));
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
    if (isKw(w0, 'policy') && toks.length === 2 && chain.base) {
      chain.base = { ...chain.base, policy: plain(toks[1]!), span: join(chain.base.span, toks[1]!.span) };
      return;
    }
    if (isKw(w0, 'comment') && toks.length === 2) {
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
    chain.base = { span, type, hook: plain(hook), priority, ...(di >= 0 && toks[di + 1] ? { device: plain(toks[di + 1]!) } : {}) };
  }

  private rule(table: TableB, chain: ChainB, toks: Tok[], handle: Located<number> | undefined, command: Span | undefined): void {
    const statements = readStatements(toks);
    const comment = statements.find((s) => s.kind === 'comment');
    const rule: NftRule = {
      table: table.key,
      chain: chain.name.value,
      span: join(toks[0]!.span, toks[toks.length - 1]!.span),
      statements,
      ...(handle ? { handle } : {}),
      ...(command ? { command } : {}),
      ...(comment && comment.kind === 'comment' ? { comment: comment.text } : {}),
    };
    chain.rules.push(rule);
  }

  private setStatement(set: SetB, toks: Tok[]): void {
    const w0 = toks[0]!;
    const rest = toks.slice(1);
    switch (w0.value) {
      case 'type':
      case 'typeof': {
        set.typeof = w0.value === 'typeof';
        const colon = rest.findIndex((t) => isKw(t, ':'));
        const keys = colon >= 0 ? rest.slice(0, colon) : rest;
        set.keyType = w0.value === 'type' ? keys.filter((t) => !isKw(t, '.')).map(plain) : keys.map(plain);
        if (colon >= 0 && rest[colon + 1]) {
          set.valueType = plain(rest[colon + 1]!);
          if (set.kind === 'set') set.kind = 'map';
        }
        return;
      }
      case 'flags':
        for (const t of rest) if (t.kind === Tk.Word) set.flags.push(...splitCommas(t));
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
        if (open < 0) {
          this.problem('parse/nftables-syntax', '`elements` needs `= { … }`', join(w0.span, toks[toks.length - 1]!.span));
          return;
        }
        const close = closing(rest, open);
        this.addElements(set, readElements(rest, open + 1, close));
        return;
      }
      default:
        // policy, auto-merge, counter, gc-interval, …: kept by nft, not needed by anyone reading a ruleset.
        return;
    }
  }

  private addElements(set: SetB, elements: NftElement[]): void {
    for (const e of elements) set.elements.push(e);
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
      for (const t of toks.slice(1)) if (t.kind === Tk.Word) flow.flags.push(...splitCommas(t));
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
    if (!isWord(obj)) {
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
    switch (obj.value) {
      case 'chain':
        this.chain(table, name, span, false);
        return;
      case 'rule': {
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
        this.addElements(set, readElements(toks, open + 1, closing(toks, open)));
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
