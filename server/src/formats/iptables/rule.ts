import type { ParseProblem } from '../../core/problem';
import type { Span } from '../../core/span';
import {
  MATCH_PROTOCOL,
  VALUE_CHECKS,
  addressList,
  familyAllows,
  matchSpec,
  natRange,
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
  /** True when NAME is a chain declared in the table so far (a jump to it takes no options). */
  readonly isChain: (name: string) => boolean;
  /** The last token when its opening quote is never closed: iptables reads the line break into it. */
  readonly unterminated?: Token;
}

export interface RuleParse {
  readonly rule?: IptRule;
  /** `-N CHAIN`: a chain created by a command line rather than a `:CHAIN` declaration. */
  readonly newChain?: Token;
  readonly problems: ParseProblem[];
}

type BasicKey = 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol';

interface BaseOption {
  readonly long: string;
  /** Short option letter (getopt identity). */
  readonly short: string;
  /** 0 none, 1 required, 3 optional (attached only). */
  readonly arg: 0 | 1 | 3;
}

const BASE: readonly BaseOption[] = [
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
const SHORT = new Map<string, BaseOption>();
for (const b of BASE) if (!SHORT.has(b.short) && b.short !== '0') SHORT.set(b.short, b);
SHORT.set('b', { long: 'b', short: 'b', arg: 0 });

const COMMANDS = new Set(['A', 'C', 'D', 'I', 'R', 'L', 'S', 'F', 'Z', 'N', 'X', 'E', 'P']);
const RULE_COMMANDS = new Set(['A', 'C', 'D', 'I', 'R']);
const BASIC: Readonly<Record<string, BasicKey>> = { s: 'source', d: 'destination', i: 'inInterface', o: 'outInterface', p: 'protocol' };
const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'CONTINUE']);
const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);
/** Old-style (parse()-based) modules that reject a repeated option. */
const ONCE_ALIASES: Readonly<Record<string, string>> = { 'source-port': 'sport', 'destination-port': 'dport', set: 'match-set' };

interface Loaded {
  readonly spec: ExtensionSpec | undefined;
  readonly name: Token;
  readonly explicit: boolean;
  readonly options: IptOption[];
  readonly seen: Map<string, IptOption>;
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
  const problems: ParseProblem[] = [];
  const syntax = (message: string, s: Span): void => {
    problems.push({ code: 'parse/iptables-syntax', message, span: s });
  };
  const family = ctx.family;

  let command: { token: Token; letter: string } | undefined;
  let chain: Token | undefined;
  let newChain: Token | undefined;
  const basics: Partial<Record<BasicKey, IptBasicMatch>> = {};
  let fragment: IptRule['fragment'];
  let counters = ctx.counters;
  const matches: Loaded[] = [];
  let target: Loaded | undefined;
  let targetIsChain = false;
  let targetKind: 'jump' | 'goto' = 'jump';
  let protoLoaded = false;
  let invert: Span | undefined;
  let endOfOptions = false;
  let i = 0;

  /** Loaded modules newest first: iptables' merged option table puts new options first. */
  const loadedNewestFirst = (): Loaded[] => {
    const all = target ? [...matches, target] : [...matches];
    all.sort((a, b) => b.start - a.start);
    return all;
  };

  const resolveLong = (name: string): Resolved => {
    for (const b of BASE) if (b.long === name) return { kind: 'base', base: b };
    const loaded = loadedNewestFirst();
    for (const l of loaded) {
      if (!l.spec || (l === target && targetIsChain)) continue;
      for (const o of l.spec.options) if (o.n === name) return { kind: 'ext', owner: l, opt: o };
    }
    // getopt_long: a unique prefix (or several prefixes naming the same option) is accepted.
    const hits: { key: string; r: Resolved; n: string }[] = [];
    for (const b of BASE) if (b.long.startsWith(name)) hits.push({ key: `base:${b.short}`, r: { kind: 'base', base: b }, n: b.long });
    for (const l of loaded) {
      if (!l.spec || (l === target && targetIsChain)) continue;
      for (const o of l.spec.options) {
        if (o.n.startsWith(name)) hits.push({ key: `${l.start}:${o.id ?? o.n}`, r: { kind: 'ext', owner: l, opt: o }, n: o.n });
      }
    }
    if (hits.length === 0) return { kind: 'unknown' };
    if (hits.every((h) => h.key === hits[0]!.key)) return hits[0]!.r;
    return { kind: 'ambiguous', names: hits.map((h) => `--${h.n}`) };
  };

