import type { ParseProblem } from '../../core/problem';
import type { Span } from '../../core/span';
import {
  addressList,
  familyAllows,
  matchExtension,
  natRange,
  protocolExtension,
  protocolNumber,
  targetExtension,
  typeCheck,
  type ExtOption,
  type Extension,
  type Family,
} from './extensions/index';
import type { Counters, IptBasicMatch, IptMatch, IptOption, IptRule } from './model';
import { NO_MATCHES, NO_OPTIONS, NO_TOKENS, SaveCounters, SaveMatch, SaveOption, SaveTarget, type ChainRef, type RuleDetails } from './saveModel';
import { SaveToken } from './tokenize';

/**
 * Reads the arguments of one rule line the way iptables 1.8.9 does (`do_parse` in
 * iptables/xshared.c on top of glibc `getopt_long`):
 * - an option that takes a value takes the next word whatever it is (`--dport --sport` makes
 *   `--sport` the port); `--name=value` and unique prefixes (`--dp 80`) work as in getopt;
 * - an extension option is known only once its module is loaded: `-m NAME`, `-j NAME`, or the
 *   protocol's own match, loaded implicitly by the first option nothing else knows
 *   (`-p tcp --dport 80`); among loaded modules the most recent one wins, like iptables' merged
 *   option table;
 * - `!` negates the next option only if that option allows it; the pre-1.6 intrapositioned form
 *   (`--dport ! 80`) is read as iptables 1.8 reads it: `!` becomes the value and fails;
 * - values are checked with the option tables in ./extensions (generated from iptables 1.8.9).
 * Modules and targets we have no table for (xtables-addons, newer kernels) are never errors:
 * their options are kept as they come.
 *
 * The parse reads every line once to check it (`read`, problems into the dump's list); a model
 * rule keeps only a few of the objects built here and reads its line again for the rest when
 * they are first asked for (`details`; see saveModel.ts). For speed one `RuleReader` serves every
 * line of a dump (per-line state lives in its fields and buffers, not in objects allocated per
 * line), arrays are exactly sized or shared when empty, and repeated names (`-A`, `--comment`,
 * `DNAT`, chain names) are one string each.
 */

function addOption(m: SaveMatch | SaveTarget, o: IptOption): void {
  const opts = m.opts;
  if (opts === NO_OPTIONS || opts === undefined) m.opts = [o];
  else (opts as IptOption[]).push(o);
}

/** Arrays grown by push keep spare capacity; the model keeps exact copies. */
function compact(m: SaveMatch | SaveTarget): void {
  const opts = m.opts;
  if (opts !== undefined && opts.length > 1) m.opts = opts.slice();
}

/** A basic match as the reader builds it (`IptBasicMatch` with our token class). */
interface BasicMatch extends IptBasicMatch {
  readonly value: SaveToken;
}

type BasicKey = 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol';

interface BaseOptionDef {
  readonly long: string;
  /** Short option letter (getopt identity). */
  readonly short: string;
  /** 0 none, 1 required, 3 optional (attached only). */
  readonly arg: 0 | 1 | 3;
}

interface BaseOption extends BaseOptionDef {
  /** `--long`, and `-x` for messages. */
  readonly label: string;
  readonly shortLabel: string;
  /** -A -C -D -I -R -L -S -F -Z -N -X -E -P. */
  readonly command: boolean;
  readonly basic: BasicKey | undefined;
}

