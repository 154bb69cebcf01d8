import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import {
  NFT_FAMILIES,
  type NftChain,
  type NftElement,
  type NftExpr,
  type NftFamily,
  type NftFlowtable,
  type NftObject,
  type NftRule,
  type NftSet,
  type NftStatement,
  type NftTable,
  type NftVerdict,
  type NftablesModel,
  type Token,
  type VerdictName,
} from './model';
import { mention } from './parseText';
import { readPriority } from './priority';

/**
 * `nft -j list ruleset` (libnftables-json(5)). The text is checked for nesting depth first (a
 * bounded scan), then read by JSON.parse; ranges come from a second scan that finds where each
 * object of the `nftables` array (and each statement of a rule's `expr`) starts and ends, and the
 * names inside them. Converting JSON expressions recurses, but never deeper than MAX_DEPTH, which
 * the first scan guarantees.
 */
const MAX_DEPTH = 64;
const FAMILIES: ReadonlySet<string> = new Set(NFT_FAMILIES);
const VERDICTS: ReadonlySet<string> = new Set(['accept', 'drop', 'return', 'continue', 'jump', 'goto', 'queue']);
const OBJECT_KINDS = ['counter', 'quota', 'ct helper', 'ct timeout', 'ct expectation', 'limit', 'secmark', 'synproxy'] as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JObj = { [k: string]: Json };

function isObj(v: Json | undefined): v is JObj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The deepest bracket nesting outside strings, and where it first exceeds `max` (or -1). */
export function jsonDepth(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

/** Spans of the elements of the array whose `[` is at `open`. */
function arrayElementSpans(text: string, open: number): Span[] {
  const out: Span[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      if (depth === 1 && start < 0) start = i;
      continue;
    }
    if (c === 123 || c === 91) {
      depth++;
      if (depth === 2 && start < 0) start = i;
      continue;
    }
    if (c === 125 || c === 93) {
      if (depth === 2 && c === 125 && start >= 0) {
        out.push({ start, end: i + 1 });
        start = -1;
      }
      depth--;
      if (depth === 0) {
        return out;
      }
      continue;
    }
    if (depth === 1 && c === 44) start = -1;
  }
  return out;
}

export function parseNftablesJson(text: string): NftablesModel {
  const problems: ParseProblem[] = [];
  const empty = (): NftablesModel => ({ variant: 'json', tables: [], commands: [], iptablesNftWarnings: [], problems });
  const whole: Span = { start: 0, end: Math.min(text.length, 1) };
  const deep = jsonDepth(text, MAX_DEPTH);
  if (deep >= 0) {
    problems.push({ code: 'parse/nftables-json', message: `JSON nested deeper than ${MAX_DEPTH} levels: nft never prints that; the document was not read`, span: { start: deep, end: deep + 1 } });
    return empty();
  }
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    const m = /position (\d+)/.exec(String(e));
    const at = m ? Math.min(Number(m[1]), Math.max(0, text.length - 1)) : 0;
    problems.push({ code: 'parse/nftables-json', message: `not valid JSON (${e instanceof Error ? e.message : String(e)})`, span: { start: at, end: Math.min(text.length, at + 1) } });
    return empty();
  }
  const list = isObj(doc) ? doc.nftables : undefined;
  if (!Array.isArray(list)) {
    problems.push({ code: 'parse/nftables-json', message: 'JSON without an `nftables` array: not `nft -j` output', span: whole });
    return empty();
  }
  const key = /"nftables"\s*:\s*\[/.exec(text);
  const spans = key ? arrayElementSpans(text, key.index + key[0].length - 1) : [];
  return new JsonReader(text, problems).read(list, spans);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };
type TableB = Mutable<NftTable> & { chainIndex: Map<string, Mutable<NftChain>>; setIndex: Map<string, Mutable<NftSet>> };

class JsonReader {
  private readonly tables = new Map<string, TableB>();
  private metainfo?: NftablesModel['metainfo'];

  constructor(
    private readonly text: string,
    private readonly problems: ParseProblem[],
  ) {}

  /** `"key": "value"` inside `within`, else the whole span: names are found where nft printed them. */
  private locate(within: Span, key: string, value: string | number | undefined): Span {
    if (value === undefined) return within;
    const needle = `"${key}": ${JSON.stringify(value)}`;
    const at = this.text.indexOf(needle, within.start);
    if (at < 0 || at + needle.length > within.end) return within;
    const vs = at + needle.length - JSON.stringify(value).length;
    return typeof value === 'string' ? { start: vs + 1, end: at + needle.length - 1 } : { start: vs, end: at + needle.length };
  }