  /** Set by `required` when it met the pre-1.6 `--opt ! value` form (reported, read as negation). */
  let intraNegation: Span | undefined;
  /** The next word as a required value; getopt takes it even when it starts with '-'. */
  const required = (opt: Token, attached: Token | undefined, label: string): Token | undefined => {
    intraNegation = undefined;
    if (attached) return attached;
    const v = tokens[i];
    if (!v) {
      syntax(`option '${label}' requires a value`, opt.span);
      return undefined;
    }
    i++;
    const w = tokens[i];
    if (v.value === '!' && w && !(w.value.startsWith('-') && w.value.length > 1)) {
      // iptables 1.8 takes '!' as the value and then rejects the real value as a stray argument.
      i++;
      intraNegation = v.span;
      syntax(`'${label} ! ${w.value}' is the old negation form iptables 1.8 rejects; write '! ${label} ${w.value}'`, { start: v.span.start, end: w.span.end });
      return w;
    }
    return v;
  };
  /** A further word for two-word options: iptables refuses one that starts with '-' or is '!'. */
  const second = (): Token | undefined => {
    const v = tokens[i];
    if (!v || v.value.startsWith('-') || v.value.startsWith('!')) return undefined;
    i++;
    return v;
  };

  const loadMatch = (name: Token, explicit: boolean, start: number): Loaded => {
    const spec = matchSpec(name.value);
    const l: Loaded = { spec, name, explicit, options: [], seen: new Map(), start, end: name.span.end };
    if (spec && !familyAllows(spec, family)) {
      syntax(`match '${name.value}' exists only in ${spec.family === 'ipv6' ? 'ip6tables' : 'iptables'}; this is an ${family === 'ipv6' ? 'ip6tables' : 'iptables'} dump`, name.span);
    }
    matches.push(l);
    return l;
  };

  const addExtOption = (owner: Loaded, opt: OptionSpec, nameTok: Token, attached: Token | undefined, neg: Span | undefined): void => {
    const label = `--${opt.n}`;
    const ext = owner.spec!.name;
    const values: Token[] = [];
    if (opt.arg === 0) {
      if (attached) syntax(`option '${label}' takes no value`, attached.span);
    } else {
      const v = required(nameTok, attached, label);
      if (v) {
        values.push(v);
        if (opt.arg === 2) {
          const w = second();
          if (w) values.push(w);
          else syntax(`option '${label}' requires two values`, v.span);
        }
      }
    }
    if (neg && !opt.inv) syntax(`option '${label}' of ${ext} cannot be negated with '!'`, neg);
    const key = opt.type === 'OLD' ? (ONCE_ALIASES[opt.n] ?? opt.n) : String(opt.id ?? opt.n);
    const checkOnce = opt.type !== 'OLD' || ext === 'tcp' || ext === 'sctp' || ext === 'set';
    if (checkOnce && !opt.multi && owner.seen.has(key)) syntax(`${ext}: option '${label}' can be given only once`, nameTok.span);
    if (opt.excl && owner.spec) {
      for (const [k, prev] of owner.seen) {
        const other = owner.spec.options.find((o) => String(o.id ?? o.n) === k);
        if (other?.id !== undefined && opt.excl & (1 << other.id) && prev.name.value !== `--${opt.n}`) {
          syntax(`${ext}: option '${label}' cannot be used together with '${prev.name.value}'`, nameTok.span);
          break;
        }
      }
    }
    const intra = opt.arg > 0 ? intraNegation : undefined;
    if (intra) neg = intra;
    const checks = VALUE_CHECKS[`${ext}/${opt.n}`];
    for (let k = intra ? values.length : 0; k < values.length; k++) {
      const v = values[k]!;
      const check = checks?.[k];
      const err = check ? check(v.value, family) : opt.type === 'OLD' ? undefined : typeCheck(opt.type, v.value, family, opt.min ?? 0, opt.max ?? 0);
      if (err) syntax(`${ext} ${label}: ${err}`, v.span);
    }
    const option = makeOption({ value: label, span: nameTok.span }, neg, values);
    owner.options.push(option);
    if (!owner.seen.has(key)) owner.seen.set(key, option);
    if (option.span.end > owner.end) owner.end = option.span.end;
    if (owner.options.length === 1 && !owner.explicit) owner.start = option.span.start;
  };

