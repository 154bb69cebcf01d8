import type { IptablesModel, IptChain, IptRule } from '../formats/iptables/model';
import type { LineIndex } from '../core/lineIndex';
import { IPTABLES_HOOKS, type Hook } from './hooks';
import { basicMatch } from './match/basic';
import { evaluateMatch } from './match/index';
import type { MatchEnv, MatchResult } from './match/types';
import { forkPath, type Budget, type PathState } from './path';
import type { TraceStep } from './result';
import type { BaseChain, ChainOutcome, Ruleset, WalkContext } from './ruleset';
import { applyTarget, KNOWN_CHAINS } from './targets';

/**
 * The iptables chain walker: a packet enters a built-in chain and goes rule by rule; `-j CHAIN`
 * pushes a frame, `-g CHAIN` replaces the top frame (so RETURN goes back past it), RETURN or the
 * end of a user chain pops, the end of a built-in chain applies its policy. Iterative with an
 * explicit stack: dump text never drives recursion. A jump to a chain already being walked is a
 * loop the kernel refuses to load; it is reported and not followed. Forks (statistic, unknown
 * ipset membership) become new cursors with their own copy of the stack.
 */

interface Frame {
  readonly chain: IptChain;
  index: number;
  /** Chains this frame replaced by `-g` (a later goto back to one of them is a loop too). */
  readonly via: readonly string[];
}

interface Cursor {
  readonly path: PathState;
  readonly stack: Frame[];
}

/** One rule's matches taken together: matched or not, with which probability, and what was assumed. */
interface Alternative {
  readonly matched: boolean;
  readonly p: number;
  /** Assumptions written on the rule's step (it matched only under them). */
  readonly stepNotes: readonly string[];
  /** Assumptions the branch made (an unknown resolved one way), written on the path. */
  readonly pathNotes: readonly string[];
}

export class IptablesRuleset implements Ruleset {
  private readonly chains = new Map<string, Map<string, IptChain>>();

  constructor(
    readonly file: string,
    model: IptablesModel,
    private readonly lines: LineIndex,
  ) {
    for (const t of model.tables) {
      const byName = new Map<string, IptChain>();
      for (const c of t.chains) if (!byName.has(c.name.value)) byName.set(c.name.value, c);
      if (!this.chains.has(t.name.value)) this.chains.set(t.name.value, byName);
    }
  }

  baseChains(hook: Hook): readonly BaseChain[] {
    const out: BaseChain[] = [];
    for (const h of IPTABLES_HOOKS[hook]) {
      if (this.chains.get(h.table)?.has(hook)) out.push({ table: h.table, chain: hook, priority: h.priority, type: h.type });
    }
    return out;
  }

  traverse(base: BaseChain, start: PathState, ctx: WalkContext): ChainOutcome[] {
    const table = this.chains.get(base.table);
    const entry = table?.get(base.chain);
    if (!table || !entry) return [{ path: start, result: 'accept' }];
    const done: ChainOutcome[] = [];
    const work: Cursor[] = [{ path: start, stack: [{ chain: entry, index: 0, via: [] }] }];
    while (work.length > 0) {
      const cur = work.pop()!;
      const result = this.run(cur, base, table, ctx, work);
      done.push({ path: cur.path, result });
    }
    return done;
  }

  /** Walks one cursor until its chain walk ends; forks are pushed onto `work`. */
  private run(cur: Cursor, base: BaseChain, table: Map<string, IptChain>, ctx: WalkContext, work: Cursor[]): ChainOutcome['result'] {
    const { path, stack } = cur;
    const env = ctx.env;
    for (;;) {
      const frame = stack[stack.length - 1];
      if (!frame) return 'accept';
      if (frame.index >= frame.chain.rules.length) {
        stack.pop();
        if (stack.length > 0) continue;
        return this.policy(frame.chain, base, ctx, path);
      }
      if (ctx.budget.evaluations-- <= 0) {
        path.steps.push(this.note(ctx, base, frame.chain.name.value, 'the walk stopped: too many rule evaluations for one trace'));
        path.assumptions.push('the trace hit its evaluation bound; the packet is taken as dropped');
        return 'DROP';
      }
      const rule = frame.chain.rules[frame.index++]!;
      const alternatives = this.evaluate(rule, path, env);
      const chosen = this.fork(alternatives, cur, ctx.budget, work);
      if (!chosen.matched) continue;
      const outcome = applyTarget(rule, { table: base.table, hook: ctx.hook, flow: path.flow, nat: path.nat });
      path.steps.push(this.ruleStep(rule, ctx.hook, base.table, outcome.action, [...chosen.stepNotes, ...outcome.assumptions]));
      const e = outcome.effect;
      switch (e.kind) {
        case 'continue':
          continue;
        case 'accept':
          return 'accept';
        case 'verdict':
          return e.verdict;
        case 'return':
          stack.pop();
          if (stack.length === 0) return this.policy(frame.chain, base, ctx, path);
          continue;
        case 'jump':
        case 'goto': {
          const target = table.get(e.chain);
          if (!target) {
            this.missingChain(e.chain, path);
            continue;
          }
          const loop = stack.some((f) => f.chain.name.value === e.chain || f.via.includes(e.chain));
          if (loop) {
            const route = [...stack.flatMap((f) => [...f.via, f.chain.name.value]), e.chain].join(' → ');
            path.steps.push(this.note(ctx, base, frame.chain.name.value, `${e.kind} ${e.chain} loops (${route}); the kernel refuses to load such a ruleset: not followed`));
            path.assumptions.push(`a chain loop (${route}) was not followed`);
            continue;
          }
          if (e.kind === 'jump') stack.push({ chain: target, index: 0, via: [] });
          else stack[stack.length - 1] = { chain: target, index: 0, via: [...frame.via, frame.chain.name.value] };
          continue;
        }
      }
    }
  }