const BASE_DEFS: readonly BaseOptionDef[] = [
  { long: 'append', short: 'A', arg: 1 },
  { long: 'check', short: 'C', arg: 1 },
  { long: 'delete', short: 'D', arg: 1 },
  { long: 'insert', short: 'I', arg: 1 },
  { long: 'replace', short: 'R', arg: 1 },
  { long: 'list', short: 'L', arg: 3 },
  { long: 'list-rules', short: 'S', arg: 3 },
  { long: 'flush', short: 'F', arg: 3 },
  { long: 'zero', short: 'Z', arg: 3 },
  { long: 'new-chain', short: 'N', arg: 1 },
  { long: 'delete-chain', short: 'X', arg: 3 },
  { long: 'rename-chain', short: 'E', arg: 1 },
  { long: 'policy', short: 'P', arg: 1 },
  { long: 'source', short: 's', arg: 1 },
  { long: 'destination', short: 'd', arg: 1 },
  { long: 'src', short: 's', arg: 1 },
  { long: 'dst', short: 'd', arg: 1 },
  { long: 'protocol', short: 'p', arg: 1 },
  { long: 'in-interface', short: 'i', arg: 1 },
  { long: 'jump', short: 'j', arg: 1 },
  { long: 'table', short: 't', arg: 1 },
  { long: 'match', short: 'm', arg: 1 },
  { long: 'numeric', short: 'n', arg: 0 },
  { long: 'out-interface', short: 'o', arg: 1 },
  { long: 'verbose', short: 'v', arg: 0 },
  { long: 'wait', short: 'w', arg: 3 },
  { long: 'wait-interval', short: 'W', arg: 3 },
  { long: 'exact', short: 'x', arg: 0 },
  { long: 'fragments', short: 'f', arg: 0 },
  { long: 'version', short: 'V', arg: 0 },
  { long: 'help', short: 'h', arg: 3 },
  { long: 'line-numbers', short: '0', arg: 0 },
  { long: 'modprobe', short: 'M', arg: 1 },
  { long: 'set-counters', short: 'c', arg: 1 },
  { long: 'goto', short: 'g', arg: 1 },
  { long: 'ipv4', short: '4', arg: 0 },
  { long: 'ipv6', short: '6', arg: 0 },
];
const COMMANDS = new Set(['A', 'C', 'D', 'I', 'R', 'L', 'S', 'F', 'Z', 'N', 'X', 'E', 'P']);
const RULE_COMMANDS = new Set(['A', 'C', 'D', 'I', 'R']);
const BASIC: Readonly<Record<string, BasicKey>> = { s: 'source', d: 'destination', i: 'inInterface', o: 'outInterface', p: 'protocol' };
const baseOption = (b: BaseOptionDef): BaseOption => ({ ...b, label: `--${b.long}`, shortLabel: `-${b.short}`, command: COMMANDS.has(b.short), basic: BASIC[b.short] });
const BASE: readonly BaseOption[] = BASE_DEFS.map(baseOption);
const BASE_BY_LABEL = new Map<string, BaseOption>();
for (const b of BASE) BASE_BY_LABEL.set(b.label, b);
/** Short options by character code (ASCII only; others are unknown). */
const SHORT: (BaseOption | undefined)[] = new Array<BaseOption | undefined>(128).fill(undefined);
for (const b of BASE) if (SHORT[b.short.charCodeAt(0)] === undefined && b.short !== '0') SHORT[b.short.charCodeAt(0)] = b;
SHORT['b'.charCodeAt(0)] = baseOption({ long: 'b', short: 'b', arg: 0 });
export const STANDARD_TARGETS: ReadonlyMap<string, string> = new Map(['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'CONTINUE'].map((n) => [n, n]));
const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);

type Module = SaveMatch | SaveTarget;

/** A chain declared in a table, with its declaration order. */
export type DeclaredChain = ChainRef;

/** The chains declared in a table, by name. */
export type Chains = ReadonlyMap<string, DeclaredChain>;

/** How `resolveLong` answered (details in `resolvedBase` / `resolvedOwner` / `resolvedOpt` / `ambiguous`). */
const UNKNOWN = 0;
const BASE_OPT = 1;
const EXT_OPT = 2;
const AMBIGUOUS = 3;

const sub = (t: SaveToken, from: number, to: number = t.value.length): SaveToken => {
  // Tokens with quotes have value/text offsets that differ; sub-tokens only come from bare words.
  const bare = t.end - t.start === t.value.length;
  return bare ? new SaveToken(t.value.slice(from, to), t.start + from, t.start + to) : new SaveToken(t.value.slice(from, to), t.start, t.end);
};

const startsWithDash = (s: string): boolean => s.charCodeAt(0) === 45;
/** What getopt and iptables treat as "an option, not a value": `-x...` but not `-` alone. */
const isOptionWord = (s: string): boolean => s.length > 1 && s.charCodeAt(0) === 45;
/** Neither `-...` nor `!...` (iptables refuses those as further words of an option). */
export const isPlainWord = (s: string): boolean => {
  const c = s.charCodeAt(0);
  return c !== 45 && c !== 33;
};

/** Any JavaScript `\s` character (what `/\s/` matches), without a regular expression. */
export function hasWhitespace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 32 && c < 127) continue;
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff) return true;
  }
  return false;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Reads rule lines of one dump. `read` takes one line's tokens and returns its rule (or
 * undefined), pushing problems into the dump's problem list; `newChain` is set for `-N CHAIN`.
 */
export class RuleReader {
  readonly problems: ParseProblem[];
  readonly family: Family;

  // The line being read.
  /** The line's tokens are tokens[0, n) (a buffer reused from line to line). */
  tokens: readonly SaveToken[] = NO_TOKENS;
  n = 0;
  table = '';
  line = 0;
  lineStart = 0;
  lineEnd = 0;
  /** Chains declared in the table so far (a jump to one takes no options). */
  chains: Chains = new Map();
  /** Only chains with `order` below this count as declared (those declared before the line). */
  chainsSeen = 0;
  /** The last token when its opening quote is never closed: iptables reads the line break into it. */
  unterminated: SaveToken | undefined;

