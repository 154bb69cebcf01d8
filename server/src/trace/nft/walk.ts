import type { LineIndex } from '../../core/lineIndex';
import type { Span } from '../../core/span';
import type { NftablesModel, NftChain, NftElement, NftExpr, NftRule, NftSet, NftStatement, NftTable, NftVerdict } from '../../formats/nftables/model';
import type { ChainType, Hook } from '../hooks';
import { formatIpv4 } from '../ip';
import type { MatchEnv } from '../match/types';
import { formatEndpoint } from '../packet';
import { forkPath, type Budget, type PathState } from '../path';
import type { TraceStep, Verdict } from '../result';
import type { BaseChain, ChainOutcome, Ruleset, WalkContext } from '../ruleset';
import { natTo } from '../targets';
import { compare, exprText, intValue, selectorValue, valueMatches, type NftValue } from './values';

/**
 * The nftables walker: the same journey as iptables (walk.ts), over an `nft list ruleset` model.
 * Base chains hang on hooks with their own priorities (interleaved with iptables tables by the
 * tracer); a rule is its statements in order: a match that fails ends the rule, a map lookup
 * that misses ends it too (after its counter would have moved), a verdict (`accept`, `drop`,
 * `reject`, `jump`, `goto`, `return`, a verdict-map element) or a NAT statement ends the chain
 * walk, other statements (`meta mark set`, `counter`, `update @set`) act and the rule goes on.
 * `numgen random mod N vmap { … }` forks the path, each element with its share of the N values;
 * a set of unknown members (dynamic, filled at run time) is assumed empty, and said so.
 * Iterative, with an explicit stack per path; a jump to a chain being walked is a loop (the
 * kernel refuses such rulesets) and is not followed.
 */

const HOOKS: Readonly<Record<string, Hook>> = { prerouting: 'PREROUTING', input: 'INPUT', forward: 'FORWARD', output: 'OUTPUT', postrouting: 'POSTROUTING' };

interface Frame {
  readonly chain: NftChain;
  index: number;
  readonly via: readonly string[];
}

/** Where to go on in a rule after a fork: the statement to resume at and which alternative it takes. */
interface Resume {
  readonly rule: NftRule;
  readonly statement: number;
  readonly alternative: number;
  readonly actions: readonly string[];
  readonly notes: readonly string[];
}

interface Cursor {
  readonly path: PathState;
  readonly stack: Frame[];
  resume?: Resume | undefined;
}

type Effect =
  | { readonly kind: 'next' }
  | { readonly kind: 'break'; readonly counted: boolean; readonly action?: string }
  | { readonly kind: 'accept' }
  | { readonly kind: 'verdict'; readonly verdict: Exclude<Verdict, 'ACCEPT'> }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string };

interface StatementResult {
  readonly effect: Effect;
  readonly action?: string;
  readonly notes?: readonly string[];
}

/** One way a statement can go, with its probability (forks: numgen, unknown set membership). */
interface Alternative {
  readonly p: number;
  readonly result: StatementResult;
  /** Written on the path: what this branch took without evidence. */
  readonly pathNote?: string;
}

const NEXT: StatementResult = { effect: { kind: 'next' } };
const BREAK: StatementResult = { effect: { kind: 'break', counted: false } };

interface TableIndex {
  /** `family name`, as steps show it (`ip kube-proxy`). */
  readonly key: string;
  readonly chains: Map<string, NftChain>;
  readonly sets: Map<string, NftSet>;
}

export class NftRuleset implements Ruleset {
  private readonly tables: TableIndex[] = [];

  constructor(
    readonly file: string,
    model: NftablesModel,
    private readonly lines: LineIndex,
    /** Tables to walk (IPv4-capable ones, those not read from an iptables dump already). */
    include: (t: NftTable) => boolean,
  ) {
    for (const t of model.tables) {
      if (!include(t)) continue;
      const chains = new Map<string, NftChain>();
      for (const c of t.chains) if (!chains.has(c.name.value)) chains.set(c.name.value, c);
      const sets = new Map<string, NftSet>();
      for (const s of t.sets) if (!sets.has(s.name.value)) sets.set(s.name.value, s);
      this.tables.push({ key: `${t.family.value} ${t.name.value}`, chains, sets });
    }
  }