  /** An option nobody we know defines, kept on the newest unknown module (lenient) or reported. */
  const unknownOption = (nameTok: Token, attached: Token | undefined, neg: Span | undefined): void => {
    const values: Token[] = attached ? [attached] : [];
    while (!attached && i < tokens.length) {
      const v = tokens[i]!;
      if ((v.value.startsWith('-') && v.value.length > 1) || v.value === '!') break;
      values.push(v);
      i++;
    }
    const owner = loadedNewestFirst().find((l) => !l.spec && !(l === target && targetIsChain));
    const option = makeOption(nameTok, neg, values);
    if (!owner) {
      const hint = basics.protocol ? '' : ' (a protocol option like --dport needs -p tcp/udp before it, or -m with its module)';
      syntax(`unknown option '${nameTok.value}'${hint}`, nameTok.span);
    }
    const keep = owner ?? target ?? matches[matches.length - 1];
    if (keep) {
      keep.options.push(option);
      if (option.span.end > keep.end) keep.end = option.span.end;
    }
  };

  const handleBase = (b: BaseOption, optTok: Token, attached: Token | undefined, neg: Span | undefined, word: Token): void => {
    const letter = b.short;
    const label = b.long.length > 1 ? `--${b.long}` : `-${letter}`;
    const shown = optTok.value.startsWith('--') ? label : `-${letter}`;
    const noNegation = (): void => {
      if (neg) syntax(`'!' cannot negate '${shown}'`, neg);
    };
    if (COMMANDS.has(letter)) {
      noNegation();
      if (command) syntax(`cannot use -${letter} together with -${command.letter}: one command per line`, optTok.span);
      else command = { token: optTok, letter };
      if (b.arg === 1) {
        const arg = required(optTok, attached, shown);
        if (!arg) return;
        if (!chain || command.token === optTok) chain = arg;
        if (letter === 'N') {
          if (arg.value.startsWith('-') || arg.value.startsWith('!')) syntax(`chain name '${arg.value}' cannot start with '${arg.value[0]}'`, arg.span);
          else if (arg.value.length > 28) syntax(`chain name '${arg.value}' is ${arg.value.length} characters long; iptables allows 28`, arg.span);
          else newChain = arg;
        }
        if (letter === 'E' || letter === 'P') {
          if (!second()) syntax(letter === 'E' ? `-E needs the old and the new chain name` : `-P needs a chain and a policy`, arg.span);
        }
        if (letter === 'I' || letter === 'D' || letter === 'R') {
          const n = tokens[i];
          if (n && !n.value.startsWith('-') && !n.value.startsWith('!')) {
            i++;
            if (!/^\d+$/.test(n.value) || Number(n.value) < 1) syntax(`invalid rule number '${n.value}'`, n.span);
          } else if (letter === 'R') syntax(`-R needs a rule number after the chain`, arg.span);
        }
      } else {
        // -L/-S/-F/-Z/-X: optional chain (and rule number for -L/-S/-Z) unless the next word is an option.
        let n = tokens[i];
        if (!attached && n && !n.value.startsWith('-') && !n.value.startsWith('!')) {
          i++;
          n = tokens[i];
          if ((letter === 'L' || letter === 'S' || letter === 'Z') && n && !n.value.startsWith('-') && !n.value.startsWith('!')) i++;
        }
      }
      return;
    }
    const basic = BASIC[letter];
    if (basic) {
      // -s/-d/-i/-o read the whole argv word, so `-s1.2.3.4` gives them '-s1.2.3.4'.
      const v = attached && letter !== 'p' ? word : required(optTok, attached, shown);
      if (!v) return;
      const negation = neg ?? intraNegation;
      if (basics[basic]) syntax(`'-${letter}' can be given only once per rule`, optTok.span);
      else basics[basic] = negation ? { value: v, negation } : { value: v };
      if (intraNegation) return;
      if (letter === 's' || letter === 'd') {
        const err = addressList(v.value, family);
        if (err) syntax(err, v.span);
      } else if (letter === 'i' || letter === 'o') {
        if (v.value.length > 15) syntax(`interface name '${v.value}' is ${v.value.length} characters long; Linux allows 15`, v.span);
      } else if (protocolNumber(v.value) === undefined) {
        syntax(`unknown protocol '${v.value}'`, v.span);
      }
      return;
    }
    switch (letter) {
      case 'f':
        if (attached) syntax(`option '${shown}' takes no value`, attached.span);
        if (fragment) syntax(`'-f' can be given only once per rule`, optTok.span);
        fragment = neg ? { span: optTok.span, negation: neg } : { span: optTok.span };
        return;
      case 'j':
      case 'g': {
        noNegation();
        const name = required(optTok, attached, shown);
        if (!name) return;
        if (target) {
          syntax(`a rule can have only one target (-j or -g)`, optTok.span);
          return;
        }
        if (name.value.length === 0) syntax(`empty target name`, name.span);
        else if (name.value.length > 28) syntax(`target name '${name.value}' is longer than 28 characters`, name.span);
        else if (name === ctx.unterminated || /\s/.test(name.value)) syntax(`target name '${name.value.trim()}' contains blanks (unclosed quote?)`, name.span);
        const spec = letter === 'j' ? targetSpec(name.value) : undefined;
        if (spec && !familyAllows(spec, family)) {
          syntax(`target '${name.value}' exists only in ${spec.family === 'ipv6' ? 'ip6tables' : 'iptables'}`, name.span);
        }
        targetIsChain = !spec && (STANDARD_TARGETS.has(name.value) || ctx.isChain(name.value));
        if (letter === 'g') targetIsChain = true;
        target = { spec, name, explicit: true, options: [], seen: new Map(), start: optTok.span.start, end: name.span.end };
        targetKind = letter === 'g' ? 'goto' : 'jump';
        return;
      }
      case 'm': {
        noNegation();
        const name = required(optTok, attached, shown);
        if (!name) return;
        if (name === ctx.unterminated) syntax(`match name '${name.value}' runs to the end of the line (unclosed quote)`, name.span);
        const l = loadMatch(name, true, optTok.span.start);
        if (l.spec && MATCH_PROTOCOL[l.spec.name] !== undefined) protoLoaded = true;
        return;
      }
      case 'c': {
        noNegation();
        const p = required(optTok, attached, shown);
        if (!p) return;
        const b2 = second();
        if (!b2) {
          syntax(`-c needs a packet and a byte counter`, p.span);
          return;
        }
        if (!/^\d+$/.test(p.value)) syntax(`packet counter '${p.value}' is not a number`, p.span);
        else if (!/^\d+$/.test(b2.value)) syntax(`byte counter '${b2.value}' is not a number`, b2.span);
        else counters = { packets: Number(p.value), bytes: Number(b2.value), span: { start: optTok.span.start, end: b2.span.end } };
        return;
      }
      case 't': {
        const v = required(optTok, attached, shown);
        syntax(`'-t' cannot be used inside an iptables-restore file: the table comes from the '*table' line`, v ? { start: optTok.span.start, end: v.span.end } : optTok.span);
        return;
      }
      case 'M':
        required(optTok, attached, shown);
        return;
      default:
        // -n -v -x -V -h -w -W --line-numbers -b: accepted and meaningless in a restore file.
        return;
    }
  };