  commandToken: SaveToken | undefined;
  commandLetter = '';
  chain: SaveToken | undefined;
  /** `-N CHAIN`: a chain created by a command line rather than a `:CHAIN` declaration. */
  newChain: SaveToken | undefined;
  source: BasicMatch | undefined;
  destination: BasicMatch | undefined;
  inInterface: BasicMatch | undefined;
  outInterface: BasicMatch | undefined;
  protocol: BasicMatch | undefined;
  fragment: IptRule['fragment'];
  counters: Counters | undefined;
  /**
   * Matches in order, with their extension tables: [0, nMatches) (buffers reused from line to line;
   * setting an array's length to 0 would free its storage and every line would allocate it anew).
   */
  readonly matches: SaveMatch[] = [];
  readonly matchExts: (Extension | undefined)[] = [];
  nMatches = 0;
  /** Matches and target in load order, [0, nLoaded) (iptables' merged option table puts new options first: read backwards). */
  readonly loaded: Module[] = [];
  readonly loadedExts: (Extension | undefined)[] = [];
  nLoaded = 0;
  target: SaveTarget | undefined;
  /** The declared chain the target names, if it names one (its store index saves a string lookup). */
  targetChain: DeclaredChain | undefined;
  targetExt: Extension | undefined;
  targetIsChain = false;
  protoLoaded = false;
  invert: Span | undefined;
  endOfOptions = false;
  i = 0;
  /** Set by `required` when it met the pre-1.6 `--opt ! value` form (reported, read as negation). */
  intraNegation: Span | undefined;

  // What resolveLong found.
  resolvedBase: BaseOption | undefined;
  resolvedOwner = -1;
  resolvedOpt: ExtOption | undefined;
  ambiguous: string[] = [];

  constructor(problems: ParseProblem[], family: Family) {
    this.problems = problems;
    this.family = family;
  }

  /**
   * Reads one line. `lineStart`/`lineEnd` delimit the line without surrounding blanks (the rule's
   * span); `counters` are the line's `[packets:bytes]` prefix, if any.
   */
  read(tokens: readonly SaveToken[], n: number, table: string, chains: Chains, chainsSeen: number, line: number, lineStart: number, lineEnd: number, counters: Counters | undefined, unterminated: SaveToken | undefined): SaveToken | undefined {
    this.tokens = tokens;
    this.n = n;
    this.table = table;
    this.chains = chains;
    this.chainsSeen = chainsSeen;
    this.line = line;
    this.lineStart = lineStart;
    this.lineEnd = lineEnd;
    this.counters = counters;
    this.unterminated = unterminated;
    this.commandToken = undefined;
    this.commandLetter = '';
    this.chain = undefined;
    this.newChain = undefined;
    this.source = undefined;
    this.destination = undefined;
    this.inInterface = undefined;
    this.outInterface = undefined;
    this.protocol = undefined;
    this.fragment = undefined;
    this.nMatches = 0;
    this.nLoaded = 0;
    this.target = undefined;
    this.targetChain = undefined;
    this.targetExt = undefined;
    this.targetIsChain = false;
    this.protoLoaded = false;
    this.invert = undefined;
    this.endOfOptions = false;
    this.i = 0;
    this.intraNegation = undefined;
    this.run();
    const chain = this.finish();
    this.tokens = NO_TOKENS;
    return chain;
  }

  /** The details of the rule `read` just returned (the objects a model rule reads on first access). */
  details(): RuleDetails {
    // An implicit protocol match that received no option of its own is not part of the rule.
    const matches = this.matches;
    let kept = 0;
    for (let k = 0; k < this.nMatches; k++) if (matches[k]!.explicit || matches[k]!.opts.length > 0) kept++;
    let finalMatches: readonly IptMatch[] = NO_MATCHES;
    if (kept > 0) {
      const out = new Array<IptMatch>(kept);
      let j = 0;
      for (let k = 0; k < this.nMatches; k++) {
        const m = matches[k]!;
        if (m.explicit || m.opts.length > 0) out[j++] = m;
      }
      finalMatches = out;
    }
    return {
      command: this.commandToken!,
      matches: finalMatches,
      targetOptions: this.target?.opts ?? NO_OPTIONS,
    };
  }

  /**
   * The value token of the rule's comment, found as `query.ts` `ruleComment` finds it in `details()`:
   * the first kept match named `comment` with an option `--comment`, its first value.
   */
  comment(): SaveToken | undefined {
    const matches = this.matches;
    for (let k = 0; k < this.nMatches; k++) {
      const m = matches[k]!;
      if (m.name.value !== 'comment' || !(m.explicit || m.opts.length > 0)) continue;
      const opts = m.opts;
      for (let j = 0; j < opts.length; j++) {
        const o = opts[j]!;
        if (o.name.value === '--comment') return o.values[0] as SaveToken | undefined;
      }
    }
    return undefined;
  }

  /** The line's k-th token, if any. */
  token(k: number): SaveToken | undefined {
    return k < this.n ? this.tokens[k] : undefined;
  }

  syntax(message: string, s: Span): void {
    this.problems.push({ code: 'parse/iptables-syntax', message, span: s });
  }

