import type { Located, Span } from '../../core/span';
import type { NftElement, NftRule, NftSet, NftStatement, Token } from './model';
import { rereadElements, rereadStatements } from './reread';

/**
 * The rules and sets of the text parser, and how a big ruleset stays cheap to keep.
 *
 * kube-proxy's table for 5,000 Services has about 55,000 rules; read into plain objects (each
 * statement, expression, token and span its own object) they hold some 1,500 bytes each, 15
 * times the text. Rules, hovers and navigation ask every rule for its chain and span, but only
 * some rules for their statements, and most sets are never opened. So a rule keeps its table,
 * chain, offsets, handle and comment, and reads its statements again from its text the first
 * time they are asked for; a set keeps where its element lists are and reads them on first
 * access (reread.ts: same words, same readers, so exactly what the parse checked). The parse
 * has reported every problem already. The model interface (`NftRule`, `NftSet`) is unchanged,
 * only computed on first access.
 *
 * How long what was read is kept: a set's elements for good (a few sets, asked for by hovers
 * and code lenses again and again); a rule's statements as long as anyone holds them (a
 * `WeakRef`). A full lint asks for the statements of every rule (a rule looks for jumps out of
 * kube-proxy's chains), and keeping them all would bring the model back to 15 times the text in
 * an editor that keeps every open node's rulesets; while one pass runs (one synchronous job),
 * V8 keeps every `WeakRef` target it made or dereferenced, so a pass reads each rule once and
 * sees the same objects each time it asks.
 *
 * Fields are `declare`d and assigned in the constructor (one shape per class, no initialiser
 * cost), spans are made when asked for.
 */

const NO_STATEMENTS: readonly NftStatement[] = Object.freeze([]);

/** A rule of the text forms (list, `-a` list, script). */
export class TextRule implements NftRule {
  declare readonly table: string;
  declare readonly chain: string;
  declare readonly start: number;
  declare readonly end: number;
  /** Script form: the whole `add rule …` command (undefined in the list forms). */
  declare readonly command?: Span;
  /** `# handle N`: N, and where N is (-1 without a handle). */
  declare readonly handleValue: number;
  declare readonly handleStart: number;
  declare readonly handleEnd: number;
  declare readonly comment?: Token;
  /** The ruleset's text (shared by every rule). */
  declare readonly text: string;
  /** What was read: kept while in use (`WeakRef`), or for good (`keepRead`, an array). */
  declare read: readonly NftStatement[] | WeakRef<readonly NftStatement[]> | undefined;

  constructor(text: string, table: string, chain: string, start: number, end: number, handle: Located<number> | undefined, command: Span | undefined, comment: Token | undefined) {
    this.table = table;
    this.chain = chain;
    this.start = start;
    this.end = end;
    (this as { command?: Span | undefined }).command = command;
    this.handleValue = handle ? handle.value : -1;
    this.handleStart = handle ? handle.span.start : 0;
    this.handleEnd = handle ? handle.span.end : 0;
    (this as { comment?: Token | undefined }).comment = comment;
    this.text = text;
    this.read = undefined;
  }

  get span(): Span {
    return { start: this.start, end: this.end };
  }

  get handle(): Located<number> | undefined {
    return this.handleValue < 0 ? undefined : { value: this.handleValue, span: { start: this.handleStart, end: this.handleEnd } };
  }

  get statements(): readonly NftStatement[] {
    const r = this.read;
    if (r !== undefined) {
      if (!(r instanceof WeakRef)) return r;
      const s = r.deref();
      if (s !== undefined) return s;
    }
    const s = this.start < this.end ? rereadStatements(this.text, this.start, this.end) : NO_STATEMENTS;
    this.read = new WeakRef(s);
    return s;
  }
}

/**
 * A set or map of the text forms. Its element lists (`elements = { … }` in a list, one per
 * `add element` in a script) are kept as text ranges, three numbers each in `lists`
 * (start after `{`, end at `}`, element count), and read together on first access.
 */
export class TextSet implements NftSet {
  declare kind: 'set' | 'map';
  declare name: Token;
  declare readonly table: string;
  declare span: Span;
  declare handle?: Located<number>;
  declare keyType: readonly Token[];
  declare valueType?: Token;
  declare typeof: boolean;
  declare flags: Token[];
  declare timeout?: Token;
  declare size?: Located<number>;
  declare comment?: Located<string>;
  declare implicit: boolean;
  declare readonly text: string;
  declare lists: number[];
  declare read: readonly NftElement[] | undefined;

  constructor(text: string, kind: 'set' | 'map', name: Token, table: string, span: Span, implicit: boolean) {
    this.kind = kind;
    this.name = name;
    this.table = table;
    this.span = span;
    this.keyType = [];
    this.typeof = false;
    this.flags = [];
    this.implicit = implicit;
    this.text = text;
    this.lists = [];
    this.read = undefined;
  }

  /** Records an element list the parse has read and checked: its words between the braces. */
  addList(start: number, end: number, count: number): void {
    if (count === 0) return;
    this.lists.push(start, end, count);
    this.read = undefined;
  }

  get elements(): readonly NftElement[] {
    let els = this.read;
    if (els === undefined) {
      const out: NftElement[] = [];
      const l = this.lists;
      for (let i = 0; i < l.length; i += 3) for (const e of rereadElements(this.text, l[i]!, l[i + 1]!)) out.push(e);
      els = out;
      this.read = els;
    }
    return els;
  }
}