  baseChains(hook: Hook): readonly BaseChain[] {
    const out: BaseChain[] = [];
    for (const t of this.tables) {
      for (const c of t.chains.values()) {
        const b = c.base;
        if (!b || HOOKS[b.hook.value] !== hook) continue;
        const type: ChainType = b.type.value === 'nat' ? 'nat' : 'filter';
        out.push({ table: t.key, chain: c.name.value, priority: b.priority.value ?? 0, type });
      }
    }
    return out;
  }

  traverse(base: BaseChain, start: PathState, ctx: WalkContext): ChainOutcome[] {
    const t = this.tables.find((x) => x.key === base.table);
    const entry = t?.chains.get(base.chain);
    if (!t || !entry) return [{ path: start, result: 'accept' }];
    if (entry.base?.priority.value === undefined) start.assumptions.push(`${base.table} ${base.chain}: priority '${entry.base?.priority.text ?? '?'}' not known for this hook; taken as 0`);
    const done: ChainOutcome[] = [];
    const work: Cursor[] = [{ path: start, stack: [{ chain: entry, index: 0, via: [] }] }];
    while (work.length > 0) {
      const cur = work.pop()!;
      done.push({ path: cur.path, result: this.run(cur, entry, t, ctx, work) });
    }
    return done;
  }

  private run(cur: Cursor, base: NftChain, t: TableIndex, ctx: WalkContext, work: Cursor[]): ChainOutcome['result'] {
    const { path, stack } = cur;
    for (;;) {
      const frame = stack[stack.length - 1];
      if (!frame) return 'accept';
      let rule: NftRule;
      let from = 0;
      let forced: number | undefined;
      let actions: string[] = [];
      let notes: string[] = [];
      if (cur.resume) {
        ({ rule } = cur.resume);
        from = cur.resume.statement;
        forced = cur.resume.alternative;
        actions = [...cur.resume.actions];
        notes = [...cur.resume.notes];
        cur.resume = undefined;
      } else {
        if (frame.index >= frame.chain.rules.length) {
          stack.pop();
          if (stack.length > 0) continue;
          return this.policy(base, t.key, ctx, path);
        }
        if (ctx.budget.evaluations-- <= 0) {
          path.steps.push(this.note(ctx, t.key, frame.chain.name.value, 'the walk stopped: too many rule evaluations for one trace'));
          path.assumptions.push('the trace hit its evaluation bound; the packet is taken as dropped');
          return 'DROP';
        }
        rule = frame.chain.rules[frame.index++]!;
      }
      const effect = this.evaluate(rule, from, forced, actions, notes, cur, ctx, t.sets, work);
      if (effect.kind === 'break') {
        if (effect.counted) path.steps.push(this.step('rule', rule.span, ctx.hook, t.key, rule.chain, [...actions, effect.action ?? 'no match'].join('; '), notes));
        continue;
      }
      path.steps.push(this.step('rule', rule.span, ctx.hook, t.key, rule.chain, actions.join('; ') || 'matched', notes));
      switch (effect.kind) {
        case 'next':
          continue;
        case 'accept':
          return 'accept';
        case 'verdict':
          return effect.verdict;
        case 'return':
          stack.pop();
          if (stack.length === 0) return this.policy(base, t.key, ctx, path);
          continue;
        case 'jump':
        case 'goto': {
          const target = t.chains.get(effect.chain);
          if (!target) {
            const last = path.steps[path.steps.length - 1]!;
            path.steps[path.steps.length - 1] = { ...last, assumptions: [...last.assumptions, `chain ${effect.chain} is not in the ruleset: the ${effect.kind} is skipped`] };
            continue;
          }
          if (stack.some((f) => f.chain.name.value === effect.chain || f.via.includes(effect.chain))) {
            const route = [...stack.flatMap((f) => [...f.via, f.chain.name.value]), effect.chain].join(' → ');
            path.steps.push(this.note(ctx, t.key, frame.chain.name.value, `${effect.kind} ${effect.chain} loops (${route}); the kernel refuses to load such a ruleset: not followed`));
            path.assumptions.push(`a chain loop (${route}) was not followed`);
            continue;
          }
          if (effect.kind === 'jump') stack.push({ chain: target, index: 0, via: [] });
          else stack[stack.length - 1] = { chain: target, index: 0, via: [...frame.via, frame.chain.name.value] };
          continue;
        }
      }
    }
  }