  /** A module whose options can be given: known table, and not a target that is a chain. */
  private resolvable(k: number): Extension | undefined {
    const ext = this.loadedExts[k];
    return ext && !(this.loaded[k] === this.target && this.targetIsChain) ? ext : undefined;
  }

  /** `label` is the option as written up to '=' (`--dport`); exact names first, then getopt prefixes. */
  resolveLong(label: string): number {
    const base = BASE_BY_LABEL.get(label);
    if (base) {
      this.resolvedBase = base;
      return BASE_OPT;
    }
    for (let k = this.nLoaded - 1; k >= 0; k--) {
      const ext = this.resolvable(k);
      if (!ext) continue;
      const o = ext.byLabel.get(label);
      if (o) {
        this.resolvedOwner = k;
        this.resolvedOpt = o;
        return EXT_OPT;
      }
    }
    return this.resolvePrefix(label.slice(2));
  }

  /** getopt_long: a unique prefix (or several prefixes naming the same option) is accepted. */
  private resolvePrefix(name: string): number {
    const hits: { key: string; base?: BaseOption; owner?: number; opt?: ExtOption; n: string }[] = [];
    for (const b of BASE) if (b.long.startsWith(name)) hits.push({ key: `base:${b.short}`, base: b, n: b.long });
    for (let k = this.nLoaded - 1; k >= 0; k--) {
      const ext = this.resolvable(k);
      if (!ext) continue;
      for (const o of ext.options) {
        if (o.spec.n.startsWith(name)) hits.push({ key: `${k}:${o.spec.id ?? o.spec.n}`, owner: k, opt: o, n: o.spec.n });
      }
    }
    if (hits.length === 0) return UNKNOWN;
    if (hits.every((h) => h.key === hits[0]!.key)) {
      const h = hits[0]!;
      if (h.base) {
        this.resolvedBase = h.base;
        return BASE_OPT;
      }
      this.resolvedOwner = h.owner!;
      this.resolvedOpt = h.opt;
      return EXT_OPT;
    }
    this.ambiguous = hits.map((h) => `--${h.n}`);
    return AMBIGUOUS;
  }

  /** The next word as a required value; getopt takes it even when it starts with '-'. */
  required(opt: SaveToken, attached: SaveToken | undefined, label: string): SaveToken | undefined {
    this.intraNegation = undefined;
    if (attached) return attached;
    const v = this.token(this.i);
    if (!v) {
      this.syntax(`option '${label}' requires a value`, opt.span);
      return undefined;
    }
    this.i++;
    const w = this.token(this.i);
    if (v.value === '!' && w && !isOptionWord(w.value)) {
      // iptables 1.8 takes '!' as the value and then rejects the real value as a stray argument.
      this.i++;
      this.intraNegation = v.span;
      this.syntax(`'${label} ! ${w.value}' is the old negation form iptables 1.8 rejects; write '! ${label} ${w.value}'`, { start: v.start, end: w.end });
      return w;
    }
    return v;
  }

  /** A further word for two-word options: iptables refuses one that starts with '-' or is '!'. */
  second(): SaveToken | undefined {
    const v = this.token(this.i);
    if (!v || !isPlainWord(v.value)) return undefined;
    this.i++;
    return v;
  }

  private load(m: Module, ext: Extension | undefined): void {
    this.loaded[this.nLoaded] = m;
    this.loadedExts[this.nLoaded++] = ext;
  }

  loadMatch(name: SaveToken, explicit: boolean, start: number, end: number, ext: Extension | undefined): SaveMatch {
    const l = new SaveMatch(name, explicit, start, end);
    if (ext && !familyAllows(ext.spec, this.family)) {
      this.syntax(`match '${name.value}' exists only in ${ext.spec.family === 'ipv6' ? 'ip6tables' : 'iptables'}; this is an ${this.family === 'ipv6' ? 'ip6tables' : 'iptables'} dump`, name.span);
    }
    this.matches[this.nMatches] = l;
    this.matchExts[this.nMatches++] = ext;
    this.load(l, ext);
    return l;
  }

