import type { ParseProblem } from '../../core/problem';
import type { Span } from '../../core/span';
import {
  MATCH_PROTOCOL,
  addressList,
  familyAllows,
  matchSpec,
  natRange,
  optionMeta,
  optionByLabel,
  mandatoryOptions,
  protocolMatch,
  protocolNumber,
  targetSpec,
  typeCheck,
  type ExtensionSpec,
  type Family,
  type OptionSpec,
} from './extensions/index';
import type { Counters, IptBasicMatch, IptMatch, IptOption, IptRule, IptTarget, Token } from './model';

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
 */

export interface RuleContext {
  readonly table: string;
  readonly line: number;
  readonly lineSpan: Span;
  readonly counters?: Counters;
  readonly family: Family;
  /** Chains declared in the table so far (a jump to one takes no options). */
  readonly chains: { has(name: string): boolean };
  /** The last token when its opening quote is never closed: iptables reads the line break into it. */
  readonly unterminated?: Token;
}

export interface RuleParse {
  readonly rule?: IptRule;
  /** `-N CHAIN`: a chain created by a command line rather than a `:CHAIN` declaration. */
  readonly newChain?: Token;
  readonly problems: readonly ParseProblem[];
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
const BASE: readonly BaseOption[] = BASE_DEFS.map((b) => ({ ...b, label: `--${b.long}`, shortLabel: `-${b.short}` }));
const BASE_BY_LABEL = new Map<string, BaseOption>();
for (const b of BASE) BASE_BY_LABEL.set(b.label, b);
const SHORT = new Map<string, BaseOption>();
for (const b of BASE) if (!SHORT.has(b.short) && b.short !== '0') SHORT.set(b.short, b);
SHORT.set('b', { long: 'b', short: 'b', arg: 0, label: '-b', shortLabel: '-b' });

const COMMANDS = new Set(['A', 'C', 'D', 'I', 'R', 'L', 'S', 'F', 'Z', 'N', 'X', 'E', 'P']);
const RULE_COMMANDS = new Set(['A', 'C', 'D', 'I', 'R']);
const BASIC: Readonly<Record<string, BasicKey>> = { s: 'source', d: 'destination', i: 'inInterface', o: 'outInterface', p: 'protocol' };
const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'CONTINUE']);
const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);

interface Loaded {
  readonly spec: ExtensionSpec | undefined;
  readonly name: Token;
  readonly explicit: boolean;
  readonly options: IptOption[];
  /** Options given so far, by identity (x6 option id, or name), with the option spec. */
  start: number;
  end: number;
}

type Resolved =
  | { kind: 'base'; base: BaseOption }
  | { kind: 'ext'; owner: Loaded; opt: OptionSpec }
  | { kind: 'ambiguous'; names: string[] }
  | { kind: 'unknown' };

const sub = (t: Token, from: number, to: number = t.value.length): Token => {
  // Tokens with quotes have value/text offsets that differ; sub-tokens only come from bare words.
  const bare = t.span.end - t.span.start === t.value.length;
  return {
    value: t.value.slice(from, to),
    span: bare ? { start: t.span.start + from, end: t.span.start + to } : t.span,
  };
};

export function parseRuleArgs(tokens: readonly Token[], _text: string, ctx: RuleContext): RuleParse {
  const reader = new RuleReader(tokens, ctx);
  reader.run();
  return reader.finish();
}

/** One rule line being read; a class so the hot path allocates no closures per line. */
class RuleReader {
  problems: ParseProblem[] = NO_PROBLEMS;
  readonly family: Family;
  command: { token: Token; letter: string } | undefined;
  chain: Token | undefined;
  newChain: Token | undefined;
  readonly basics: Partial<Record<BasicKey, IptBasicMatch>> = {};
  fragment: IptRule['fragment'];
  counters: Counters | undefined;
  readonly matches: Loaded[] = [];
  /** Matches and target, newest first (iptables' merged option table puts new options first). */
  readonly loaded: Loaded[] = [];
  target: Loaded | undefined;
  targetIsChain = false;
  targetKind: 'jump' | 'goto' = 'jump';
  protoLoaded = false;
  invert: Span | undefined;
  endOfOptions = false;
  i = 0;
  /** Set by `required` when it met the pre-1.6 `--opt ! value` form (reported, read as negation). */
  intraNegation: Span | undefined;