  /**
   * Runs a rule's statements from `from`; returns how the rule ended. `actions` and `notes` collect
   * the step's text. A statement with several alternatives continues this cursor with the first
   * (or the `forced` one, when resuming a fork) and queues the others as forked cursors.
   */
  private evaluate(rule: NftRule, from: number, forced: number | undefined, actions: string[], notes: string[], cur: Cursor, ctx: WalkContext, sets: Map<string, NftSet>, work: Cursor[]): Effect {
    const path = cur.path;
    for (let i = from; i < rule.statements.length; i++) {
      const alts = this.statement(rule.statements[i]!, path, ctx.env, sets, ctx.hook);
      let chosen: Alternative;
      if (forced !== undefined && i === from) chosen = alts[forced] ?? alts[0]!;
      else chosen = this.fork(alts, rule, i, actions, notes, cur, ctx.budget, work);
      if (chosen.pathNote) path.assumptions.push(chosen.pathNote);
      const r = chosen.result;
      if (r.notes) notes.push(...r.notes);
      if (r.action) actions.push(r.action);
      if (r.effect.kind !== 'next') return r.effect;
    }
    return { kind: 'next' };
  }

  private fork(alts: readonly Alternative[], rule: NftRule, i: number, actions: readonly string[], notes: readonly string[], cur: Cursor, budget: Budget, work: Cursor[]): Alternative {
    if (alts.length === 1) return alts[0]!;
    if (budget.paths + alts.length - 1 > budget.maxPaths) {
      const likelier = alts.reduce((a, b) => (b.p > a.p ? b : a));
      cur.path.assumptions.push(`more than ${budget.maxPaths} paths: only the likelier branch (p=${round(likelier.p)}) was followed`);
      return likelier;
    }
    budget.paths += alts.length - 1;
    const base = cur.path.probability;
    for (let k = 1; k < alts.length; k++) {
      const path = forkPath(cur.path);
      path.probability = base * alts[k]!.p;
      work.push({ path, stack: cur.stack.map((f) => ({ ...f })), resume: { rule, statement: i, alternative: k, actions: [...actions], notes: [...notes] } });
    }
    cur.path.probability = base * alts[0]!.p;
    return alts[0]!;
  }

  /** What one statement does to the packet. */
  private statement(s: NftStatement, path: PathState, env: MatchEnv, sets: Map<string, NftSet>, hook: Hook): readonly Alternative[] {
    const one = (result: StatementResult): Alternative[] => [{ p: 1, result }];
    const f = path.flow;
    switch (s.kind) {
      case 'match':
        return this.match(s, path, env, sets);
      case 'verdict':
        return one(verdictResult(s));
      case 'vmap':
        return this.vmap(s.key, s.map, path, env, sets);
      case 'counter':
      case 'comment':
      case 'log':
        return one(NEXT);
      case 'limit':
        return one(s.over ? { effect: { kind: 'break', counted: false }, notes: [`limit rate over …: assumed under the rate (the rule does not apply)`] } : { effect: { kind: 'next' }, notes: ['limit: assumed under the rate'] });
      case 'quota':
        return one({ effect: { kind: 'next' }, notes: ['quota: assumed not used up'] });
      case 'reject':
        return one({ effect: { kind: 'verdict', verdict: 'REJECT' }, action: `reject${s.with.length ? ` with ${s.with.map((t) => t.value).join(' ')}` : ''}` });
      case 'nat':
        return one(this.nat(s, path, hook));
      case 'set': {
        const target = exprText(s.target);
        const value = intValue(s.value, f, env);
        if (value === undefined || !['meta mark', 'mark', 'ct mark'].includes(target)) return one({ effect: { kind: 'next' }, action: `${target} set ${exprText(s.value)}`, notes: [`${target} set ${exprText(s.value)} is not simulated: left as it was`] });
        if (target === 'ct mark') f.ctmark = value;
        else f.mark = value;
        return one({ effect: { kind: 'next' }, action: `${target} set ${exprText(s.value)} (${target === 'ct mark' ? 'connection mark' : 'mark'} 0x${value.toString(16)})` });
      }
      case 'setUpdate':
        return one({ effect: { kind: 'next' }, action: `${s.op.value} @${s.set.value}` });
      case 'other':
        if (s.keyword.value === 'notrack') {
          f.ctstate = 'UNTRACKED';
          return one({ effect: { kind: 'next' }, action: 'notrack (conntrack state UNTRACKED)' });
        }
        return one({ effect: { kind: 'next' }, action: s.keyword.value, notes: [`${[s.keyword, ...s.tokens].map((t) => t.value).join(' ')} is not simulated: assumed to have no effect`] });
    }
  }