  addExtOption(k: number, o: ExtOption, nameTok: SaveToken, attached: SaveToken | undefined, neg: Span | undefined): void {
    const owner = this.loaded[k]!;
    const opt = o.spec;
    const label = o.label;
    const ext = this.loadedExts[k]!.spec.name;
    let values: readonly SaveToken[] = NO_TOKENS;
    if (opt.arg === 0) {
      if (attached) this.syntax(`option '${label}' takes no value`, attached.span);
    } else {
      const v = this.required(nameTok, attached, label);
      if (v) {
        if (opt.arg === 2) {
          const w = this.second();
          if (w) values = [v, w];
          else {
            values = [v];
            this.syntax(`option '${label}' requires two values`, v.span);
          }
        } else values = [v];
      }
    }
    if (neg && !opt.inv) this.syntax(`option '${label}' of ${ext} cannot be negated with '!'`, neg);
    // Earlier options of the same module: given twice? excluded by this one?
    let excluded = false;
    const prevs = owner.options;
    const table = this.loadedExts[k]!.byLabel;
    for (let p = 0; p < prevs.length; p++) {
      const prev = prevs[p]!;
      const other = table.get(prev.name.value);
      if (!other) continue;
      if (o.once && other.key === o.key) {
        this.syntax(`${ext}: option '${label}' can be given only once`, nameTok.span);
        break;
      }
      if (!excluded && opt.excl && other.spec.id !== undefined && opt.excl & (1 << other.spec.id) && other.spec.n !== opt.n) {
        excluded = true;
        this.syntax(`${ext}: option '${label}' cannot be used together with '${prev.name.value}'`, nameTok.span);
      }
    }
    const intra = opt.arg > 0 ? this.intraNegation : undefined;
    if (intra) neg = intra;
    for (let j = intra ? values.length : 0; j < values.length; j++) {
      const v = values[j]!;
      const err = valueError(o, j, v.value, this.family);
      if (err) this.syntax(`${ext} ${label}: ${err}`, v.span);
    }
    let name = nameTok;
    if (nameTok.value === label) nameTok.value = label; // the table's string: the text's copy can go
    else name = new SaveToken(label, nameTok.start, nameTok.end);
    const option = new SaveOption(name, neg, values);
    addOption(owner, option);
    if (option.end > owner.end) owner.end = option.end;
    if (owner.options.length === 1 && owner instanceof SaveMatch && !owner.explicit) owner.start = option.start;
  }

  /** An option nobody we know defines, kept on the newest unknown module (lenient) or reported. */
  unknownOption(nameTok: SaveToken, attached: SaveToken | undefined, neg: Span | undefined): void {
    let values: readonly SaveToken[];
    if (attached) values = [attached];
    else {
      const from = this.i;
      while (this.i < this.n) {
        const v = this.tokens[this.i]!.value;
        if (isOptionWord(v) || v === '!') break;
        this.i++;
      }
      values = this.i > from ? this.tokens.slice(from, this.i) : NO_TOKENS;
    }
    let owner: Module | undefined;
    for (let k = this.nLoaded - 1; k >= 0; k--) {
      const l = this.loaded[k]!;
      if (!this.loadedExts[k] && !(l === this.target && this.targetIsChain)) {
        owner = l;
        break;
      }
    }
    const option = new SaveOption(nameTok, neg, values);
    if (!owner) {
      const hint = this.protocol ? '' : ' (a protocol option like --dport needs -p tcp/udp before it, or -m with its module)';
      this.syntax(`unknown option '${nameTok.value}'${hint}`, nameTok.span);
    }
    let keep: Module | undefined = owner ?? this.target;
    for (let k = this.nMatches - 1; !keep && k >= 0; k--) if (this.matches[k]!.explicit) keep = this.matches[k];
    if (keep) {
      addOption(keep, option);
      if (option.end > keep.end) keep.end = option.end;
    }
  }

  private setBasic(key: BasicKey, b: BasicMatch): void {
    switch (key) {
      case 'source':
        this.source = b;
        return;
      case 'destination':
        this.destination = b;
        return;
      case 'inInterface':
        this.inInterface = b;
        return;
      case 'outInterface':
        this.outInterface = b;
        return;
      case 'protocol':
        this.protocol = b;
        return;
    }
  }

  private basic(key: BasicKey): BasicMatch | undefined {
    switch (key) {
      case 'source':
        return this.source;
      case 'destination':
        return this.destination;
      case 'inInterface':
        return this.inInterface;
      case 'outInterface':
        return this.outInterface;
      case 'protocol':
        return this.protocol;
    }
  }

