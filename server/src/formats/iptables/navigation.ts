import type { Span } from '../../core/span';
import type { InlayNote, OutlineNode } from '../features';
import { isBuiltinChain, type IptablesModel, type IptRule, type IptTable } from './model';
import { chainName, matchOption, ruleComment, targetName } from './query';
import { maxOf } from '../../core/arrays';
import { SaveRule } from './saveModel';

/** Where a chain is declared, appended to and jumped to, within one table. */
export interface ChainSites {
  readonly table: string;
  readonly name: string;
  readonly declarations: Span[];
  /** The chain token of each `-A CHAIN` rule. */
  readonly appends: Span[];
  /** The target token of each `-j CHAIN` / `-g CHAIN`. */
  readonly jumps: Span[];
}

const cache = new WeakMap<IptablesModel, readonly ChainSites[]>();

/** Chain sites of every chain of every table (declared, appended to or jumped to); computed once per model. */
function chainSites(model: IptablesModel): readonly ChainSites[] {
  let all = cache.get(model);
  if (all) return all;
  const list: ChainSites[] = [];
  for (const t of model.tables) {
    // By name within the table: chain names are mostly the table's own strings, whose hashes are cached.
    const sites = new Map<string, ChainSites>();
    const table = t.name.value;
    const get = (name: string): ChainSites => {
      let s = sites.get(name);
      if (!s) {
        s = { table, name, declarations: [], appends: [], jumps: [] };
        sites.set(name, s);
        list.push(s);
      }
      return s;
    };
    for (const c of t.chains) get(c.name.value).declarations.push(c.name.span);
    for (const r of t.rules) {
      // Listing rules carry the chain header's token; count each header once.
      if (model.variant === 'save') get(r.chain.value).appends.push(r.chain.span);
      if (r.target) get(r.target.name.value).jumps.push(r.target.name.span);
    }
  }
  all = list;
  cache.set(model, all);
  return all;
}

interface PositionIndex {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly sites: readonly ChainSites[];
}

/** Every chain token (declaration, `-A` chain, jump) sorted by position, for a binary search. */
const positionIndexes = new WeakMap<IptablesModel, PositionIndex>();

function positionIndex(model: IptablesModel): PositionIndex {
  let idx = positionIndexes.get(model);
  if (idx) return idx;
  const spans: Span[] = [];
  const owners: ChainSites[] = [];
  for (const site of chainSites(model)) {
    // A jump to a target (ACCEPT, DNAT) that is not a chain of the table is not navigable.
    if (site.declarations.length === 0 && site.appends.length === 0) continue;
    for (const list of [site.declarations, site.appends, site.jumps]) {
      for (const span of list) {
        spans.push(span);
        owners.push(site);
      }
    }
  }
  // Sort by start as plain numbers (start * 2^22 + entry number, exact below 2^53): a typed-array
  // sort without a comparator is several times faster than sorting 100,000 objects.
  const n = spans.length;
  const keys = new Float64Array(n);
  const SHIFT = 2 ** 22;
  const packed = n < SHIFT;
  for (let k = 0; k < n; k++) keys[k] = packed ? spans[k]!.start * SHIFT + k : k;
  if (packed) keys.sort();
  const order = packed ? Array.from(keys, (key) => key % SHIFT) : [...keys.keys()].sort((a, b) => spans[a]!.start - spans[b]!.start);
  idx = {
    starts: Int32Array.from(order, (k) => spans[k]!.start),
    ends: Int32Array.from(order, (k) => spans[k]!.end),
    sites: order.map((k) => owners[k]!),
  };
  positionIndexes.set(model, idx);
  return idx;
}

/** The chain named by the token under `offset` (a declaration, an `-A` chain or a jump target). */
export function chainAt(model: IptablesModel, offset: number): ChainSites | undefined {
  const { starts, ends, sites } = positionIndex(model);
  // Last token starting at or before the offset; listing rules share their chain header token, so
  // equal starts are possible and any of them names the same chain.
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && offset <= ends[found]! ? sites[found] : undefined;
}

export function chainDefinition(model: IptablesModel, offset: number): Span[] {
  return chainAt(model, offset)?.declarations ?? [];
}

export function chainReferences(model: IptablesModel, offset: number, includeDeclaration: boolean): Span[] {
  const s = chainAt(model, offset);
  if (!s) return [];
  // Each list is in file order already (tables, then their lines): merging them is linear, where
  // sorting KUBE-MARK-MASQ's 10,000 jumps on every request was not.
  return mergeByStart(mergeByStart(includeDeclaration ? s.declarations : [], s.appends), s.jumps);
}

