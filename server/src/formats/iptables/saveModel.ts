import type { Span } from '../../core/span';
import type { Counters, IptBasicMatch, IptMatch, IptOption, IptRule, IptTarget } from './model';
import { SaveToken, spanOf, type Fields } from './tokenize';

/**
 * The model classes of the `iptables-save` parser, and how a dump's rules stay cheap to keep.
 *
 * A 75,000-line kube-proxy dump has about 55,000 rules. Read into plain objects (tokens, options,
 * matches, their arrays) that is about 1,100,000 objects, and keeping them alive is what a parse
 * spends most of its time on: every object that survives is copied by the garbage collector.
 * Rules, hovers and navigation mostly ask each rule for its chain and its target name; only a
 * few rules are looked at closely. So a `SaveRule` keeps what is asked of every rule (chain,
 * target name and span, basic matches, counters, line and span) and reads the rest of its line
 * (command, matches, target options) again, the first
 * time any of it is asked for (see `RuleOrigin`); the parse has already checked the line and
 * reported its problems, so the second reading only builds objects. Everything the `IptRule`
 * interface promises is there, only computed on first access and then kept.
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
 * In the model the options are read with the rule's other details, on first access (`owner`).
 */
export class SaveTarget implements IptTarget {
  declare readonly kind: 'jump' | 'goto';
  declare readonly name: SaveToken;
  /** The options; undefined in a model rule until its details are read. */
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
    this.owner?.details();
    return this.opts ?? NO_OPTIONS;
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

/** The basic matches of a rule (`-s -d -i -o -p -f`), kept by the parse: facts and rules read them on most rules. */
export interface BasicMatches {
  readonly source: IptBasicMatch | undefined;
  readonly destination: IptBasicMatch | undefined;
  readonly inInterface: IptBasicMatch | undefined;
  readonly outInterface: IptBasicMatch | undefined;
  readonly protocol: IptBasicMatch | undefined;
  readonly fragment: IptRule['fragment'];
}

/** Reads a rule's line again (same text, table, chains and family as the parse) for its details. */
export interface RuleOrigin {
  details(rule: SaveRule): RuleDetails;
}

/** Where a rule's words are: the line text[bodyStart, bodyEnd) after any `[packets:bytes]` prefix. */
export interface RuleLine {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** How many chains of the table were declared before this line (a jump to a later one is not a chain jump). */
  readonly chainsSeen: number;
}

/** One rule line; the span is the line without its surrounding blanks. */
export class SaveRule implements IptRule, RuleLine {
  declare readonly table: string;
  declare readonly chain: SaveToken;
  declare readonly counters?: Counters;
  declare readonly source?: IptBasicMatch;
  declare readonly destination?: IptBasicMatch;
  declare readonly inInterface?: IptBasicMatch;
  declare readonly outInterface?: IptBasicMatch;
  declare readonly protocol?: IptBasicMatch;
  declare readonly fragment?: NonNullable<IptRule['fragment']>;
  declare readonly target?: SaveTarget;
  declare readonly line: number;
  declare readonly start: number;
  declare readonly end: number;
  declare readonly bodyStart: number;
  declare readonly bodyEnd: number;
  declare readonly chainsSeen: number;
  declare readonly origin: RuleOrigin;
  declare det: RuleDetails | undefined;

  constructor(
    origin: RuleOrigin,
    table: string,
    chain: SaveToken,
    counters: Counters | undefined,
    basic: BasicMatches,
    target: SaveTarget | undefined,
    line: number,
    start: number,
    end: number,
    bodyStart: number,
    bodyEnd: number,
    chainsSeen: number,
  ) {
    this.table = table;
    this.chain = chain;
    (this as Fields<SaveRule>).counters = counters;
    (this as Fields<SaveRule>).source = basic.source;
    (this as Fields<SaveRule>).destination = basic.destination;
    (this as Fields<SaveRule>).inInterface = basic.inInterface;
    (this as Fields<SaveRule>).outInterface = basic.outInterface;
    (this as Fields<SaveRule>).protocol = basic.protocol;
    (this as Fields<SaveRule>).fragment = basic.fragment;
    (this as Fields<SaveRule>).target = target;
    this.line = line;
    this.start = start;
    this.end = end;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
    this.chainsSeen = chainsSeen;
    this.origin = origin;
    this.det = undefined;
    if (target) target.owner = this;
  }

  /** The details, read from the line on first access. */
  details(): RuleDetails {
    let d = this.det;
    if (d === undefined) {
      d = this.origin.details(this);
      this.det = d;
      if (this.target) this.target.opts = d.targetOptions;
    }
    return d;
  }

  /**
   * The details for one look: the kept ones, else read again and NOT kept. For scans that want one
   * plain value from every rule (a comment, a comparison key): keeping the details of every rule a
   * scan touched held 130 MB more after linting a 200 MB kube-proxy dump.
   */
  peek(): RuleDetails {
    return this.det ?? this.origin.details(this);
  }

  get command(): SaveToken {
    return this.details().command;
  }
  get matches(): readonly IptMatch[] {
    return this.details().matches;
  }

  get span(): Span {
    return spanOf(this);
  }
}