  handleBase(b: BaseOption, optTok: SaveToken, attached: SaveToken | undefined, neg: Span | undefined, word: SaveToken): void {
    const letter = b.short;
    const shown = optTok.value.startsWith('--') ? b.label : b.shortLabel;
    if (b.command) {
      if (neg) this.syntax(`'!' cannot negate '${shown}'`, neg);
      if (this.commandToken) this.syntax(`cannot use -${letter} together with -${this.commandLetter}: one command per line`, optTok.span);
      else {
        this.commandToken = optTok;
        this.commandLetter = letter;
        if (optTok.value === b.shortLabel) optTok.value = b.shortLabel; // the table's string: the text's copy can go
      }
      if (b.arg === 1) {
        const arg = this.required(optTok, attached, shown);
        if (!arg) return;
        if (!this.chain || this.commandToken === optTok) this.chain = arg;
        if (letter === 'N') {
          if (arg.value.startsWith('-') || arg.value.startsWith('!')) this.syntax(`chain name '${arg.value}' cannot start with '${arg.value[0]}'`, arg.span);
          else if (arg.value.length > 28) this.syntax(`chain name '${arg.value}' is ${arg.value.length} characters long; iptables allows 28`, arg.span);
          else this.newChain = arg;
        }
        if (letter === 'E' || letter === 'P') {
          if (!this.second()) this.syntax(letter === 'E' ? `-E needs the old and the new chain name` : `-P needs a chain and a policy`, arg.span);
        }
        if (letter === 'I' || letter === 'D' || letter === 'R') {
          const n = this.token(this.i);
          if (n && isPlainWord(n.value)) {
            this.i++;
            if (!isDigits(n.value) || Number(n.value) < 1) this.syntax(`invalid rule number '${n.value}'`, n.span);
          } else if (letter === 'R') this.syntax(`-R needs a rule number after the chain`, arg.span);
        }
      } else {
        // -L/-S/-F/-Z/-X: optional chain (and rule number for -L/-S/-Z) unless the next word is an option.
        let n = this.token(this.i);
        if (!attached && n && isPlainWord(n.value)) {
          this.i++;
          n = this.token(this.i);
          if ((letter === 'L' || letter === 'S' || letter === 'Z') && n && isPlainWord(n.value)) this.i++;
        }
      }
      return;
    }
    const basic = b.basic;
    if (basic) {
      // -s/-d/-i/-o read the whole argv word, so `-s1.2.3.4` gives them '-s1.2.3.4'.
      const v = attached && letter !== 'p' ? word : this.required(optTok, attached, shown);
      if (!v) return;
      const negation = neg ?? this.intraNegation;
      if (this.basic(basic)) this.syntax(`'-${letter}' can be given only once per rule`, optTok.span);
      else this.setBasic(basic, negation ? { value: v, negation } : { value: v });
      if (this.intraNegation) return;
      if (letter === 's' || letter === 'd') {
        const err = addressList(v.value, this.family);
        if (err) this.syntax(err, v.span);
      } else if (letter === 'i' || letter === 'o') {
        if (v.value.length > 15) this.syntax(`interface name '${v.value}' is ${v.value.length} characters long; Linux allows 15`, v.span);
      } else if (protocolNumber(v.value) === undefined) {
        this.syntax(`unknown protocol '${v.value}'`, v.span);
      }
      return;
    }
    switch (letter) {
      case 'f':
        if (attached) this.syntax(`option '${shown}' takes no value`, attached.span);
        if (this.fragment) this.syntax(`'-f' can be given only once per rule`, optTok.span);
        this.fragment = neg ? { span: optTok.span, negation: neg } : { span: optTok.span };
        return;
      case 'j':
      case 'g': {
        if (neg) this.syntax(`'!' cannot negate '${shown}'`, neg);
        const name = this.required(optTok, attached, shown);
        if (!name) return;
        if (this.target) {
          this.syntax(`a rule can have only one target (-j or -g)`, optTok.span);
          return;
        }
        if (name.value.length === 0) this.syntax(`empty target name`, name.span);
        else if (name.value.length > 28) this.syntax(`target name '${name.value}' is longer than 28 characters`, name.span);
        else if (name === this.unterminated || hasWhitespace(name.value)) this.syntax(`target name '${name.value.trim()}' contains blanks (unclosed quote?)`, name.span);
        const ext = letter === 'j' ? targetExtension(name.value) : undefined;
        if (ext) {
          name.value = ext.spec.name; // the table's string: the text's copy can go
          if (!familyAllows(ext.spec, this.family)) this.syntax(`target '${name.value}' exists only in ${ext.spec.family === 'ipv6' ? 'ip6tables' : 'iptables'}`, name.span);
        }
        let isChain = false;
        if (!ext) {
          // The model keeps one string per target or chain name, not a copy per jump.
          const standard = STANDARD_TARGETS.get(name.value);
          if (standard !== undefined) {
            name.value = standard;
            isChain = true;
          } else {
            const declared = this.chains.get(name.value);
            if (declared && declared.order < this.chainsSeen) {
              name.value = declared.name.value;
              isChain = true;
              this.targetChain = declared;
            }
          }
        }
        this.targetIsChain = letter === 'g' || isChain;
        this.target = new SaveTarget(letter === 'g' ? 'goto' : 'jump', name, optTok.start, name.end);
        this.targetExt = ext;
        this.load(this.target, ext);
        return;
      }
      case 'm': {
        if (neg) this.syntax(`'!' cannot negate '${shown}'`, neg);
        const name = this.required(optTok, attached, shown);
        if (!name) return;
        if (name === this.unterminated) this.syntax(`match name '${name.value}' runs to the end of the line (unclosed quote)`, name.span);
        const ext = matchExtension(name.value);
        if (ext) name.value = ext.spec.name; // the table's string: the text's copy can go
        this.loadMatch(name, true, optTok.start, name.end, ext);
        if (ext && ext.protocol !== undefined) this.protoLoaded = true;
        return;
      }
      case 'c': {
        if (neg) this.syntax(`'!' cannot negate '${shown}'`, neg);
        const p = this.required(optTok, attached, shown);
        if (!p) return;
        const b2 = this.second();
        if (!b2) {
          this.syntax(`-c needs a packet and a byte counter`, p.span);
          return;
        }
        if (!isDigits(p.value)) this.syntax(`packet counter '${p.value}' is not a number`, p.span);
        else if (!isDigits(b2.value)) this.syntax(`byte counter '${b2.value}' is not a number`, b2.span);
        else this.counters = new SaveCounters(Number(p.value), Number(b2.value), optTok.start, b2.end);
        return;
      }
      case 't': {
        const v = this.required(optTok, attached, shown);
        this.syntax(`'-t' cannot be used inside an iptables-restore file: the table comes from the '*table' line`, v ? { start: optTok.start, end: v.end } : optTok.span);
        return;
      }
      case 'M':
        this.required(optTok, attached, shown);
        return;
      default:
        // -n -v -x -V -h -w -W --line-numbers -b: accepted and meaningless in a restore file.
        return;
    }
  }

