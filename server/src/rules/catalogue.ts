import type { KnownKind } from '../formats/kind';
import masqueradeWithoutRandomFully from './iptables/masquerade-without-random-fully';
import { PARSE_RULES } from './parse';
import type { Rule, RuleMeta } from './rule';

/**
 * Every rule, sorted by id. Explicit (no directory scanning) so the bundle, the docs generator and
 * the meta-tests all see the same list.
 */
export const RULES: readonly Rule<KnownKind>[] = [masqueradeWithoutRandomFully as Rule<KnownKind>];

export const ALL_RULE_META: readonly RuleMeta[] = [...PARSE_RULES, ...RULES.map((r) => r.meta)].sort((a, b) =>
  a.id.localeCompare(b.id),
);

const byId = new Map(ALL_RULE_META.map((m) => [m.id, m]));

export function ruleMeta(id: string): RuleMeta | undefined {
  return byId.get(id);
}