  constructor(
    readonly tokens: readonly Token[],
    readonly ctx: RuleContext,
  ) {
    this.family = ctx.family;
    this.counters = ctx.counters;
  }

  syntax(message: string, s: Span): void {
    if (this.problems === NO_PROBLEMS) this.problems = [];
    this.problems.push({ code: 'parse/iptables-syntax', message, span: s });
  }


  /** Loaded modules newest first: iptables' merged option table puts new options first. */
  loadedNewestFirst(): Loaded[] {
    return this.loaded;
  }

  /** `label` is the option as written up to '=' (`--dport`); exact names first, then getopt prefixes. */
  resolveLong(label: string): Resolved {
    const base = BASE_BY_LABEL.get(label);
    if (base) return { kind: 'base', base };
    const loaded = this.loadedNewestFirst();
    for (const l of loaded) {
      if (!l.spec || (l === this.target && this.targetIsChain)) continue;
      const o = optionByLabel(l.spec, label);
      if (o) return { kind: 'ext', owner: l, opt: o };
    }
    const name = label.slice(2);
    // getopt_long: a unique prefix (or several prefixes naming the same option) is accepted.
    const hits: { key: string; r: Resolved; n: string }[] = [];
    for (const b of BASE) if (b.long.startsWith(name)) hits.push({ key: `base:${b.short}`, r: { kind: 'base', base: b }, n: b.long });
    for (const l of loaded) {
      if (!l.spec || (l === this.target && this.targetIsChain)) continue;
      for (const o of l.spec.options) {
        if (o.n.startsWith(name)) hits.push({ key: `${l.start}:${o.id ?? o.n}`, r: { kind: 'ext', owner: l, opt: o }, n: o.n });
      }
    }
    if (hits.length === 0) return { kind: 'unknown' };
    if (hits.every((h) => h.key === hits[0]!.key)) return hits[0]!.r;
    return { kind: 'ambiguous', names: hits.map((h) => `--${h.n}`) };
  }

  /** The next word as a this.required value; getopt takes it even when it starts with '-'. */
  required(opt: Token, attached: Token | undefined, label: string): Token | undefined {
    this.intraNegation = undefined;
    if (attached) return attached;
    const v = this.tokens[this.i];
    if (!v) {
      this.syntax(`option '${label}' requires a value`, opt.span);
      return undefined;
    }
    this.i++;
    const w = this.tokens[this.i];
    if (v.value === '!' && w && !(w.value.startsWith('-') && w.value.length > 1)) {
      // iptables 1.8 takes '!' as the value and then rejects the real value as a stray argument.
      this.i++;
      this.intraNegation = v.span;
      this.syntax(`'${label} ! ${w.value}' is the old negation form iptables 1.8 rejects; write '! ${label} ${w.value}'`, { start: v.span.start, end: w.span.end });
      return w;
    }
    return v;
  }
  /** A further word for two-word options: iptables refuses one that starts with '-' or is '!'. */
  second(): Token | undefined {
    const v = this.tokens[this.i];
    if (!v || v.value.startsWith('-') || v.value.startsWith('!')) return undefined;
    this.i++;
    return v;
  }

  loadMatch(name: Token, explicit: boolean, start: number): Loaded {
    const spec = matchSpec(name.value);
    const l: Loaded = { spec, name, explicit, options: [], start, end: name.span.end };
    if (spec && !familyAllows(spec, this.family)) {
      this.syntax(`match '${name.value}' exists only in ${spec.family === 'ipv6' ? 'ip6tables' : 'iptables'}; this is an ${this.family === 'ipv6' ? 'ip6tables' : 'iptables'} dump`, name.span);
    }
    this.matches.push(l);
    this.loaded.unshift(l);
    return l;
  }