  run(): void {
    const tokens = this.tokens;
    while (this.i < this.n) {
      const t = tokens[this.i]!;
      const v = t.value;
      this.i++;
      if (this.endOfOptions) {
        this.syntax(`unexpected argument '${v}'`, t.span);
        continue;
      }
      if (v === '!') {
        if (this.invert) this.syntax(`'!' twice in a row`, t.span);
        this.invert = t.span;
        continue;
      }
      const neg = this.invert;
      this.invert = undefined;
      if (v.length < 2 || !startsWithDash(v)) {
        this.syntax(`unexpected argument '${v}'`, t.span);
        continue;
      }
      if (v.charCodeAt(1) === 45) {
        if (v.length === 2) {
          this.endOfOptions = true;
          continue;
        }
        this.longOption(t, neg);
        continue;
      }
      // A cluster of short options: `-f`, `-jACCEPT`, `-nvx`.
      let k = 1;
      let negation = neg;
      while (k < v.length) {
        const code = v.charCodeAt(k);
        const b = code < 128 ? SHORT[code] : undefined;
        let optTok: SaveToken;
        if (v.length === 2) optTok = t;
        else {
          const bare = t.end - t.start === v.length;
          const from = k === 1 ? 0 : k;
          optTok = new SaveToken(b ? b.shortLabel : `-${v[k]!}`, bare ? t.start + from : t.start, bare ? t.start + k + 1 : t.end);
        }
        if (!b) {
          this.syntax(`unknown option '-${v[k]!}'`, optTok.span);
          break;
        }
        if (b.arg === 0) {
          this.handleBase(b, optTok, undefined, negation, t);
          negation = undefined;
          k++;
          continue;
        }
        this.handleBase(b, optTok, k + 1 < v.length ? sub(t, k + 1) : undefined, negation, t);
        break;
      }
    }
    if (this.invert) this.syntax(`'!' at the end of the rule negates nothing`, this.invert);
  }

  private longOption(t: SaveToken, neg: Span | undefined): void {
    const v = t.value;
    const eq = v.indexOf('=');
    const attached = eq < 0 ? undefined : sub(t, eq + 1);
    const nameTok = eq < 0 ? t : sub(t, 0, eq);
    const name = nameTok.value;
    let r = this.resolveLong(name);
    if (r === UNKNOWN && this.protocol && !this.protoLoaded) {
      // iptables loads the protocol's match the first time an option is unknown.
      this.protoLoaded = true;
      const ext = protocolExtension(this.protocol.value.value, this.family);
      if (ext) {
        this.loadMatch(this.protocol.value, false, t.start, t.end, ext);
        r = this.resolveLong(name);
      }
    }
    if (r === BASE_OPT) this.handleBase(this.resolvedBase!, nameTok, attached, neg, t);
    else if (r === EXT_OPT) this.addExtOption(this.resolvedOwner, this.resolvedOpt!, nameTok, attached, neg);
    else if (r === AMBIGUOUS) {
      this.syntax(`option '${nameTok.value}' is ambiguous (${this.ambiguous.slice(0, 4).join(', ')})`, nameTok.span);
      this.unknownOptionSwallow();
    } else this.unknownOption(nameTok, attached, neg);
  }

  unknownOptionSwallow(): void {
    while (this.i < this.n) {
      const v = this.tokens[this.i]!.value;
      if (isOptionWord(v) || v === '!') break;
      this.i++;
    }
  }