  /** The first `needle` inside `within`, trimmed by `head` / `tail` characters; else `within`. */
  private locateText(within: Span, needle: string, head: number, tail: number): Span {
    const at = this.text.indexOf(needle, within.start);
    if (at < 0 || at + needle.length > within.end) return within;
    return { start: at + head, end: at + needle.length - tail };
  }

  private loc<T extends string | number>(within: Span, key: string, value: T): Located<T> {
    return { value, span: this.locate(within, key, value) };
  }

  private str(o: JObj, k: string): string | undefined {
    const v = o[k];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }

  private table(o: JObj, span: Span): TableB | undefined {
    const family = this.str(o, 'family');
    const name = this.str(o, 'table') ?? this.str(o, 'name');
    if (!family || !name || !FAMILIES.has(family)) {
      this.problems.push({ code: 'parse/nftables-json', message: 'object without a known `family` and table name', span });
      return undefined;
    }
    const key = `${family} ${name}`;
    let t = this.tables.get(key);
    if (!t) {
      t = {
        family: this.loc(span, 'family', family as NftFamily),
        name: this.loc(span, 'table' in o ? 'table' : 'name', name),
        span,
        flags: [],
        chains: [],
        sets: [],
        flowtables: [],
        objects: [],
        chainIndex: new Map(),
        setIndex: new Map(),
      };
      this.tables.set(key, t);
    }
    return t;
  }