  /** A jump to a chain the dump does not have: kube-proxy's well-known chains are applied, others skipped; both said. */
  private missingChain(name: string, path: PathState): void {
    const last = path.steps[path.steps.length - 1]!;
    const known = Object.hasOwn(KNOWN_CHAINS, name) ? KNOWN_CHAINS[name] : undefined;
    let note: string;
    if (known) {
      path.flow.mark = ((path.flow.mark & ~known.clear) ^ known.xor) >>> 0;
      note = `chain ${name} is not in the dump: applied what kube-proxy puts in it (mark or 0x${known.xor.toString(16)})`;
    } else note = `chain or target ${name} is not in the dump and not modelled: assumed to have no effect`;
    path.steps[path.steps.length - 1] = { ...last, assumptions: [...last.assumptions, note] };
  }

  private policy(chain: IptChain, base: BaseChain, ctx: WalkContext, path: PathState): ChainOutcome['result'] {
    const policy = chain.policy?.value ?? 'ACCEPT';
    const assumptions = chain.policy ? [] : [`chain ${chain.name.value} shows no policy: ACCEPT assumed`];
    path.steps.push(this.step('policy', chain.span, ctx.hook, base.table, chain.name.value, `policy ${policy}`, assumptions));
    return policy === 'DROP' ? 'DROP' : 'accept';
  }

  /** Basic matches, then each module in order; the first certain `no` ends it (later modules are not asked, as in the kernel). */
  private evaluate(rule: IptRule, path: PathState, env: MatchEnv): Alternative[] {
    const results: MatchResult[] = [];
    const basic = basicMatch(rule, path.flow);
    if (basic.kind === 'no') return [{ matched: false, p: 1, stepNotes: [], pathNotes: [] }];
    results.push(basic);
    for (const m of rule.matches) {
      const r = evaluateMatch(m, path.flow, env);
      if (r.kind === 'no' || (r.kind === 'assumed' && !r.value)) return [{ matched: false, p: 1, stepNotes: [], pathNotes: r.kind === 'assumed' ? [`rule at line ${rule.line + 1} not matched: ${r.note}`] : [] }];
      results.push(r);
    }
    let p = 1;
    const stepNotes: string[] = [];
    const unknowns: string[] = [];
    for (const r of results) {
      if (r.kind === 'chance') p *= r.p;
      else if (r.kind === 'unknown') {
        p *= 0.5;
        unknowns.push(r.note);
      } else if (r.kind === 'assumed') stepNotes.push(r.note);
    }
    if (p >= 1) return [{ matched: true, p: 1, stepNotes, pathNotes: [] }];
    if (p <= 0) return [{ matched: false, p: 1, stepNotes: [], pathNotes: [] }];
    const where = `line ${rule.line + 1}`;
    const yes = unknowns.length ? [`assumed ${unknowns.join(' and ')} (${where})`] : [];
    const no = unknowns.length ? [`assumed not all of: ${unknowns.join('; ')} (${where})`] : [];
    return [
      { matched: true, p, stepNotes: [...stepNotes, ...yes], pathNotes: yes },
      { matched: false, p: 1 - p, stepNotes: [], pathNotes: no },
    ];
  }

  /** Continues the cursor with the first alternative and queues the others as forks (within the budget). */
  private fork(alts: Alternative[], cur: Cursor, budget: Budget, work: Cursor[]): Alternative {
    if (alts.length === 1) return alts[0]!;
    if (budget.paths + alts.length - 1 > budget.maxPaths) {
      const likelier = alts.reduce((a, b) => (b.p > a.p ? b : a));
      cur.path.assumptions.push(`more than ${budget.maxPaths} paths: only the likelier branch (${likelier.matched ? 'matched' : 'not matched'}, p=${round(likelier.p)}) was followed`);
      return { ...likelier, p: 1 };
    }
    budget.paths += alts.length - 1;
    const base = cur.path.probability;
    for (let i = 1; i < alts.length; i++) {
      const a = alts[i]!;
      const path = forkPath(cur.path);
      path.probability = base * a.p;
      path.assumptions.push(...a.pathNotes);
      // `evaluate` puts the matched alternative first: a fork is always the branch where the rule
      // did not match, and it goes on with the next rule (the frame's index is already past it).
      work.push({ path, stack: cur.stack.map((f) => ({ ...f })) });
    }
    const first = alts[0]!;
    cur.path.probability = base * first.p;
    cur.path.assumptions.push(...first.pathNotes);
    return first;
  }

  private ruleStep(rule: IptRule, hook: Hook, table: string, action: string, assumptions: readonly string[]): TraceStep {
    return this.step('rule', rule.span, hook, table, rule.chain.value, action, assumptions);
  }

  private note(ctx: WalkContext, base: BaseChain, chain: string, action: string): TraceStep {
    return { kind: 'note', file: this.file, line: null, span: null, hook: ctx.hook, table: base.table, chain, action, assumptions: [] };
  }

  private step(kind: TraceStep['kind'], span: { start: number; end: number }, hook: Hook, table: string, chain: string, action: string, assumptions: readonly string[]): TraceStep {
    return { kind, file: this.file, line: this.lines.positionAt(span.start).line + 1, span: { start: span.start, end: span.end }, hook, table, chain, action, assumptions };
  }
}

const round = (p: number): number => Math.round(p * 1e6) / 1e6;