  /** Checks made once the whole line is read; returns the chain of a rule line (-A, -I, ...). */
  finish(): SaveToken | undefined {
    const commandToken = this.commandToken;
    if (!commandToken) {
      this.syntax(
        this.n === 0 ? `a line with only blanks: iptables-restore reads it as a rule without a command` : `no command: a rule line starts with -A CHAIN`,
        this.n > 0 ? this.tokens[0]!.span : { start: this.lineStart, end: this.lineEnd },
      );
      return undefined;
    }

    // Checks iptables makes once the whole line is read.
    const protoNum = this.protocol ? protocolNumber(this.protocol.value.value) : undefined;
    const protoPositive = this.protocol && !this.protocol.negation ? protoNum : undefined;
    const target = this.target;
    if (target && this.table === 'nat' && target.name.value === 'DROP') {
      this.syntax(`the nat table is not for filtering: iptables refuses DROP here (drop in the filter table)`, target.name.span);
    }
    const matches = this.matches;
    for (let k = 0; k < this.nMatches; k++) {
      const m = matches[k]!;
      compact(m);
      const ext = this.matchExts[k];
      if (!ext) continue;
      const name = ext.spec.name;
      for (const o of ext.mandatory) {
        if (!findOption(m.options, o.spec.n)) this.syntax(`${name}: option '${o.label}' is required`, m.name.span);
      }
      const need = ext.protocol;
      if (need !== undefined && m.options.length > 0 && protoNum !== need) {
        this.syntax(`the ${name} match needs '-p ${name === 'icmp6' ? 'ipv6-icmp' : name}' in the same rule`, m.name.span);
      }
      if (name === 'multiport' && (protoPositive === undefined || !PORT_PROTOCOLS.has(protoPositive))) {
        this.syntax(`multiport needs '-p tcp', '-p udp', '-p udplite', '-p sctp' or '-p dccp'`, m.name.span);
      }
      if ((name === 'conntrack' || name === 'physdev' || name === 'set') && m.options.length === 0) {
        this.syntax(`${name}: at least one option is required`, m.name.span);
      }
      if (name === 'addrtype' && !findOption(m.options, 'src-type') && !findOption(m.options, 'dst-type')) {
        this.syntax(`addrtype needs --src-type or --dst-type`, m.name.span);
      }
    }
    const ext = this.targetExt;
    if (target && ext) {
      compact(target);
      const name = ext.spec.name;
      for (const o of ext.mandatory) {
        if (!findOption(target.options, o.spec.n)) this.syntax(`${name}: option '${o.label}' is required`, target.name.span);
      }
      const opts = target.options;
      if (name === 'MARK' && !findOption(opts, 'set-xmark') && !findOption(opts, 'set-mark') && !findOption(opts, 'and-mark') && !findOption(opts, 'or-mark') && !findOption(opts, 'xor-mark')) {
        this.syntax(`MARK needs one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark`, target.name.span);
      }
      if (name === 'SET' && !findOption(opts, 'add-set') && !findOption(opts, 'del-set') && !findOption(opts, 'map-set')) {
        this.syntax(`SET needs --add-set, --del-set or --map-set`, target.name.span);
      }
      let portOpt: IptOption | undefined;
      if (name === 'MASQUERADE' || name === 'REDIRECT') portOpt = findOption(opts, 'to-ports');
      else if (name === 'DNAT' || name === 'SNAT') {
        const d = findOption(opts, 'to-destination');
        const s = findOption(opts, 'to-source');
        if (d?.values[0] && natRange(d.values[0].value, this.family).hasPort) portOpt = d;
        else if (s?.values[0] && natRange(s.values[0].value, this.family).hasPort) portOpt = s;
      }
      if (portOpt && (protoNum === undefined || !PORT_PROTOCOLS.has(protoNum))) {
        this.syntax(`${name} with ports needs '-p tcp', '-p udp', '-p sctp' or '-p dccp'`, portOpt.span);
      }
    } else if (target) compact(target);

    const chain = this.chain;
    if (!RULE_COMMANDS.has(this.commandLetter) || !chain) return undefined;
    if (this.outInterface && (chain.value === 'INPUT' || chain.value === 'PREROUTING')) {
      this.syntax(`'-o' cannot be used in ${chain.value}: packets there have no output interface yet`, this.outInterface.value.span);
    }
    if (this.inInterface && (chain.value === 'OUTPUT' || chain.value === 'POSTROUTING')) {
      this.syntax(`'-i' cannot be used in ${chain.value}: locally generated packets have no input interface`, this.inInterface.value.span);
    }

    return chain;
  }
}

/** What is wrong with `value` as the `j`-th value of extension option `o` (undefined: nothing). */
export function valueError(o: ExtOption, j: number, value: string, family: Family): string | undefined {
  const check = o.checks?.[j];
  const opt = o.spec;
  return check ? check(value, family) : opt.type === 'OLD' ? undefined : typeCheck(opt.type, value, family, opt.min ?? 0, opt.max ?? 0);
}

export function findOption(options: readonly IptOption[], n: string): IptOption | undefined {
  for (const o of options) {
    const v = o.name.value;
    if (v.length === n.length + 2 && v.endsWith(n)) return o;
  }
  return undefined;
}