  private match(s: Extract<NftStatement, { kind: 'match' }>, path: PathState, env: MatchEnv, sets: Map<string, NftSet>): readonly Alternative[] {
    const one = (result: StatementResult): Alternative[] => [{ p: 1, result }];
    const text = `${exprText(s.left)}${s.op ? ` ${s.op.value}` : ''}${s.right ? ` ${exprText(s.right)}` : ''}`;
    if (!s.right) {
      // A bare expression (`tcp dport` alone is not valid; `ct state` without a value): cannot evaluate.
      return one({ effect: { kind: 'next' }, notes: [`${text} is not simulated: assumed to match`] });
    }
    const v = selectorValue(s.left, path.flow, env);
    const op = s.op?.value ?? '==';
    let answer: boolean | undefined;
    let note: string | undefined;
    if (v.kind === 'unknown') note = v.note;
    else if (op === '==' || op === 'eq' || op === '!=' || op === 'ne') {
      const r = this.member([v], s.right, sets);
      answer = r.answer;
      note = r.note;
      if (answer !== undefined && (op === '!=' || op === 'ne')) answer = !answer;
    } else if (s.right.kind === 'value') answer = compare(v, op, s.right.text);
    if (answer === true) return one(NEXT);
    // A "no" that rests on an assumption (a set filled at run time) is written on the path.
    if (answer === false) return note && !path.assumptions.includes(note) ? [{ p: 1, result: BREAK, pathNote: note }] : one(BREAK);
    const why = note ?? `${text} cannot be evaluated`;
    if (v.kind === 'fib') {
      // The node's own addresses are not known: both answers are possible, and each says what it
      // took. A path answers the same question the same way every time it meets it.
      const yes = `assumed ${text} (the node's addresses are unknown; pass --local)`;
      const no = `assumed not ${text} (the node's addresses are unknown; pass --local)`;
      const held = { effect: { kind: 'next' as const }, notes: [`${yes}`] };
      if (path.assumptions.includes(yes)) return one(held);
      if (path.assumptions.includes(no)) return one(BREAK);
      return [
        { p: 0.5, result: held, pathNote: yes },
        { p: 0.5, result: BREAK, pathNote: no },
      ];
    }
    return one({ effect: { kind: 'next' }, notes: [`${why}: assumed to match`] });
  }

  /**
   * Whether the key (one value, or a concatenation) is in the right-hand side: a value, an
   * anonymous set or a named set (its elements as dumped). A dynamic set that shows no elements
   * is filled at run time: assumed not to hold the key, and said so.
   */
  private member(key: readonly NftValue[], right: NftExpr, sets: Map<string, NftSet>): { answer: boolean | undefined; note?: string; element?: NftElement } {
    if (right.kind === 'value' || right.kind === 'concat') {
      const a = elementMatches(key, right);
      return { answer: a };
    }
    const elements = right.kind === 'anonSet' ? right.elements : right.kind === 'setRef' ? sets.get(right.name.value)?.elements : undefined;
    if (!elements) return { answer: undefined, note: right.kind === 'setRef' ? `set @${right.name.value} is not in the ruleset` : `${exprText(right)} is not simulated` };
    let unknown = false;
    for (const e of elements) {
      const a = elementMatches(key, e.key);
      if (a === true) return { answer: true, element: e };
      if (a === undefined) unknown = true;
    }
    if (right.kind === 'setRef') {
      const set = sets.get(right.name.value)!;
      const dynamic = set.flags.some((t) => t.value === 'dynamic' || t.value === 'timeout') || set.timeout !== undefined;
      if (dynamic && elements.length === 0) return { answer: false, note: `@${right.name.value} is filled at run time and shows no elements: assumed not to hold this packet` };
    }
    return unknown ? { answer: undefined, note: `some elements of ${exprText(right)} cannot be compared` } : { answer: false };
  }