  read(list: Json[], spans: readonly Span[]): NftablesModel {
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const span = spans[i] ?? { start: 0, end: 0 };
      if (!isObj(item)) continue;
      const kind = Object.keys(item)[0];
      const body = kind === undefined ? undefined : item[kind];
      if (!kind || !isObj(body)) continue;
      this.item(kind, body, span);
    }
    const tables = [...this.tables.values()];
    return {
      variant: 'json',
      tables,
      commands: [],
      iptablesNftWarnings: [],
      ...(this.metainfo ? { metainfo: this.metainfo } : {}),
      problems: this.problems,
    };
  }

  private handle(o: JObj, span: Span): Located<number> | undefined {
    return typeof o.handle === 'number' ? this.loc(span, 'handle', o.handle) : undefined;
  }

  private item(kind: string, o: JObj, span: Span): void {
    if (kind === 'metainfo') {
      const v = this.str(o, 'version');
      this.metainfo = { span, ...(v ? { version: this.loc(span, 'version', v) } : {}) };
      return;
    }
    if (kind === 'table') {
      const t = this.table(o, span);
      if (!t) return;
      t.span = span;
      const h = this.handle(o, span);
      if (h) t.handle = h;
      const c = this.str(o, 'comment');
      if (c) t.comment = this.loc(span, 'comment', c);
      return;
    }
    const t = this.table(o, span);
    const name = this.str(o, 'name') ?? this.str(o, 'chain');
    if (!t || !name) return;
    const h = this.handle(o, span);
    const nameLoc = this.loc(span, kind === 'rule' ? 'chain' : 'name', name);
    switch (kind) {
      case 'chain': {
        const chain = this.chain(t, nameLoc, span);
        if (h) chain.handle = h;
        const type = this.str(o, 'type');
        const hook = this.str(o, 'hook');
        const prio = o.prio;
        if (type && hook && (typeof prio === 'number' || typeof prio === 'string')) {
          const p = readPriority(t.family.value, [this.loc(span, 'prio', prio as string | number)].map((l) => ({ value: String(l.value), span: l.span })))!;
          const policy = this.str(o, 'policy');
          const dev = this.str(o, 'dev');
          chain.base = {
            span,
            type: this.loc(span, 'type', type),
            hook: this.loc(span, 'hook', hook),
            priority: p,
            ...(policy ? { policy: this.loc(span, 'policy', policy) } : {}),
            ...(dev ? { device: this.loc(span, 'dev', dev) } : {}),
          };
        }
        const c = this.str(o, 'comment');
        if (c) chain.comment = this.loc(span, 'comment', c);
        return;
      }
      case 'rule': {
        const chain = this.chain(t, nameLoc, nameLoc.span, true);
        const statements = this.statements(o.expr, span);
        const comment = this.str(o, 'comment');
        const rule: NftRule = {
          table: `${t.family.value} ${t.name.value}`,
          chain: name,
          span,
          statements,
          ...(h ? { handle: h } : {}),
          ...(comment ? { comment: this.loc(span, 'comment', comment) } : {}),
        };
        chain.rules.push(rule);
        return;
      }
      case 'set':
      case 'map': {
        const set = this.set(t, kind, nameLoc, span);
        if (h) set.handle = h;
        const type = o.type;
        set.keyType = (Array.isArray(type) ? type : [type]).filter((x): x is string => typeof x === 'string').map((x) => this.loc(span, 'type', x));
        const mapType = this.str(o, 'map');
        if (mapType) set.valueType = this.loc(span, 'map', mapType);
        if (Array.isArray(o.flags)) set.flags = o.flags.filter((x): x is string => typeof x === 'string').map((x) => ({ value: x, span }));
        if (typeof o.timeout === 'number') set.timeout = { value: `${o.timeout}s`, span: this.locate(span, 'timeout', o.timeout) };
        if (typeof o.size === 'number') set.size = this.loc(span, 'size', o.size);
        const c = this.str(o, 'comment');
        if (c) set.comment = this.loc(span, 'comment', c);
        if (Array.isArray(o.elem)) set.elements = o.elem.map((e) => this.element(e, span));
        return;
      }
      case 'flowtable': {
        const devs = Array.isArray(o.dev) ? o.dev : typeof o.dev === 'string' ? [o.dev] : [];
        const flow: Mutable<NftFlowtable> = {
          name: nameLoc,
          table: `${t.family.value} ${t.name.value}`,
          span,
          devices: devs.filter((d): d is string => typeof d === 'string').map((d) => ({ value: d, span })),
          flags: [],
        };
        if (h) flow.handle = h;
        const hook = this.str(o, 'hook');
        if (hook) flow.hook = this.loc(span, 'hook', hook);
        if (typeof o.prio === 'number') flow.priority = readPriority(t.family.value, [{ value: String(o.prio), span: this.locate(span, 'prio', o.prio) }])!;
        t.flowtables.push(flow);
        return;
      }
      default: {
        if (!(OBJECT_KINDS as readonly string[]).includes(kind)) return;
        const obj: Mutable<NftObject> = {
          type: { value: kind, span },
          name: nameLoc,
          table: `${t.family.value} ${t.name.value}`,
          span,
          properties: Object.entries(o)
            .filter(([k]) => !['family', 'table', 'name', 'handle'].includes(k))
            .map(([k, v]) => [
              { value: k, span },
              { value: JSON.stringify(v), span },
            ]),
        };
        if (h) obj.handle = h;
        t.objects.push(obj);
      }
    }
  }

  private chain(t: TableB, name: Located<string>, span: Span, implicit = false): Mutable<NftChain> {
    return mention<Mutable<NftChain>>(t.chainIndex, t.chains, name, span, implicit, () => ({ name, table: `${t.family.value} ${t.name.value}`, span, rules: [], implicit }));
  }

  /** JSON declares every set it names: there is no stand-in to take over. */
  private set(t: TableB, kind: 'set' | 'map', name: Located<string>, span: Span): Mutable<NftSet> {
    return mention<Mutable<NftSet>>(t.setIndex, t.sets, name, span, false, () => ({ kind, name, table: `${t.family.value} ${t.name.value}`, span, keyType: [], typeof: false, flags: [], elements: [], implicit: false }));
  }

  // ---------------------------------------------------------------------------------------------
  // Statements and expressions (libnftables-json(5))

  private statements(expr: Json | undefined, ruleSpan: Span): NftStatement[] {
    if (!Array.isArray(expr)) return [];
    const open = this.text.indexOf('"expr": [', ruleSpan.start);
    const spans = open >= 0 && open < ruleSpan.end ? arrayElementSpans(this.text, open + '"expr": '.length) : [];
    const out: NftStatement[] = [];
    for (let i = 0; i < expr.length; i++) {
      const s = expr[i];
      const span = spans[i] ?? ruleSpan;
      if (isObj(s)) out.push(this.statement(s, span));
    }
    return out;
  }

  private verdict(kind: string, body: Json | undefined, span: Span): NftVerdict | undefined {
    if (!VERDICTS.has(kind)) return undefined;
    const verdict = { value: kind as VerdictName, span };
    const target = isObj(body) && typeof body.target === 'string' ? body.target : undefined;
    return target ? { span, verdict, target: this.loc(span, 'target', target) } : { span, verdict };
  }

  private statement(s: JObj, span: Span): NftStatement {
    const kind = Object.keys(s)[0] ?? '';
    const b = s[kind];
    const v = this.verdict(kind, b, span);
    if (v) return { kind: 'verdict', ...v };
    const o = isObj(b) ? b : {};
    const tok = (x: Json | undefined): Token | undefined => (typeof x === 'string' || typeof x === 'number' ? { value: String(x), span } : undefined);
    switch (kind) {
      case 'match': {
        const op = typeof o.op === 'string' && o.op !== 'in' ? { value: o.op, span } : undefined;
        return { kind: 'match', span, left: this.expr(o.left, span, 0), right: this.expr(o.right, span, 0), ...(op ? { op } : {}) };
      }
      case 'counter': {
        if (typeof b === 'string') return { kind: 'counter', span, name: { value: b, span } };
        const packets = typeof o.packets === 'number' ? this.loc(span, 'packets', o.packets) : undefined;
        const bytes = typeof o.bytes === 'number' ? this.loc(span, 'bytes', o.bytes) : undefined;
        return { kind: 'counter', span, ...(packets ? { packets } : {}), ...(bytes ? { bytes } : {}) };
      }
      case 'vmap':
        return { kind: 'vmap', span, key: this.expr(o.key, span, 0), map: this.expr(o.data, span, 0) };
      case 'mangle':
        return { kind: 'set', span, target: this.expr(o.key, span, 0), value: this.expr(o.value, span, 0) };
      case 'dnat':
      case 'snat':
      case 'masquerade':
      case 'redirect': {
        const flags = (Array.isArray(o.flags) ? o.flags : typeof o.flags === 'string' ? [o.flags] : []).map(tok).filter((t): t is Token => !!t);
        const family = tok(o.family);
        const addr = o.addr !== undefined ? this.expr(o.addr, span, 0) : undefined;
        const to: NftExpr | undefined = addr ?? (o.port !== undefined ? this.expr(o.port, span, 0) : undefined);
        return { kind: 'nat', span, type: { value: kind, span }, flags, ...(family ? { family } : {}), ...(to ? { to } : {}) };
      }
      case 'reject':
        return { kind: 'reject', span, with: [tok(o.type), tok(o.expr)].filter((t): t is Token => !!t) };
      case 'log': {
        const prefix = tok(o.prefix);
        const level = tok(o.level);
        const group = tok(o.group);
        return { kind: 'log', span, options: [], ...(prefix ? { prefix } : {}), ...(level ? { level } : {}), ...(group ? { group } : {}) };
      }
      case 'limit': {
        const rate = typeof o.rate === 'number' ? { value: `${o.rate}/${typeof o.per === 'string' ? o.per : 'second'}`, span } : undefined;
        return { kind: 'limit', span, over: o.inv === true, options: [], ...(rate ? { rate } : {}) };
      }
      case 'quota':
        return typeof b === 'string' ? { kind: 'quota', span, name: { value: b, span }, options: [] } : { kind: 'quota', span, options: [] };
      case 'set': {
        const set = typeof o.set === 'string' ? o.set.replace(/^@/, '') : '';
        return { kind: 'setUpdate', span, op: { value: typeof o.op === 'string' ? o.op : 'add', span }, set: this.loc(span, 'set', set), key: this.expr(o.elem, span, 0), options: [] };
      }
      default:
        return { kind: 'other', span, keyword: { value: kind, span }, tokens: [] };
    }
  }

  private expr(x: Json | undefined, span: Span, depth: number): NftExpr {
    if (x === undefined || x === null || depth > MAX_DEPTH) return { kind: 'opaque', span, tokens: [] };
    if (typeof x === 'string') {
      if (x.startsWith('@')) return { kind: 'setRef', span, name: { value: x.slice(1), span: this.locateText(span, JSON.stringify(x), 2, 1) } };
      return { kind: 'value', span, text: x };
    }
    if (typeof x === 'number' || typeof x === 'boolean') return { kind: 'value', span, text: String(x) };
    if (Array.isArray(x)) return { kind: 'anonSet', span, elements: x.map((e) => ({ span, key: this.expr(e, span, depth + 1) })) };
    const kind = Object.keys(x)[0] ?? '';
    const b = x[kind];
    const o = isObj(b) ? b : {};
    const word = (v: string): Token => ({ value: v, span });
    switch (kind) {
      case 'payload':
        return { kind: 'selector', span, head: word(this.str(o, 'protocol') ?? 'payload'), args: this.str(o, 'field') ? [word(this.str(o, 'field')!)] : [] };
      case 'meta':
      case 'ct':
      case 'rt':
      case 'socket':
        return { kind: 'selector', span, head: word(kind), args: this.str(o, 'key') ? [word(this.str(o, 'key')!)] : [] };
      case 'fib':
        return { kind: 'selector', span, head: word('fib'), args: [...(Array.isArray(o.flags) ? o.flags : []).map(String).map(word), ...(this.str(o, 'result') ? [word(this.str(o, 'result')!)] : [])] };
      case 'prefix':
        return { kind: 'value', span, text: `${this.str(o, 'addr') ?? ''}/${this.str(o, 'len') ?? ''}` };
      case 'range':
        return { kind: 'value', span, text: Array.isArray(b) ? b.map(String).join('-') : '' };
      case 'set':
        return Array.isArray(b) ? { kind: 'anonSet', span, elements: b.map((e) => this.element(e, span, depth + 1)) } : this.expr(b, span, depth + 1);
      case 'concat':
        return { kind: 'concat', span, parts: Array.isArray(b) ? b.map((p) => this.expr(p, span, depth + 1)) : [] };
      case 'numgen': {
        const mod = typeof o.mod === 'number' ? { value: o.mod, span } : undefined;
        const offset = typeof o.offset === 'number' ? { value: o.offset, span } : undefined;
        return { kind: 'numgen', span, mode: word(this.str(o, 'mode') ?? ''), ...(mod ? { mod } : {}), ...(offset ? { offset } : {}) };
      }
      case 'jhash':
      case 'symhash': {
        const mod = typeof o.mod === 'number' ? { value: o.mod, span } : undefined;
        const input = o.expr !== undefined ? this.expr(o.expr, span, depth + 1) : undefined;
        return { kind: 'hash', span, fn: word(kind), ...(mod ? { mod } : {}), ...(input ? { input } : {}) };
      }
      case 'map':
        return { kind: 'map', span, key: this.expr(o.key, span, depth + 1), mapping: this.expr(o.data, span, depth + 1) };
      case '&':
      case '|':
      case '^':
      case '<<':
      case '>>':
        if (Array.isArray(b) && b.length === 2) return { kind: 'binop', span, left: this.expr(b[0], span, depth + 1), op: word(kind), right: this.expr(b[1], span, depth + 1) };
        return { kind: 'opaque', span, tokens: [word(kind)] };
      default:
        return { kind: 'opaque', span, tokens: [word(kind)] };
    }
  }

  /** A set element: `"a"`, `{"concat": …}`, `{"elem": {"val": …, "comment": …}}`, or `[key, value]` in a map. */
  private element(e: Json | undefined, span: Span, depth = 0): NftElement {
    let key: Json | undefined = e;
    let value: Json | undefined;
    if (Array.isArray(e) && e.length === 2) [key, value] = e;
    let comment: Token | undefined;
    let timeout: Token | undefined;
    if (isObj(key) && isObj(key.elem)) {
      const inner = key.elem;
      if (typeof inner.comment === 'string') comment = { value: inner.comment, span: this.locate(span, 'comment', inner.comment) };
      if (typeof inner.timeout === 'number') timeout = { value: `${inner.timeout}s`, span };
      key = inner.val;
    }
    const out: { -readonly [K in keyof NftElement]: NftElement[K] } = { span, key: this.expr(key, span, depth + 1) };
    if (value !== undefined) {
      const vk = isObj(value) ? Object.keys(value)[0] : undefined;
      const verdict = vk ? this.verdict(vk, (value as JObj)[vk], span) : undefined;
      if (verdict) out.verdict = this.elementVerdict(verdict, span);
      else out.value = this.expr(value, span, depth + 1);
    }
    if (comment) out.comment = comment;
    if (timeout) out.timeout = timeout;
    return out;
  }

  /** A verdict-map element's `goto X`: found by its own `"target": "X"` after the map's start. */
  private elementVerdict(v: NftVerdict, span: Span): NftVerdict {
    if (!v.target) return v;
    const needle = `"target": ${JSON.stringify(v.target.value)}`;
    const at = this.text.indexOf(needle, span.start);
    if (at < 0 || at >= span.end) return v;
    const s = at + needle.length - JSON.stringify(v.target.value).length + 1;
    return { ...v, target: { value: v.target.value, span: { start: s, end: s + JSON.stringify(v.target.value).length - 2 } } };
  }
}