  addExtOption(owner: Loaded, opt: OptionSpec, nameTok: Token, attached: Token | undefined, neg: Span | undefined): void {
    const meta = optionMeta(opt);
    const label = meta.label;
    const ext = owner.spec!.name;
    const values: Token[] = [];
    if (opt.arg === 0) {
      if (attached) this.syntax(`option '${label}' takes no value`, attached.span);
    } else {
      const v = this.required(nameTok, attached, label);
      if (v) {
        values.push(v);
        if (opt.arg === 2) {
          const w = this.second();
          if (w) values.push(w);
          else this.syntax(`option '${label}' requires two values`, v.span);
        }
      }
    }
    if (neg && !opt.inv) this.syntax(`option '${label}' of ${ext} cannot be negated with '!'`, neg);
    const key = meta.key;
    // Earlier options of the same module: given twice? excluded by this one?
    let excluded = false;
    for (const prev of owner.options) {
      const other = owner.spec ? optionByLabel(owner.spec, prev.name.value) : undefined;
      if (!other) continue;
      if (meta.once && optionMeta(other).key === key) {
        this.syntax(`${ext}: option '${label}' can be given only once`, nameTok.span);
        break;
      }
      if (!excluded && opt.excl && other.id !== undefined && opt.excl & (1 << other.id) && other.n !== opt.n) {
        excluded = true;
        this.syntax(`${ext}: option '${label}' cannot be used together with '${prev.name.value}'`, nameTok.span);
      }
    }
    const intra = opt.arg > 0 ? this.intraNegation : undefined;
    if (intra) neg = intra;
    const checks = meta.checks;
    for (let k = intra ? values.length : 0; k < values.length; k++) {
      const v = values[k]!;
      const check = checks?.[k];
      const err = check ? check(v.value, this.family) : opt.type === 'OLD' ? undefined : typeCheck(opt.type, v.value, this.family, opt.min ?? 0, opt.max ?? 0);
      if (err) this.syntax(`${ext} ${label}: ${err}`, v.span);
    }
    const option = makeOption(nameTok.value === label ? nameTok : { value: label, span: nameTok.span }, neg, values);
    owner.options.push(option);
    if (option.span.end > owner.end) owner.end = option.span.end;
    if (owner.options.length === 1 && !owner.explicit) owner.start = option.span.start;
  }

  /** An option nobody we know defines, kept on the newest unknown module (lenient) or reported. */
  unknownOption(nameTok: Token, attached: Token | undefined, neg: Span | undefined): void {
    const values: Token[] = attached ? [attached] : [];
    while (!attached && this.i < this.tokens.length) {
      const v = this.tokens[this.i]!;
      if ((v.value.startsWith('-') && v.value.length > 1) || v.value === '!') break;
      values.push(v);
      this.i++;
    }
    const owner = this.loadedNewestFirst().find((l) => !l.spec && !(l === this.target && this.targetIsChain));
    const option = makeOption(nameTok, neg, values);
    if (!owner) {
      const hint = this.basics.protocol ? '' : ' (a protocol option like --dport needs -p tcp/udp before it, or -m with its module)';
      this.syntax(`unknown option '${nameTok.value}'${hint}`, nameTok.span);
    }
    let keep = owner ?? this.target;
    for (let k = this.matches.length - 1; !keep && k >= 0; k--) if (this.matches[k]!.explicit) keep = this.matches[k];
    if (keep) {
      keep.options.push(option);
      if (option.span.end > keep.end) keep.end = option.span.end;
    }
  }