  /** `KEY vmap { … }` / `KEY vmap @name`: the element's verdict, forks for numgen/hash keys, a miss ends the rule. */
  private vmap(key: NftExpr, map: NftExpr, path: PathState, env: MatchEnv, sets: Map<string, NftSet>): readonly Alternative[] {
    const elements = map.kind === 'anonSet' ? map.elements : map.kind === 'setRef' ? sets.get(map.name.value)?.elements : undefined;
    const mapName = exprText(map);
    if (!elements) return [{ p: 1, result: { effect: { kind: 'next' }, notes: [`verdict map ${mapName} is not in the ruleset: assumed no verdict`] } }];
    if (key.kind === 'numgen' || key.kind === 'hash') {
      const mod = key.mod?.value ?? 0;
      const offset = key.offset?.value ?? 0;
      if (mod < 1 || mod > 65536) return [{ p: 1, result: { effect: { kind: 'next' }, notes: [`${exprText(key)}: no usable modulus: assumed no verdict`] } }];
      const byElement = new Map<number, number>();
      let miss = 0;
      for (let n = offset; n < offset + mod; n++) {
        const k = elements.findIndex((e) => elementMatches([{ kind: 'int', n }], e.key) === true);
        if (k < 0) miss++;
        else byElement.set(k, (byElement.get(k) ?? 0) + 1);
      }
      const hashNote = key.kind === 'hash' ? [`${exprText(key)} depends on the packet's hash: each value taken as equally likely`] : [];
      const alts: Alternative[] = [...byElement].map(([k, count]) => {
        const e = elements[k]!;
        const share = `${count}/${mod}`;
        return { p: count / mod, result: { ...verdictResult(e.verdict!, `${exprText(key)} → ${elementText(e)} (p=${share}): `), ...(hashNote.length ? { notes: hashNote } : {}) } };
      });
      if (miss > 0) alts.push({ p: miss / mod, result: { effect: { kind: 'break', counted: true, action: `${exprText(key)}: no element for ${miss} of ${mod} values` } } });
      return alts.filter((a) => a.p > 0 && (a.result.effect.kind === 'break' || elements.length > 0));
    }
    const parts = key.kind === 'concat' ? key.parts : [key];
    const values = parts.map((p) => selectorValue(p, path.flow, env));
    const unknown = values.find((v): v is Extract<NftValue, { kind: 'unknown' }> => v.kind === 'unknown');
    if (unknown) return [{ p: 1, result: { effect: { kind: 'next' }, notes: [`${exprText(key)} vmap ${mapName}: ${unknown.note}: assumed no element matches`] } }];
    for (const e of elements) {
      if (elementMatches(values, e.key) === true && e.verdict) return [{ p: 1, result: verdictResult(e.verdict, `${exprText(key)} vmap ${mapName}: ${elementText(e)} → `) }];
    }
    return [{ p: 1, result: { effect: { kind: 'break', counted: true, action: `${exprText(key)} vmap ${mapName}: no element for ${keyText(values)}` } } }];
  }