/** Merges two span lists sorted by start into one (stable: `a` first on equal starts). */
function mergeByStart(a: readonly Span[], b: readonly Span[]): Span[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  const out = new Array<Span>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = b[j]!.start < a[i]!.start ? b[j++]! : a[i++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Tables containing their chains; in a save file a table folds from `*nat` to `COMMIT`. */
export function iptablesOutline(model: IptablesModel): OutlineNode[] {
  return model.tables.map((t) => {
    const end = t.commit?.end ?? maxOf(t.span.end, t.rules.map((r) => r.span.end), t.chains.map((c) => c.span.end));
    return {
      name: t.name.value,
      detail: `${t.chains.length} chains, ${t.rules.length} rules`,
      kind: 'table',
      span: { start: t.span.start, end },
      selection: t.name.span.start === t.name.span.end ? t.span : t.name.span,
      children: t.chains.map((c) => {
        const last = c.rules[c.rules.length - 1];
        const span = model.variant === 'listing' && last ? { start: c.span.start, end: last.span.end } : c.span;
        const detail = [
          c.policy ? `policy ${c.policy.value}` : undefined,
          `${c.rules.length} rule${c.rules.length === 1 ? '' : 's'}`,
          c.counters && c.counters.packets > 0 ? `${c.counters.packets} pkts` : undefined,
          serviceOf(t, c.name.value),
        ].filter(Boolean);
        return { name: c.name.value, detail: detail.join(', '), kind: 'chain' as const, span, selection: c.name.span };
      }),
    };
  });
}

/** In a save file, runs of rules of the same chain fold (kube-proxy writes them together). */
export function iptablesRuleRuns(model: IptablesModel): Span[] {
  if (model.variant !== 'save') return [];
  const runs: Span[] = [];
  for (const t of model.tables) {
    let first: IptRule | undefined;
    let last: IptRule | undefined;
    let count = 0;
    const flush = (): void => {
      if (first && last && count >= 3) runs.push({ start: first.span.start, end: last.span.end });
    };
    for (const r of t.rules) {
      if (first && r.chain.value === first.chain.value && r.line === last!.line + 1) {
        last = r;
        count++;
      } else {
        flush();
        first = last = r;
        count = 1;
      }
    }
    flush();
  }
  return runs;
}

interface RuleIndex {
  /** Rules of each chain, in order. */
  readonly inChain: ReadonlyMap<string, readonly IptRule[]>;
  /** Rules jumping to each chain. */
  readonly jumpingTo: ReadonlyMap<string, readonly IptRule[]>;
}

const ruleIndexes = new WeakMap<IptTable, RuleIndex>();

/**
 * Rules of a table indexed by chain and by jump target; built once per table and kept with it.
 * A kube-proxy dump has about as many chains as it has rules / 3, so the lists are many and short:
 * they are counted first and made at their exact size (an array grown by `push` reserves room for
 * 17 after its first item), and a chain's own `rules` is reused when
 * it holds exactly the rules appended to that name.
 */
export function ruleIndex(table: IptTable): RuleIndex {
  let idx = ruleIndexes.get(table);
  if (idx) return idx;
  const rules = table.rules;
  const n = rules.length;
  // Chain names as numbers: a table read by the save parser has them interned in its store
  // already (no token made, no string hashed per rule); other rules get them interned here.
  const { names, ids: chainIds } = nameIds(rules, false);
  const m = names.length;
  const chainCount = new Int32Array(m);
  for (let k = 0; k < n; k++) chainCount[chainIds[k]!]!++;
  const inChain = new Map<string, readonly IptRule[]>();
  const declaredTwice = new Set<string>();
  const idOf = new Map<string, number>();
  for (let id = 0; id < m; id++) if (chainCount[id]! > 0) idOf.set(names[id]!, id);
  for (const c of table.chains) {
    const name = c.name.value;
    const id = idOf.get(name);
    // Two declarations of one name (or rules outside the chain object) cannot share its list.
    if (inChain.has(name)) declaredTwice.add(name);
    else if (id !== undefined && chainCount[id] === c.rules.length && chainName(c.rules[0]!) === name) inChain.set(name, c.rules);
  }
  for (const name of declaredTwice) inChain.delete(name);
  const reused = new Uint8Array(m);
  for (const name of inChain.keys()) reused[idOf.get(name)!] = 1;
  // Lists made at their exact size, in the order a map filled rule by rule has them.
  fillLists(rules, chainIds, names, chainCount, reused, inChain);
  let jumpingTo: ReadonlyMap<string, readonly IptRule[]> | undefined;
  idx = {
    inChain,
    // Made when first asked for (hovers, inlay notes): no lint rule needs it.
    get jumpingTo(): ReadonlyMap<string, readonly IptRule[]> {
      if (jumpingTo === undefined) {
        const { names: targets, ids: targetIds } = nameIds(rules, true);
        const count = new Int32Array(targets.length);
        for (let k = 0; k < n; k++) if (targetIds[k]! >= 0) count[targetIds[k]!]!++;
        const map = new Map<string, readonly IptRule[]>();
        fillLists(rules, targetIds, targets, count, new Uint8Array(targets.length), map);
        jumpingTo = map;
      }
      return jumpingTo;
    },
  };
  ruleIndexes.set(table, idx);
  return idx;
}

/** Puts each rule in the list of its name (`ids[k]`, -1: none) unless that name's list is `reused`; lists are made at their `count`. */
function fillLists(rules: readonly IptRule[], ids: Int32Array, names: readonly string[], count: Int32Array, reused: Uint8Array, into: Map<string, readonly IptRule[]>): void {
  const lists = new Array<IptRule[] | undefined>(names.length);
  const at = new Int32Array(names.length);
  for (let k = 0; k < rules.length; k++) {
    const id = ids[k]!;
    if (id < 0 || reused[id] !== 0) continue;
    let list = lists[id];
    if (list === undefined) {
      lists[id] = list = new Array<IptRule>(count[id]!);
      into.set(names[id]!, list);
    }
    list[at[id]!++] = rules[k]!;
  }
}

/** Rules' chain (or target) names as indexes into `names`, by rule (-1: no target). */
interface NameIds {
  readonly names: readonly string[];
  readonly ids: Int32Array;
}

/** The rules' chain names (`targets`: their target names) as name indexes. */
function nameIds(rules: readonly IptRule[], targets: boolean): NameIds {
  const n = rules.length;
  const ids = new Int32Array(n);
  const first = rules[0];
  const store = first instanceof SaveRule ? first.store : undefined;
  if (store !== undefined) {
    let k = 0;
    for (; k < n; k++) {
      const r = rules[k]!;
      if (!(r instanceof SaveRule) || r.store !== store) break;
      ids[k] = targets ? r.targetId : r.chainId;
    }
    if (k === n) return { names: store.names, ids };
  }
  const names: string[] = [];
  const known = new Map<string, number>();
  for (let k = 0; k < n; k++) {
    const r = rules[k]!;
    const name = targets ? targetName(r) : chainName(r);
    if (name === undefined) {
      ids[k] = -1;
      continue;
    }
    let id = known.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      known.set(name, id);
    }
    ids[k] = id;
  }
  return { names, ids };
}

/** The `namespace/name:port` a kube-proxy chain serves, from the comments in the dump. */
export function serviceOf(table: IptTable, chain: string): string | undefined {
  if (isBuiltinChain(table.name.value, chain) || !/^KUBE-(?:SVC|SVL|EXT|FW|SEP|XLB)-/.test(chain)) return undefined;
  const idx = ruleIndex(table);
  for (const r of [...(idx.inChain.get(chain) ?? []), ...(idx.jumpingTo.get(chain) ?? [])]) {
    const svc = ruleComment(r)?.match(/^([\w.-]+\/[\w.-]+(?::[\w.-]+)?)/)?.[1];
    if (svc) return svc;
  }
  return undefined;
}

/** One endpoint of a kube-proxy service chain, with the share of new connections it gets. */
export interface EndpointShare {
  readonly chain: string;
  readonly destination?: string;
  /** Fraction of new connections reaching this rule and jumping (0..1). */
  readonly share: number;
  readonly rule: IptRule;
}

/**
 * The endpoint cascade of a `KUBE-SVC-*` / `KUBE-SVL-*` chain: rule i jumps with probability p_i to
 * its endpoint, otherwise falls through, so its effective share is p_i · Π_{j<i}(1 − p_j).
 */
export function endpointShares(table: IptTable, chain: string): EndpointShare[] {
  const out: EndpointShare[] = [];
  let remaining = 1;
  for (const r of ruleIndex(table).inChain.get(chain) ?? []) {
    if (!r.target || !/^KUBE-SEP-/.test(r.target.name.value)) continue;
    const p = Number(matchOption(r, 'statistic', '--probability')?.values[0]?.value ?? '1');
    const prob = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1;
    const share = remaining * prob;
    remaining -= share;
    out.push({ chain: r.target.name.value, ...destinationOf(table, r.target.name.value), share, rule: r });
  }
  return out;
}

function destinationOf(table: IptTable, sep: string): { destination?: string } {
  for (const r of ruleIndex(table).inChain.get(sep) ?? []) {
    if (r.target?.name.value !== 'DNAT') continue;
    const to = r.target.options.find((o) => o.name.value === '--to-destination')?.values[0]?.value;
    if (to) return { destination: to };
  }
  return {};
}

export function formatShare(share: number): string {
  const pct = share * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(1) : pct.toPrecision(2)} %`;
}

/** Inline notes: the effective share of each endpoint after its `--probability`. */
export function iptablesInlayNotes(model: IptablesModel, range: Span): InlayNote[] {
  const notes: InlayNote[] = [];
  for (const t of model.tables) {
    const seen = new Set<string>();
    for (const r of t.rules) {
      if (r.span.end < range.start || r.span.start > range.end) continue;
      if (!/^KUBE-(?:SVC|SVL)-/.test(r.chain.value) || seen.has(r.chain.value)) continue;
      seen.add(r.chain.value);
      const endpoints = endpointShares(t, r.chain.value);
      // A single endpoint takes everything: a "100 %" note would only add noise.
      if (endpoints.length < 2) continue;
      for (const e of endpoints) {
        const prob = matchOption(e.rule, 'statistic', '--probability')?.values[0];
        const at = prob?.span.end ?? e.rule.target?.name.span.end;
        if (at === undefined || at < range.start || at > range.end) continue;
        notes.push({
          offset: at,
          label: `→ ${formatShare(e.share)}`,
          tooltip: `Effective share of new connections to ${e.destination ?? e.chain}: this rule's probability times the chance that no earlier endpoint rule matched.`,
        });
      }
    }
  }
  return notes;
}