  handleBase(b: BaseOption, optTok: Token, attached: Token | undefined, neg: Span | undefined, word: Token): void {
    const letter = b.short;
    const shown = optTok.value.startsWith('--') ? b.label : b.shortLabel;
    if (COMMANDS.has(letter)) {
      if (neg) this.syntax(`'!' cannot negate '${shown}'`, neg);
      if (this.command) this.syntax(`cannot use -${letter} together with -${this.command.letter}: one command per line`, optTok.span);
      else this.command = { token: optTok, letter };
      if (b.arg === 1) {
        const arg = this.required(optTok, attached, shown);
        if (!arg) return;
        if (!this.chain || this.command.token === optTok) this.chain = arg;
        if (letter === 'N') {
          if (arg.value.startsWith('-') || arg.value.startsWith('!')) this.syntax(`chain name '${arg.value}' cannot start with '${arg.value[0]}'`, arg.span);
          else if (arg.value.length > 28) this.syntax(`chain name '${arg.value}' is ${arg.value.length} characters long; iptables allows 28`, arg.span);
          else this.newChain = arg;
        }
        if (letter === 'E' || letter === 'P') {
          if (!this.second()) this.syntax(letter === 'E' ? `-E needs the old and the new chain name` : `-P needs a chain and a policy`, arg.span);
        }
        if (letter === 'I' || letter === 'D' || letter === 'R') {
          const n = this.tokens[this.i];
          if (n && !n.value.startsWith('-') && !n.value.startsWith('!')) {
            this.i++;
            if (!/^\d+$/.test(n.value) || Number(n.value) < 1) this.syntax(`invalid rule number '${n.value}'`, n.span);
          } else if (letter === 'R') this.syntax(`-R needs a rule number after the chain`, arg.span);
        }
      } else {
        // -L/-S/-F/-Z/-X: optional this.chain (and rule number for -L/-S/-Z) unless the next word is an option.
        let n = this.tokens[this.i];
        if (!attached && n && !n.value.startsWith('-') && !n.value.startsWith('!')) {
          this.i++;
          n = this.tokens[this.i];
          if ((letter === 'L' || letter === 'S' || letter === 'Z') && n && !n.value.startsWith('-') && !n.value.startsWith('!')) this.i++;
        }
      }
      return;
    }
    const basic = BASIC[letter];
    if (basic) {
      // -s/-d/-this.i/-o read the whole argv word, so `-s1.2.3.4` gives them '-s1.2.3.4'.
      const v = attached && letter !== 'p' ? word : this.required(optTok, attached, shown);
      if (!v) return;
      const negation = neg ?? this.intraNegation;
      if (this.basics[basic]) this.syntax(`'-${letter}' can be given only once per rule`, optTok.span);
      else this.basics[basic] = negation ? { value: v, negation } : { value: v };
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
        else if (name === this.ctx.unterminated || /\s/.test(name.value)) this.syntax(`target name '${name.value.trim()}' contains blanks (unclosed quote?)`, name.span);
        const spec = letter === 'j' ? targetSpec(name.value) : undefined;
        if (spec && !familyAllows(spec, this.family)) {
          this.syntax(`target '${name.value}' exists only in ${spec.family === 'ipv6' ? 'ip6tables' : 'iptables'}`, name.span);
        }
        this.targetIsChain = !spec && (STANDARD_TARGETS.has(name.value) || this.ctx.chains.has(name.value));
        if (letter === 'g') this.targetIsChain = true;
        this.target = { spec, name, explicit: true, options: [], start: optTok.span.start, end: name.span.end };
        this.loaded.unshift(this.target);
        this.targetKind = letter === 'g' ? 'goto' : 'jump';
        return;
      }
      case 'm': {
        if (neg) this.syntax(`'!' cannot negate '${shown}'`, neg);
        const name = this.required(optTok, attached, shown);
        if (!name) return;
        if (name === this.ctx.unterminated) this.syntax(`match name '${name.value}' runs to the end of the line (unclosed quote)`, name.span);
        const l = this.loadMatch(name, true, optTok.span.start);
        if (l.spec && MATCH_PROTOCOL[l.spec.name] !== undefined) this.protoLoaded = true;
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
        if (!/^\d+$/.test(p.value)) this.syntax(`packet counter '${p.value}' is not a number`, p.span);
        else if (!/^\d+$/.test(b2.value)) this.syntax(`byte counter '${b2.value}' is not a number`, b2.span);
        else this.counters = { packets: Number(p.value), bytes: Number(b2.value), span: { start: optTok.span.start, end: b2.span.end } };
        return;
      }
      case 't': {
        const v = this.required(optTok, attached, shown);
        this.syntax(`'-t' cannot be used inside an iptables-restore file: the table comes from the '*table' line`, v ? { start: optTok.span.start, end: v.span.end } : optTok.span);
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
    while (this.i < this.tokens.length) {
      const t = this.tokens[this.i]!;
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
      if (v === '--') {
        this.endOfOptions = true;
        continue;
      }
      if (v.startsWith('--')) {
        const eq = v.indexOf('=');
        const attached = eq < 0 ? undefined : sub(t, eq + 1);
        const nameTok = eq < 0 ? t : sub(t, 0, eq);
        const name = nameTok.value;
        let r = this.resolveLong(name);
        if (r.kind === 'unknown' && this.basics.protocol && !this.protoLoaded) {
          // iptables loads the protocol's match the first time an option is unknown.
          this.protoLoaded = true;
          const spec = protocolMatch(this.basics.protocol.value.value, this.family);
          if (spec) {
            const l: Loaded = { spec, name: this.basics.protocol.value, explicit: false, options: [], start: t.span.start, end: t.span.end };
            this.matches.push(l);
            this.loaded.unshift(l);
            r = this.resolveLong(name);
          }
        }
        if (r.kind === 'base') this.handleBase(r.base, nameTok, attached, neg, t);
        else if (r.kind === 'ext') this.addExtOption(r.owner, r.opt, nameTok, attached, neg);
        else if (r.kind === 'ambiguous') {
          this.syntax(`option '${nameTok.value}' is ambiguous (${r.names.slice(0, 4).join(', ')})`, nameTok.span);
          this.unknownOptionSwallow();
        } else this.unknownOption(nameTok, attached, neg);
        continue;
      }
      if (v.startsWith('-') && v.length > 1) {
        // A cluster of short options: `-f`, `-jACCEPT`, `-nvx`.
        let k = 1;
        let negation = neg;
        while (k < v.length) {
          const letter = v[k]!;
          const b = SHORT.get(letter);
          const optTok: Token = { value: `-${letter}`, span: sub(t, k === 1 ? 0 : k, k + 1).span };
          if (!b) {
            this.syntax(`unknown option '-${letter}'`, optTok.span);
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
        continue;
      }
      this.syntax(`unexpected argument '${v}'`, t.span);
    }
    if (this.invert) this.syntax(`'!' at the end of the rule negates nothing`, this.invert);
  }

  unknownOptionSwallow(): void {
    while (this.i < this.tokens.length) {
      const v = this.tokens[this.i]!;
      if ((v.value.startsWith('-') && v.value.length > 1) || v.value === '!') break;
      this.i++;
    }
  }

  finish(): RuleParse {
    if (!this.command) {
      this.syntax(this.tokens.length === 0 ? `a line with only blanks: iptables-restore reads it as a rule without a command` : `no command: a rule line starts with -A CHAIN`, this.tokens[0]?.span ?? this.ctx.lineSpan);
      return { problems: this.problems };
    }

    // Checks iptables makes once the whole line is read.
    const protoNum = this.basics.protocol ? protocolNumber(this.basics.protocol.value.value) : undefined;
    const protoPositive = this.basics.protocol && !this.basics.protocol.negation ? protoNum : undefined;
    if (this.target && this.ctx.table === 'nat' && this.target.name.value === 'DROP') {
      this.syntax(`the nat table is not for filtering: iptables refuses DROP here (drop in the filter table)`, this.target.name.span);
    }
    for (const m of this.matches) {
      const spec = m.spec;
      if (!spec) continue;
      for (const o of mandatoryOptions(spec)) {
        if (!findOption(m.options, o.n)) this.syntax(`${spec.name}: option '--${o.n}' is required`, m.name.span);
      }
      const need = MATCH_PROTOCOL[spec.name];
      if (need !== undefined && m.options.length > 0 && protoNum !== need) {
        this.syntax(`the ${spec.name} match needs '-p ${spec.name === 'icmp6' ? 'ipv6-icmp' : spec.name}' in the same rule`, m.name.span);
      }
      if (spec.name === 'multiport' && (protoPositive === undefined || !PORT_PROTOCOLS.has(protoPositive))) {
        this.syntax(`multiport needs '-p tcp', '-p udp', '-p udplite', '-p sctp' or '-p dccp'`, m.name.span);
      }
      if ((spec.name === 'conntrack' || spec.name === 'physdev' || spec.name === 'set') && m.options.length === 0) {
        this.syntax(`${spec.name}: at least one option is required`, m.name.span);
      }
      if (spec.name === 'addrtype' && !m.options.some((o) => o.name.value === '--src-type' || o.name.value === '--dst-type')) {
        this.syntax(`addrtype needs --src-type or --dst-type`, m.name.span);
      }
    }
    if (this.target?.spec) {
      const spec = this.target.spec;
      for (const o of mandatoryOptions(spec)) {
        if (!findOption(this.target.options, o.n)) this.syntax(`${spec.name}: option '--${o.n}' is required`, this.target.name.span);
      }
      const opts = this.target.options;
      if (spec.name === 'MARK' && !['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'].some((n) => findOption(opts, n))) {
        this.syntax(`MARK needs one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark`, this.target.name.span);
      }
      if (spec.name === 'SET' && !['add-set', 'del-set', 'map-set'].some((n) => findOption(opts, n))) {
        this.syntax(`SET needs --add-set, --del-set or --map-set`, this.target.name.span);
      }
      const portOpt =
        spec.name === 'MASQUERADE' || spec.name === 'REDIRECT'
          ? findOption(opts, 'to-ports')
          : spec.name === 'DNAT' || spec.name === 'SNAT'
            ? [findOption(opts, 'to-destination'), findOption(opts, 'to-source')].find((o) => o?.values[0] && natRange(o.values[0].value, this.family).hasPort)
            : undefined;
      if (portOpt && (protoNum === undefined || !PORT_PROTOCOLS.has(protoNum))) {
        this.syntax(`${spec.name} with ports needs '-p tcp', '-p udp', '-p sctp' or '-p dccp'`, portOpt.span);
      }
    }

    if (!RULE_COMMANDS.has(this.command.letter) || !this.chain) {
      return this.newChain ? { problems: this.problems, newChain: this.newChain } : { problems: this.problems };
    }
    if (this.basics.outInterface && (this.chain.value === 'INPUT' || this.chain.value === 'PREROUTING')) {
      this.syntax(`'-o' cannot be used in ${this.chain.value}: packets there have no output interface yet`, this.basics.outInterface.value.span);
    }
    if (this.basics.inInterface && (this.chain.value === 'OUTPUT' || this.chain.value === 'POSTROUTING')) {
      this.syntax(`'-i' cannot be used in ${this.chain.value}: locally generated packets have no input interface`, this.basics.inInterface.value.span);
    }

    // An implicit protocol match that received no option of its own is not part of the rule.
    const finalMatches: IptMatch[] = this.matches.filter((m) => m.explicit || m.options.length > 0).map((m) => ({
      name: m.name,
      explicit: m.explicit,
      options: m.options,
      span: { start: m.start, end: m.end },
    }));
    const finalTarget: IptTarget | undefined = this.target && {
      kind: this.targetKind,
      name: this.target.name,
      options: this.target.options.length > 0 ? this.target.options : NO_OPTIONS,
      span: { start: this.target.start, end: this.target.end },
    }
    // Built by assignment rather than spreads: this runs once per rule of a 75,000-line dump.
    const rule: Mutable<IptRule> = { table: this.ctx.table, chain: this.chain, command: this.command.token, matches: finalMatches, span: this.ctx.lineSpan, line: this.ctx.line };
    const b = this.basics;
    if (this.counters) rule.counters = this.counters;
    if (b.source) rule.source = b.source;
    if (b.destination) rule.destination = b.destination;
    if (b.inInterface) rule.inInterface = b.inInterface;
    if (b.outInterface) rule.outInterface = b.outInterface;
    if (b.protocol) rule.protocol = b.protocol;
    if (this.fragment) rule.fragment = this.fragment;
    if (finalTarget) rule.target = finalTarget;
    return { rule, problems: this.problems };
  }
}

/** Shared by every target without options (most jumps to chains). */
const NO_OPTIONS: readonly IptOption[] = Object.freeze([]);

/** Shared by every line without problems (never written: `syntax` swaps in a fresh array). */
const NO_PROBLEMS: ParseProblem[] = [];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function findOption(options: readonly IptOption[], n: string): IptOption | undefined {
  for (const o of options) {
    const v = o.name.value;
    if (v.length === n.length + 2 && v.endsWith(n)) return o;
  }
  return undefined;
}

function makeOption(name: Token, negation: Span | undefined, values: readonly Token[]): IptOption {
  const last = values.length > 0 ? values[values.length - 1]!.span : name.span;
  const start = negation && negation.start < name.span.start ? negation.start : name.span.start;
  const end = Math.max(last.end, name.span.end);
  return negation ? { name, negation, values, span: { start, end } } : { name, values, span: { start, end } };
}