  while (i < tokens.length) {
    const t = tokens[i]!;
    const v = t.value;
    i++;
    if (endOfOptions) {
      syntax(`unexpected argument '${v}'`, t.span);
      continue;
    }
    if (v === '!') {
      if (invert) syntax(`'!' twice in a row`, t.span);
      invert = t.span;
      continue;
    }
    const neg = invert;
    invert = undefined;
    if (v === '--') {
      endOfOptions = true;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v.slice(2) : v.slice(2, eq);
      const attached = eq < 0 ? undefined : sub(t, eq + 1);
      const nameTok = eq < 0 ? t : sub(t, 0, eq);
      let r = resolveLong(name);
      if (r.kind === 'unknown' && basics.protocol && !protoLoaded) {
        // iptables loads the protocol's match the first time an option is unknown.
        protoLoaded = true;
        const spec = protocolMatch(basics.protocol.value.value, family);
        if (spec) {
          const l: Loaded = { spec, name: basics.protocol.value, explicit: false, options: [], seen: new Map(), start: t.span.start, end: t.span.end };
          matches.push(l);
          r = resolveLong(name);
        }
      }
      if (r.kind === 'base') handleBase(r.base, nameTok, attached, neg, t);
      else if (r.kind === 'ext') addExtOption(r.owner, r.opt, { value: `--${r.opt.n}`, span: nameTok.span }, attached, neg);
      else if (r.kind === 'ambiguous') {
        syntax(`option '${nameTok.value}' is ambiguous (${r.names.slice(0, 4).join(', ')})`, nameTok.span);
        unknownOptionSwallow();
      } else unknownOption(nameTok, attached, neg);
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
          syntax(`unknown option '-${letter}'`, optTok.span);
          break;
        }
        if (b.arg === 0) {
          handleBase(b, optTok, undefined, negation, t);
          negation = undefined;
          k++;
          continue;
        }
        handleBase(b, optTok, k + 1 < v.length ? sub(t, k + 1) : undefined, negation, t);
        break;
      }
      continue;
    }
    syntax(`unexpected argument '${v}'`, t.span);
  }
  if (invert) syntax(`'!' at the end of the rule negates nothing`, invert);

  function unknownOptionSwallow(): void {
    while (i < tokens.length) {
      const v = tokens[i]!;
      if ((v.value.startsWith('-') && v.value.length > 1) || v.value === '!') break;
      i++;
    }
  }

  if (!command) {
    syntax(tokens.length === 0 ? `a line with only blanks: iptables-restore reads it as a rule without a command` : `no command: a rule line starts with -A CHAIN`, tokens[0]?.span ?? ctx.lineSpan);
    return { problems };
  }

  // Checks iptables makes once the whole line is read.
  const protoNum = basics.protocol ? protocolNumber(basics.protocol.value.value) : undefined;
  const protoPositive = basics.protocol && !basics.protocol.negation ? protoNum : undefined;
  if (target && ctx.table === 'nat' && target.name.value === 'DROP') {
    syntax(`the nat table is not for filtering: iptables refuses DROP here (drop in the filter table)`, target.name.span);
  }
  for (const m of matches) {
    const spec = m.spec;
    if (!spec) continue;
    for (const o of spec.options) {
      if (o.mand && !m.options.some((x) => x.name.value === `--${o.n}`)) syntax(`${spec.name}: option '--${o.n}' is required`, m.name.span);
    }
    const need = MATCH_PROTOCOL[spec.name];
    if (need !== undefined && m.options.length > 0 && protoNum !== need) {
      syntax(`the ${spec.name} match needs '-p ${spec.name === 'icmp6' ? 'ipv6-icmp' : spec.name}' in the same rule`, m.name.span);
    }
    if (spec.name === 'multiport' && (protoPositive === undefined || !PORT_PROTOCOLS.has(protoPositive))) {
      syntax(`multiport needs '-p tcp', '-p udp', '-p udplite', '-p sctp' or '-p dccp'`, m.name.span);
    }
    if ((spec.name === 'conntrack' || spec.name === 'physdev' || spec.name === 'set') && m.options.length === 0) {
      syntax(`${spec.name}: at least one option is required`, m.name.span);
    }
    if (spec.name === 'addrtype' && !m.options.some((o) => o.name.value === '--src-type' || o.name.value === '--dst-type')) {
      syntax(`addrtype needs --src-type or --dst-type`, m.name.span);
    }
  }
  if (target?.spec) {
    const spec = target.spec;
    for (const o of spec.options) {
      if (o.mand && !target.options.some((x) => x.name.value === `--${o.n}`)) syntax(`${spec.name}: option '--${o.n}' is required`, target.name.span);
    }
    const has = (n: string): IptOption | undefined => target!.options.find((x) => x.name.value === `--${n}`);
    if (spec.name === 'MARK' && !['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'].some((n) => has(n))) {
      syntax(`MARK needs one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark`, target.name.span);
    }
    if (spec.name === 'SET' && !['add-set', 'del-set', 'map-set'].some((n) => has(n))) {
      syntax(`SET needs --add-set, --del-set or --map-set`, target.name.span);
    }
    const portOpt =
      spec.name === 'MASQUERADE' || spec.name === 'REDIRECT'
        ? has('to-ports')
        : spec.name === 'DNAT' || spec.name === 'SNAT'
          ? [has('to-destination'), has('to-source')].find((o) => o?.values[0] && natRange(o.values[0].value, family).hasPort)
          : undefined;
    if (portOpt && (protoNum === undefined || !PORT_PROTOCOLS.has(protoNum))) {
      syntax(`${spec.name} with ports needs '-p tcp', '-p udp', '-p sctp' or '-p dccp'`, portOpt.span);
    }
  }

  if (!RULE_COMMANDS.has(command.letter) || !chain) {
    return newChain ? { problems, newChain } : { problems };
  }
  if (basics.outInterface && (chain.value === 'INPUT' || chain.value === 'PREROUTING')) {
    syntax(`'-o' cannot be used in ${chain.value}: packets there have no output interface yet`, basics.outInterface.value.span);
  }
  if (basics.inInterface && (chain.value === 'OUTPUT' || chain.value === 'POSTROUTING')) {
    syntax(`'-i' cannot be used in ${chain.value}: locally generated packets have no input interface`, basics.inInterface.value.span);
  }

  const finalMatches: IptMatch[] = matches.map((m) => ({
    name: m.name,
    explicit: m.explicit,
    options: m.options,
    span: { start: m.start, end: m.end },
  }));
  const finalTarget: IptTarget | undefined = target && {
    kind: targetKind,
    name: target.name,
    options: target.options,
    span: { start: target.start, end: target.end },
  };
  const rule: IptRule = {
    table: ctx.table,
    chain,
    command: command.token,
    ...(counters ? { counters } : {}),
    ...basics,
    ...(fragment ? { fragment } : {}),
    matches: finalMatches,
    ...(finalTarget ? { target: finalTarget } : {}),
    span: ctx.lineSpan,
    line: ctx.line,
  };
  return { rule, problems };
}

function makeOption(name: Token, negation: Span | undefined, values: readonly Token[]): IptOption {
  const last = values.length > 0 ? values[values.length - 1]!.span : name.span;
  const start = negation && negation.start < name.span.start ? negation.start : name.span.start;
  const end = Math.max(last.end, name.span.end);
  return negation ? { name, negation, values, span: { start, end } } : { name, values, span: { start, end } };
}