  private nat(s: Extract<NftStatement, { kind: 'nat' }>, path: PathState, hook: Hook): StatementResult {
    const f = path.flow;
    const nat = path.nat;
    const type = s.type.value;
    const flags = s.flags.map((t) => t.value).join(' ');
    const toText = s.to?.kind === 'value' ? s.to.text : undefined;
    if (type === 'masquerade') {
      f.snatDone = true;
      nat.snat = 'masquerade';
      return { effect: { kind: 'accept' }, action: `masquerade${flags ? ` ${flags}` : ''} (source becomes ${f.outIface || 'the outgoing interface'}'s address)` };
    }
    if (type === 'redirect') {
      const port = toText !== undefined ? Number(toText.replace(/^:/, '').split('-')[0]) : undefined;
      const local = hook === 'OUTPUT' ? 0x7f000001 : undefined;
      if (local !== undefined) f.dst = local;
      if (port !== undefined && Number.isInteger(port)) f.dport = port;
      f.dnatDone = true;
      f.redirected = true;
      nat.dnat = local !== undefined ? formatEndpoint(local, f.dport) : `${f.inIface || 'local'}-address${f.dport !== undefined ? `:${f.dport}` : ''}`;
      return { effect: { kind: 'accept' }, action: `redirect to this node${port !== undefined ? ` port ${port}` : ''}` };
    }
    const to = natTo(toText);
    if (!to) return { effect: { kind: 'accept' }, action: `${type} ${s.to ? exprText(s.to) : ''}`.trim(), notes: [`${type} to ${s.to ? exprText(s.to) : '?'} is not simulated: addresses left as they were`] };
    if (type === 'dnat') {
      if (to.addr !== undefined) f.dst = to.addr;
      if (to.port !== undefined) f.dport = to.port;
      f.dnatDone = true;
      nat.dnat = formatEndpoint(f.dst, f.dport);
      return { effect: { kind: 'accept' }, action: `dnat to ${nat.dnat}`, ...(to.assumption ? { notes: [to.assumption] } : {}) };
    }
    if (to.addr !== undefined) f.src = to.addr;
    if (to.port !== undefined) f.sport = to.port;
    f.snatDone = true;
    nat.snat = to.port !== undefined ? formatEndpoint(f.src, f.sport) : formatIpv4(f.src);
    return { effect: { kind: 'accept' }, action: `snat to ${nat.snat}`, ...(to.assumption ? { notes: [to.assumption] } : {}) };
  }

  private policy(chain: NftChain, table: string, ctx: WalkContext, path: PathState): ChainOutcome['result'] {
    const policy = chain.base?.policy?.value ?? 'accept';
    path.steps.push(this.step('policy', chain.span, ctx.hook, table, chain.name.value, `policy ${policy}`, chain.base?.policy ? [] : [`chain ${chain.name.value} shows no policy: accept (nft's default)`]));
    return policy === 'drop' ? 'DROP' : 'accept';
  }

  private note(ctx: WalkContext, table: string, chain: string, action: string): TraceStep {
    return { kind: 'note', file: this.file, line: null, span: null, hook: ctx.hook, table, chain, action, assumptions: [] };
  }

  private step(kind: TraceStep['kind'], span: Span, hook: Hook, table: string, chain: string, action: string, assumptions: readonly string[]): TraceStep {
    return { kind, file: this.file, line: this.lines.positionAt(span.start).line + 1, span: { start: span.start, end: span.end }, hook, table, chain, action, assumptions: [...assumptions] };
  }
}

function verdictResult(v: NftVerdict, prefix = ''): StatementResult {
  const name = v.verdict.value;
  const target = v.target?.value;
  const action = `${prefix}${name}${target ? ` ${target}` : ''}`;
  switch (name) {
    case 'accept':
      return { effect: { kind: 'accept' }, action };
    case 'drop':
      return { effect: { kind: 'verdict', verdict: 'DROP' }, action };
    case 'return':
      return { effect: { kind: 'return' }, action };
    case 'continue':
      return { effect: { kind: 'next' }, action };
    case 'jump':
    case 'goto':
      return target ? { effect: { kind: name, chain: target }, action } : { effect: { kind: 'next' }, action, notes: [`${name} without a chain: ignored`] };
    case 'queue':
      return { effect: { kind: 'accept' }, action, notes: ['queue: the packet goes to a user-space program, assumed to accept it'] };
  }
}

/** Whether an element key (value, range, prefix, or concatenation of them) holds the key values. */
function elementMatches(key: readonly NftValue[], e: NftExpr): boolean | undefined {
  const parts = e.kind === 'concat' ? e.parts : [e];
  if (parts.length !== key.length) return false;
  let unknown = false;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind !== 'value') return undefined;
    const a = valueMatches(key[i]!, p.text);
    if (a === false) return false;
    if (a === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

function elementText(e: NftElement): string {
  return exprText(e.key);
}

function keyText(values: readonly NftValue[]): string {
  return values
    .map((v) => {
      switch (v.kind) {
        case 'addr':
          return formatIpv4(v.n);
        case 'port':
        case 'int':
          return String(v.n);
        case 'proto':
          return PROTO_NAME[v.n] ?? String(v.n);
        case 'iface':
        case 'word':
          return v.s;
        default:
          return '?';
      }
    })
    .join(' . ');
}

const PROTO_NAME: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp' };

const round = (p: number): number => Math.round(p * 1e6) / 1e6;

