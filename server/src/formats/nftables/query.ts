import type { Span } from '../../core/span';
import { pushAll } from '../../core/arrays';
import type { NftChain, NftElement, NftExpr, NftRule, NftStatement, NftTable, NftVerdict, NftablesModel } from './model';

/**
 * Questions rules, hovers and navigation ask of a ruleset, answered the same way for every form
 * nft prints: where chains and sets are declared and referenced, which verdicts a rule or map
 * element holds. Walks are iterative (an explicit stack of expressions).
 */

/** A chain or set name in the text: a declaration or a use (`jump X`, `goto X`, `@X`, `: goto X`). */
export interface NameSite {
  readonly kind: 'chain' | 'set';
  /** `family name` of the table. */
  readonly table: string;
  readonly name: string;
  readonly span: Span;
  readonly declaration: boolean;
  /** For a verdict-map element: the element (its key says which traffic goes there). */
  readonly element?: NftElement;
  /** For an element of `numgen … mod N vmap { … }`: N. */
  readonly numgenMod?: number;
  /** The named map the element belongs to. */
  readonly inSet?: string;
}

/** Every expression inside `e` (itself included), without recursion. */
export function walkExpr(e: NftExpr, visit: (e: NftExpr) => void): void {
  const stack: NftExpr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    visit(x);
    switch (x.kind) {
      case 'concat':
        pushAll(stack, x.parts);
        break;
      case 'binop':
        stack.push(x.left, x.right);
        break;
      case 'map':
        stack.push(x.key, x.mapping);
        break;
      case 'hash':
        if (x.input) stack.push(x.input);
        break;
      case 'anonSet':
        for (const el of x.elements) {
          stack.push(el.key);
          if (el.value) stack.push(el.value);
        }
        break;
      default:
        break;
    }
  }
}

function statementExprs(s: NftStatement): NftExpr[] {
  switch (s.kind) {
    case 'match':
      return s.right ? [s.left, s.right] : [s.left];
    case 'vmap':
      return [s.key, s.map];
    case 'set':
      return [s.target, s.value];
    case 'nat':
      return s.to ? [s.to] : [];
    case 'setUpdate':
      return s.key ? [s.key] : [];
    default:
      return [];
  }
}

function verdictSite(table: string, v: NftVerdict | undefined, extra: Partial<NameSite>): NameSite | undefined {
  if (!v?.target) return undefined;
  return { kind: 'chain', table, name: v.target.value, span: v.target.span, declaration: false, ...extra };
}

/** Every chain and set name site of a table, in no particular order. */
export function tableSites(t: NftTable): NameSite[] {
  const key = `${t.family.value} ${t.name.value}`;
  const out: NameSite[] = [];
  const push = (s: NameSite | undefined): void => {
    if (s) out.push(s);
  };
  for (const c of t.chains) {
    if (!c.implicit) out.push({ kind: 'chain', table: key, name: c.name.value, span: c.name.span, declaration: true });
    for (const r of c.rules) ruleSites(key, r, push);
  }
  for (const s of t.sets) {
    if (!s.implicit) out.push({ kind: 'set', table: key, name: s.name.value, span: s.name.span, declaration: true });
    else out.push({ kind: 'set', table: key, name: s.name.value, span: s.name.span, declaration: false });
    for (const el of s.elements) push(verdictSite(key, el.verdict, { element: el, inSet: s.name.value }));
  }
  return out;
}

function ruleSites(table: string, r: NftRule, push: (s: NameSite | undefined) => void): void {
  for (const s of r.statements) {
    if (s.kind === 'verdict') push(verdictSite(table, s, {}));
    if (s.kind === 'setUpdate') push({ kind: 'set', table, name: s.set.value, span: s.set.span, declaration: false });
    const mod = s.kind === 'vmap' && s.key.kind === 'numgen' ? s.key.mod?.value : undefined;
    if (s.kind === 'vmap' && s.map.kind === 'anonSet') {
      for (const el of s.map.elements) push(verdictSite(table, el.verdict, { element: el, ...(mod !== undefined ? { numgenMod: mod } : {}) }));
    }
    for (const e of statementExprs(s)) {
      walkExpr(e, (x) => {
        if (x.kind === 'setRef') push({ kind: 'set', table, name: x.name.value, span: x.name.span, declaration: false });
      });
    }
  }
}

export interface SiteIndex {
  /** Sorted by start offset. */
  readonly sites: readonly NameSite[];
  readonly byName: ReadonlyMap<string, readonly NameSite[]>;
}

const INDEX = new WeakMap<NftablesModel, SiteIndex>();

export function siteKey(s: Pick<NameSite, 'kind' | 'table' | 'name'>): string {
  return `${s.kind}\u0000${s.table}\u0000${s.name}`;
}

/** The name sites of a model, built once per model. */
export function siteIndex(m: NftablesModel): SiteIndex {
  let idx = INDEX.get(m);
  if (idx) return idx;
  const sites: NameSite[] = [];
  for (const t of m.tables) for (const s of tableSites(t)) sites.push(s);
  sites.sort((a, b) => a.span.start - b.span.start);
  const byName = new Map<string, NameSite[]>();
  for (const s of sites) {
    const k = siteKey(s);
    const list = byName.get(k);
    if (list) list.push(s);
    else byName.set(k, [s]);
  }
  idx = { sites, byName };
  INDEX.set(m, idx);
  return idx;
}

/** The site under `offset`, by binary search over the sorted sites. */
export function siteAt(m: NftablesModel, offset: number): NameSite | undefined {
  const { sites } = siteIndex(m);
  let lo = 0;
  let hi = sites.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sites[mid]!.span.start <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  // JSON spans may nest (a statement's span holds its targets): look back a few sites.
  for (let i = best, k = 0; i >= 0 && k < 64; i--, k++) {
    const s = sites[i]!;
    if (offset >= s.span.start && offset <= s.span.end) return s;
  }
  return undefined;
}

/** `ip kube-proxy`: how nft names a table on its command line and in messages. */
export const tableLabel = (t: NftTable): string => `${t.family.value} ${t.name.value}`;

/** `ip saddr`, `ct state`, `meta l4proto`: a selector's words, or undefined for other expressions. */
export function selectorText(e: NftExpr): string | undefined {
  if (e.kind !== 'selector') return undefined;
  return [e.head.value, ...e.args.map((a) => a.value)].join(' ');
}

/** The chains of a table by name. */
export function chainsByName(t: NftTable): Map<string, NftChain> {
  return new Map(t.chains.map((c) => [c.name.value, c]));
}
