import type { ParseProblem } from '../../core/problem';
import type { Span } from '../../core/span';
import type { Counters, IptBasicMatch, IptMatch, IptOption, IptRule, IptTarget, Token } from './model';

/** Basic matches every rule may carry, by every spelling iptables accepts. */
const BASIC: Readonly<Record<string, 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol'>> = {
  '-s': 'source', '--source': 'source', '--src': 'source',
  '-d': 'destination', '--destination': 'destination', '--dst': 'destination',
  '-i': 'inInterface', '--in-interface': 'inInterface',
  '-o': 'outInterface', '--out-interface': 'outInterface',
  '-p': 'protocol', '--protocol': 'protocol',
};
const MATCH = new Set(['-m', '--match']);
const JUMP = new Set(['-j', '--jump']);
const GOTO = new Set(['-g', '--goto']);
const FRAGMENT = new Set(['-f', '--fragment']);
const COUNTERS = new Set(['-c', '--set-counters']);
/** Commands that take a chain name as first argument. */
const CHAIN_COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace']);

export interface RuleParse {
  readonly rule?: IptRule;
  readonly problems: ParseProblem[];
}

const isOption = (t: Token, raw: string): boolean => t.value.length > 1 && raw.startsWith('-') && t.value.startsWith('-');

function spanOf(first: Span, last: Span): Span {
  return { start: first.start, end: last.end };
}

/**
 * Builds a rule from the arguments of one `-A CHAIN ...` line. Options are attached to the match
 * module or target they follow, which is how iptables itself resolves them; `text` is the
 * document text so a token can be told quoted (a value) from bare (maybe an option).
 */
export function parseRuleArgs(
  tokens: readonly Token[],
  text: string,
  ctx: { table: string; line: number; lineSpan: Span; counters?: Counters },
): RuleParse {
  const problems: ParseProblem[] = [];
  const syntax = (message: string, s: Span): void => {
    problems.push({ code: 'parse/iptables-syntax', message, span: s });
  };
  const raw = (t: Token): string => text.slice(t.span.start, t.span.end);
  const command = tokens[0]!;
  if (!CHAIN_COMMANDS.has(command.value)) {
    syntax(`'${command.value}' is not a rule command that iptables-restore replays here (expected -A CHAIN ...)`, command.span);
    return { problems };
  }
  const chain = tokens[1];
  if (!chain || isOption(chain, raw(chain))) {
    syntax(`'${command.value}' needs a chain name`, command.span);
    return { problems };
  }
  let i = 2;
  // `-I CHAIN N` and `-D/-R CHAIN N` take a rule number.
  if (command.value !== '-A' && command.value !== '--append' && tokens[i] && /^\d+$/.test(tokens[i]!.value)) i++;

  const basics: Partial<Record<'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol', IptBasicMatch>> = {};
  let fragment: IptRule['fragment'];
  let counters = ctx.counters;
  const matches: { name: Token; explicit: boolean; options: IptOption[]; start: number; end: number }[] = [];
  let target: { kind: 'jump' | 'goto'; name: Token; options: IptOption[]; start: number; end: number } | undefined;
  let negation: Span | undefined;

  const takeValue = (opt: Token): Token | undefined => {
    const v = tokens[i];
    if (!v || (isOption(v, raw(v)) && v.value !== '-')) {
      syntax(`option '${opt.value}' requires a value`, opt.span);
      return undefined;
    }
    i++;
    return v;
  };

  while (i < tokens.length) {
    const t = tokens[i]!;
    const r = raw(t);
    i++;
    if (t.value === '!' && r === '!') {
      if (negation) syntax(`double negation '!' is not allowed`, t.span);
      negation = t.span;
      continue;
    }
    if (!isOption(t, r)) {
      syntax(`unexpected argument '${t.value}'`, t.span);
      negation = undefined;
      continue;
    }
    const basic = BASIC[t.value];
    if (basic) {
      const v = takeValue(t);
      if (v) {
        if (basics[basic]) syntax(`'${t.value}' given more than once`, t.span);
        basics[basic] = negation ? { value: v, negation } : { value: v };
      }
      negation = undefined;
      continue;
    }
    if (FRAGMENT.has(t.value)) {
      fragment = negation ? { span: t.span, negation } : { span: t.span };
      negation = undefined;
      continue;
    }
    if (COUNTERS.has(t.value)) {
      const p = takeValue(t);
      const b = p ? takeValue(t) : undefined;
      if (p && b) {
        if (!/^\d+$/.test(p.value) || !/^\d+$/.test(b.value)) syntax(`counters must be numbers`, spanOf(p.span, b.span));
        else counters = { packets: Number(p.value), bytes: Number(b.value), span: spanOf(t.span, b.span) };
      }
      continue;
    }
    if (MATCH.has(t.value)) {
      if (negation) syntax(`'!' cannot negate '${t.value}'`, negation);
      negation = undefined;
      const name = takeValue(t);
      if (name) matches.push({ name, explicit: true, options: [], start: t.span.start, end: name.span.end });
      continue;
    }
    if (JUMP.has(t.value) || GOTO.has(t.value)) {
      if (negation) syntax(`'!' cannot negate '${t.value}'`, negation);
      negation = undefined;
      const name = takeValue(t);
      if (target) syntax(`a rule can have only one target`, t.span);
      else if (name) target = { kind: JUMP.has(t.value) ? 'jump' : 'goto', name, options: [], start: t.span.start, end: name.span.end };
      continue;
    }
    // An extension option: belongs to the target if one was given, else to the last match module,
    // else to the protocol's implicit match (`-p tcp --dport 80` loads `tcp` implicitly).
    const option = readOption(t, negation);
    negation = undefined;
    if (target) {
      target.options.push(option);
      target.end = option.span.end;
    } else if (matches.length > 0) {
      const m = matches[matches.length - 1]!;
      m.options.push(option);
      m.end = option.span.end;
    } else if (basics.protocol) {
      matches.push({ name: basics.protocol.value, explicit: false, options: [option], start: option.span.start, end: option.span.end });
    } else {
      syntax(`option '${t.value}' is not known without a match module (-m) or target (-j) that defines it`, t.span);
    }
  }
  if (negation) syntax(`'!' at the end of the rule negates nothing`, negation);

  function readOption(name: Token, neg: Span | undefined): IptOption {
    const values: Token[] = [];
    let negationSpan = neg;
    while (i < tokens.length) {
      const v = tokens[i]!;
      const r = raw(v);
      if (v.value === '!' && r === '!' && values.length === 0 && !negationSpan) {
        // Deprecated intrapositioned negation: `--mark ! 0x4000`.
        negationSpan = v.span;
        i++;
        continue;
      }
      if (isOption(v, r) || (v.value === '!' && r === '!')) break;
      values.push(v);
      i++;
    }
    const last = values.length > 0 ? values[values.length - 1]!.span : name.span;
    const start = negationSpan && negationSpan.start < name.span.start ? negationSpan.start : name.span.start;
    return negationSpan
      ? { name, negation: negationSpan, values, span: { start, end: last.end } }
      : { name, values, span: { start, end: last.end } };
  }

  const finalMatches: IptMatch[] = matches.map((m) => ({
    name: m.name,
    explicit: m.explicit,
    options: m.options,
    span: { start: m.start, end: m.end },
  }));
  const finalTarget: IptTarget | undefined = target && {
    kind: target.kind,
    name: target.name,
    options: target.options,
    span: { start: target.start, end: target.end },
  };
  const rule: IptRule = {
    table: ctx.table,
    chain,
    command,
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
