/**
 * Cursor positions for the editor benchmark: random offsets inside the tokens a user hovers or
 * navigates from in an iptables dump, taken from the parsed model (so they are exact).
 */
import type { Span } from '../../server/src/core/span';
import type { IptablesModel } from '../../server/src/formats/iptables/model';
import { rng, shuffled } from './stats';

export type PositionKind = 'chain declaration' | 'rule chain (-A)' | 'jump to chain' | 'built-in target' | 'option' | 'match module' | 'anywhere';

export interface CursorPosition {
  readonly kind: PositionKind;
  readonly offset: number;
}

/**
 * `perKind` positions of every kind (fewer when the dump has fewer such tokens), each a random
 * offset inside a randomly chosen token of that kind; `anywhere` is a random offset of the text
 * (addresses, comments, line ends). Deterministic for a given seed. Returned shuffled.
 */
export function samplePositions(model: IptablesModel, textLength: number, perKind: number, seed = 0x5eed): CursorPosition[] {
  const rnd = rng(seed);
  const spans = new Map<PositionKind, Span[]>();
  const add = (kind: PositionKind, s: Span): void => {
    if (s.end <= s.start) return;
    let list = spans.get(kind);
    if (!list) spans.set(kind, (list = []));
    list.push(s);
  };
  for (const t of model.tables) {
    const chains = new Set(t.chains.map((c) => c.name.value));
    for (const c of t.chains) add('chain declaration', c.name.span);
    for (const r of t.rules) {
      add('rule chain (-A)', r.chain.span);
      if (r.target) add(chains.has(r.target.name.value) ? 'jump to chain' : 'built-in target', r.target.name.span);
      for (const m of r.matches) {
        if (m.explicit) add('match module', m.name.span);
        for (const o of m.options) add('option', o.name.span);
      }
      for (const o of r.target?.options ?? []) add('option', o.name.span);
    }
  }
  const out: CursorPosition[] = [];
  for (const [kind, list] of spans) {
    for (let i = 0; i < Math.min(perKind, list.length); i++) {
      const s = list[rnd(list.length)]!;
      out.push({ kind, offset: s.start + rnd(s.end - s.start) });
    }
  }
  for (let i = 0; i < perKind; i++) out.push({ kind: 'anywhere', offset: rnd(Math.max(1, textLength)) });
  return shuffled(out, rnd);
}

/** A `-A KUBE-SVC-...` token near the middle of the dump: the cold hover/definition position. */
export function middleServiceChain(model: IptablesModel): number {
  const rules = model.tables.flatMap((t) => t.rules.filter((r) => /^KUBE-SVC-/.test(r.chain.value)));
  const r = rules[rules.length >> 1] ?? model.tables[0]?.rules[0];
  if (!r) throw new Error('the dump has no rules');
  return r.chain.span.start + 3;
}

/** A `-j KUBE-SEP-...` jump target near the middle of the dump. */
export function middleJumpTarget(model: IptablesModel): number {
  const rules = model.tables.flatMap((t) => t.rules.filter((r) => r.target && /^KUBE-SEP-/.test(r.target.name.value)));
  const r = rules[rules.length >> 1];
  if (!r?.target) return middleServiceChain(model);
  return r.target.name.span.start + 3;
}
