import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Span } from '../../core/span';
import { child, type PathSegment, type YamlRef } from './model';
import { blankPasteEdges } from './pasteEdges';
import { originalContent } from './source';
import {
  JSON_OPTIONS,
  YAML_OPTIONS,
  detectEol,
  findPair,
  isJsonDocument,
  lineEndOf,
  lineStartOf,
  mapOffset,
  parseHost,
  parsesAsJson,
  resolveNode,
  safeParseAll,
  scalarContent,
  type YamlDoc,
} from './yamlHost';

/**
 * Minimal text edits for quick fixes on Kubernetes manifests: each helper returns replacements
 * against the ORIGINAL text (never a re-serialisation), so comments, quoting, key order, line
 * endings and everything else stay byte-for-byte as they were. Edits inside a document embedded
 * in a block scalar (`config.conf: |`, `net-conf.json: |`) are computed on the embedded text and
 * mapped back, indentation included. Every helper returns undefined when it cannot make the edit
 * safely (path not found, value not 1:1 mappable, unsupported shape).
 */

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export type EditValue = string | number | boolean | null | readonly EditValue[] | { readonly [key: string]: EditValue };

/** Applies non-overlapping edits (in any order) to the text they were computed against. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Replaces the existing scalar (or flow collection) at `ref` with `value`, keeping its quote style. */
export function setScalar(text: string, ref: YamlRef, value: EditValue): TextEdit[] | undefined {
  return run(text, ref, 'yaml', false, (ctx) => {
    const node = getAt(ctx.doc, ctx.path);
    return node ? replaceNode(ctx, node, value) : undefined;
  });
}

/**
 * Sets the value at `ref`: replaces it when the key exists, otherwise inserts the key into the
 * nearest existing mapping on the path, creating the missing mappings (block or flow style, as the
 * file writes them).
 */
export function setValue(text: string, ref: YamlRef, value: EditValue): TextEdit[] | undefined {
  return run(text, ref, 'yaml', false, (ctx) => setValueAt(ctx, value));
}

/** Inserts `key: value` after the last key of the mapping at `mapRef` (undefined if the key exists). */
export function insertKey(text: string, mapRef: YamlRef, key: string, value: EditValue): TextEdit[] | undefined {
  return run(text, mapRef, 'yaml', false, (ctx) => {
    const node = getAt(ctx.doc, ctx.path);
    if (!node || !isMap(node) || findPair(node, key)) return undefined;
    return insertIntoMap(ctx, node, [key], value);
  });
}

/** Adds (or replaces) `metadata.annotations[key]` of the object at `objectRef`, creating `annotations` if needed. */
export function addAnnotation(text: string, objectRef: YamlRef, key: string, value: string): TextEdit[] | undefined {
  return setValue(text, child(objectRef, 'metadata', 'annotations', key), value);
}

/**
 * Removes the key at `ref` with its value: from a flow or JSON mapping with the comma that
 * separates it from its neighbours (the text stays JSON), from a block mapping as its whole line
 * (only when the pair sits alone on one line, a comment aside). Undefined when the key is missing.
 */
export function removeKey(text: string, ref: YamlRef): TextEdit[] | undefined {
  return run(text, ref, 'yaml', false, (ctx) => {
    const last = ctx.path[ctx.path.length - 1];
    const parent = last === undefined ? undefined : getAt(ctx.doc, ctx.path.slice(0, -1));
    if (!parent || !isMap(parent)) return undefined;
    const pair = findPair(parent, String(last));
    const start = (pair?.key as Node | null | undefined)?.range?.[0];
    const end = pair ? pairEnd(pair) : undefined;
    if (!pair || start === undefined || end === undefined) return undefined;
    if (parent.flow || ctx.json) {
      const i = parent.items.indexOf(pair);
      const next = parent.items[i + 1];
      const prev = parent.items[i - 1];
      // `"a": 1, "b": 2` → the pair and the comma after it; the last pair takes the comma before it.
      const nextStart = (next?.key as Node | null | undefined)?.range?.[0];
      if (next) return nextStart === undefined ? undefined : [{ span: { start, end: nextStart }, newText: '' }];
      const prevEnd = prev ? pairEnd(prev) : undefined;
      if (prev) return prevEnd === undefined ? undefined : [{ span: { start: prevEnd, end }, newText: '' }];
      // The only pair: the mapping becomes `{}`.
      const r = parent.range;
      return r && ctx.text[r[0]] === '{' && ctx.text[r[1] - 1] === '}' ? [{ span: { start: r[0] + 1, end: r[1] - 1 }, newText: '' }] : [{ span: { start, end }, newText: '' }];
    }
    const lineStart = lineStartOf(ctx.text, start);
    if (ctx.text.slice(lineStart, start).trim() !== '' || /[\r\n]/.test(ctx.text.slice(start, end))) return undefined;
    let lineEnd = lineEndOf(ctx.text, end);
    const rest = ctx.text.slice(end, lineEnd).trim();
    if (rest !== '' && !rest.startsWith('#')) return undefined;
    if (ctx.text[lineEnd] === '\r' && ctx.text[lineEnd + 1] === '\n') lineEnd += 2;
    else if (lineEnd < ctx.text.length) lineEnd += 1;
    return [{ span: { start: lineStart, end: lineEnd }, newText: '' }];
  });
}

/** Appends an item to the sequence at `ref`; creates the sequence when the key is missing. */
export function appendToSequence(text: string, ref: YamlRef, item: EditValue): TextEdit[] | undefined {
  return run(text, ref, 'yaml', false, (ctx) => {
    const node = getAt(ctx.doc, ctx.path);
    if (!node) return setValueAt(ctx, [item]);
    if (!isSeq(node)) return undefined;
    return appendSeq(ctx, node, item);
  });
}

// ---------------------------------------------------------------------------------------------

interface Ctx {
  readonly text: string;
  readonly doc: YamlDoc;
  readonly path: readonly PathSegment[];
  readonly json: boolean;
  /** Everything must stay on one line (the embedded text sits in a quoted scalar). */
  readonly inline: boolean;
  readonly eol: string;
}

type Op = (ctx: Ctx) => TextEdit[] | undefined;

/**
 * Several fixes of one lint edit the same text; parsing it once per text (not once per edit)
 * keeps rules that offer YAML fixes cheap. The documents are only read, never mutated.
 */
const recentParses: { text: string; mode: string; docs: readonly YamlDoc[] }[] = [];

function parsedDocs(text: string, mode: 'json' | 'host' | 'yaml'): readonly YamlDoc[] {
  const hit = recentParses.find((p) => p.mode === mode && p.text === text);
  if (hit) return hit.docs;
  const docs = mode === 'json' ? safeParseAll(text, JSON_OPTIONS).docs : mode === 'host' ? parseHostDocs(text) : safeParseAll(text, YAML_OPTIONS).docs;
  recentParses.unshift({ text, mode, docs });
  if (recentParses.length > 4) recentParses.pop();
  return docs;
}

/** `escapes`: the outermost document is JSON, whose strings' escapes the reader maps (yamlHost `scalarContent`). */
function run(text: string, ref: YamlRef, format: 'yaml' | 'json', inline: boolean, op: Op, escapes?: boolean): TextEdit[] | undefined {
  const docs = parsedDocs(text, format === 'json' ? 'json' : ref.inner === undefined && !inline ? 'host' : 'yaml');
  const doc = docs[ref.doc];
  if (!doc) return undefined;
  // JSON stays JSON: keys and strings written JSON's way (a flow-style YAML document keeps YAML flow text).
  const json = format === 'json' || isJsonDocument(text, doc);
  const mapEscapes = escapes ?? json;
  if (ref.inner) {
    const node = getAt(doc, ref.path);
    if (!node || !isScalar(node) || typeof node.value !== 'string') return undefined;
    const c = scalarContent(text, node, mapEscapes);
    if (!c.exact) return undefined;
    const content = originalContent(text, c);
    const block = c.kind === 'block';
    // A double-quoted scalar holds line breaks as `\n` escapes (`kubectl get cm -o json`): its
    // content is edited as the multi-line text it is, and every edit is escaped back.
    const inner = run(content, ref.inner, ref.inner.format, !block && !content.includes('\n'), op, mapEscapes);
    if (!inner) return undefined;
    const eol = detectEol(text);
    const pad = ' '.repeat(c.indent);
    return inner.map((e) => {
      const start = mapOffset(c, e.span.start);
      // A deletion of whole lines ends where the next line's text starts (its indentation, or the `\n` escape, goes too).
      const wholeLines = e.newText === '' && e.span.end > e.span.start && content[e.span.end - 1] === '\n';
      const end = e.span.end === e.span.start ? start : Math.max(start, mapOffset(c, e.span.end, !wholeLines));
      let t = e.newText;
      if (block) t = t.replace(/\n/g, `${eol}${pad}`);
      else if (node.type === 'QUOTE_SINGLE') t = t.replace(/'/g, "''");
      else if (node.type === 'QUOTE_DOUBLE') t = JSON.stringify(t).slice(1, -1);
      return { span: { start, end }, newText: t };
    });
  }
  return op({ text, doc, path: ref.path, json, inline, eol: detectEol(text) });
}

/**
 * The whole text is one JSON value (`kubectl get ... -o json`, a JSON manifest): a fix must not
 * append YAML to it (a new `---` document), it would stop being JSON.
 */
export function isJsonText(text: string): boolean {
  return /^\s*[[{]/.test(text) && parsesAsJson(text);
}

/** The file's documents as the reader sees them: a paste's command line and fences blanked (same offsets). */
function parseHostDocs(text: string): readonly YamlDoc[] {
  return parseHost(blankPasteEdges(text)?.text ?? text).docs;
}

function getAt(doc: YamlDoc, path: readonly PathSegment[]): Node | undefined {
  let node = resolveNode(doc, doc.contents);
  for (const seg of path) {
    if (!node) return undefined;
    if (isMap(node)) {
      const p = findPair(node, String(seg));
      node = p ? resolveNode(doc, p.value) : undefined;
    } else if (isSeq(node) && typeof seg === 'number') node = resolveNode(doc, node.items[seg]);
    else return undefined;
  }
  return node;
}

function isEmptyValue(n: Node | undefined): boolean {
  return !n || (isScalar(n) && (n.value === null || n.value === undefined) && n.type === 'PLAIN');
}

function setValueAt(ctx: Ctx, value: EditValue): TextEdit[] | undefined {
  const path = ctx.path;
  let node = resolveNode(ctx.doc, ctx.doc.contents);
  if (path.length === 0) return node ? replaceNode(ctx, node, value) : undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (node && isMap(node)) {
      const pair = findPair(node, String(seg));
      if (!pair) return insertIntoMap(ctx, node, path.slice(i), value);
      const next = resolveNode(ctx.doc, pair.value);
      if (isEmptyValue(next)) return fillEmptyValue(ctx, node, pair, path.slice(i + 1), value);
      if (last) return replaceNode(ctx, next!, value);
      node = next;
    } else if (node && isSeq(node) && typeof seg === 'number') {
      const next = resolveNode(ctx.doc, node.items[seg]);
      if (!next) return undefined;
      if (last) return replaceNode(ctx, next, value);
      node = next;
    } else return undefined;
  }
  return undefined;
}

function nest(rest: readonly PathSegment[], value: EditValue): EditValue {
  let v = value;
  for (let i = rest.length - 1; i >= 0; i--) v = { [String(rest[i])]: v };
  return v;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** Would this text read back as the same string when written plain (YAML 1.1, like the Go decoders)? */
function plainSafe(s: string): boolean {
  if (s === '' || s !== s.trim() || /[\n\r\t\0]|: |\s#|:$/.test(s) || /^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:](?=\s|$)/.test(s)) return false;
  try {
    const d = parseDocument(s, { version: '1.1' });
    return d.errors.length === 0 && isScalar(d.contents) && d.contents.value === s;
  } catch {
    return false;
  }
}

function quoteSingle(s: string): string | undefined {
  return /[\n\r\0-\x08\x0b-\x1f]/.test(s) ? undefined : `'${s.replace(/'/g, "''")}'`;
}

function fmtScalar(ctx: Ctx, v: string | number | boolean | null, style?: Scalar['type']): string {
  if (ctx.json) return JSON.stringify(v);
  if (typeof v !== 'string') return v === null ? 'null' : String(v);
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(v);
  if (style === 'QUOTE_SINGLE') return quoteSingle(v) ?? JSON.stringify(v);
  if (plainSafe(v)) return v;
  return quoteSingle(v) ?? JSON.stringify(v);
}

function fmtKey(ctx: Ctx, k: string): string {
  if (ctx.json) return JSON.stringify(k);
  return plainSafe(k) ? k : (quoteSingle(k) ?? JSON.stringify(k));
}

function isObject(v: EditValue): v is { readonly [key: string]: EditValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One-line flow form: `{a: 1, b: [x]}` (or JSON with `": "` / `", "`). */
function fmtFlow(ctx: Ctx, v: EditValue): string {
  if (Array.isArray(v)) return `[${(v as readonly EditValue[]).map((x) => fmtFlow(ctx, x)).join(', ')}]`;
  if (isObject(v)) {
    return `{${Object.entries(v)
      .map(([k, x]) => `${fmtKey(ctx, k)}: ${fmtFlow(ctx, x)}`)
      .join(', ')}}`;
  }
  return fmtScalar(ctx, v as string | number | boolean | null);
}

/** Multi-line JSON, continuation lines indented by `pad` (the indentation of the key's line). */
function fmtJsonPretty(v: EditValue, unit: number, pad: string): string {
  return JSON.stringify(v, null, unit).replace(/\n/g, `\n${pad}`);
}

interface Style {
  /** Spaces per nesting level. */
  readonly unit: number;
  /** Extra spaces before `- ` relative to the parent key (0: `key:\n- a`, 2: `key:\n  - a`). */
  readonly seqIndent: number;
}

const styleCache = new WeakMap<YamlDoc, Style>();

/** Indentation the document already uses (first nested block mapping / sequence found). */
function styleOf(ctx: Ctx): Style {
  const cached = styleCache.get(ctx.doc);
  if (cached) return cached;
  let unit: number | undefined;
  let seqIndent: number | undefined;
  const stack: Node[] = [];
  const root = resolveNode(ctx.doc, ctx.doc.contents);
  if (root) stack.push(root);
  let visited = 0;
  while (stack.length > 0 && (unit === undefined || seqIndent === undefined) && visited++ < 10000) {
    const n = stack.pop()!;
    if (isMap(n)) {
      for (const p of n.items) {
        const v = p.value as Node | null;
        const kr = (p.key as Node | null)?.range;
        if (!v || !kr || n.flow) continue;
        const kc = col(ctx.text, kr[0]);
        if (isMap(v) && !v.flow && v.items[0]) {
          const cr = (v.items[0].key as Node | null)?.range;
          if (cr && unit === undefined && lineStartOf(ctx.text, cr[0]) !== lineStartOf(ctx.text, kr[0])) unit = col(ctx.text, cr[0]) - kc;
        }
        if (isSeq(v) && !v.flow && v.items[0] && seqIndent === undefined) {
          const dash = dashBefore(ctx.text, (v.items[0] as Node).range?.[0] ?? -1);
          if (dash >= 0 && lineStartOf(ctx.text, dash) !== lineStartOf(ctx.text, kr[0])) seqIndent = col(ctx.text, dash) - kc;
        }
        stack.push(v);
      }
    } else if (isSeq(n)) for (const it of n.items) if (it && typeof it === 'object') stack.push(it as Node);
  }
  const s: Style = { unit: unit !== undefined && unit > 0 && unit <= 8 ? unit : 2, seqIndent: seqIndent !== undefined && seqIndent >= 0 && seqIndent <= 8 ? seqIndent : 0 };
  styleCache.set(ctx.doc, s);
  return s;
}

function col(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

function indentOfLine(text: string, offset: number): string {
  const ls = lineStartOf(text, offset);
  let i = ls;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text.slice(ls, i);
}

/** Position of the `-` that introduces the sequence item starting at `itemStart`, or -1. */
function dashBefore(text: string, itemStart: number): number {
  let i = itemStart - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i >= 0 && text[i] === '-' ? i : -1;
}

/** Block lines for `key: value` at column `indent` (joined with `\n`; the caller maps line ends). */
function blockEntry(ctx: Ctx, key: string, v: EditValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const k = fmtKey(ctx, key);
  const st = styleOf(ctx);
  if (isObject(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return [`${pad}${k}: {}`];
    return [`${pad}${k}:`, ...entries.flatMap(([ck, cv]) => blockEntry(ctx, ck, cv, indent + st.unit))];
  }
  if (Array.isArray(v)) {
    const items = v as readonly EditValue[];
    if (items.length === 0) return [`${pad}${k}: []`];
    return [`${pad}${k}:`, ...items.flatMap((it) => blockItem(ctx, it, indent + st.seqIndent))];
  }
  return [`${pad}${k}: ${fmtScalar(ctx, v as string | number | boolean | null)}`];
}

/** Block lines for a sequence item `- value` whose dash is at column `indent`. */
function blockItem(ctx: Ctx, v: EditValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isObject(v) && Object.keys(v).length > 0) {
    const lines = Object.entries(v).flatMap(([k, x]) => blockEntry(ctx, k, x, indent + 2));
    return [`${pad}- ${lines[0]!.slice(indent + 2)}`, ...lines.slice(1)];
  }
  if (Array.isArray(v) || isObject(v)) return [`${pad}- ${fmtFlow(ctx, v)}`];
  return [`${pad}- ${fmtScalar(ctx, v as string | number | boolean | null)}`];
}

function joinLines(ctx: Ctx, lines: readonly string[]): string {
  return lines.join(ctx.eol);
}

// ---------------------------------------------------------------------------------------------
// Edits

function replaceNode(ctx: Ctx, node: Node, value: EditValue): TextEdit[] | undefined {
  const r = node.range;
  if (!r) return undefined;
  if (isScalar(node)) {
    let end = r[1];
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      while (end > r[0] && /\s/.test(ctx.text[end - 1]!)) end--;
    }
    const scalarStyle = typeof value === 'string' ? node.type : undefined;
    const text = isObject(value) || Array.isArray(value) ? fmtFlow(ctx, value) : fmtScalar(ctx, value as string | number | boolean | null, scalarStyle);
    return [{ span: { start: r[0], end }, newText: text }];
  }
  if ((isMap(node) || isSeq(node)) && node.flow) {
    if (ctx.json && !ctx.inline && ctx.text.slice(r[0], r[1]).includes('\n')) {
      return [{ span: { start: r[0], end: r[1] }, newText: fmtJsonPretty(value, jsonUnit(ctx), indentOfLine(ctx.text, r[0])) }];
    }
    return [{ span: { start: r[0], end: r[1] }, newText: fmtFlow(ctx, value) }];
  }
  return undefined;
}

function jsonUnit(ctx: Ctx): number {
  const m = /\{[ \t]*\r?\n([ \t]*)"/.exec(ctx.text);
  if (!m) return 2;
  const open = ctx.text.indexOf('{');
  const base = indentOfLine(ctx.text, open).length;
  const u = m[1]!.length - base;
  return u > 0 && u <= 8 ? u : 2;
}

/** Skips spaces, line breaks and (in YAML) comments from `i`; returns the next significant offset. */
function skipBlank(ctx: Ctx, i: number): number {
  const t = ctx.text;
  while (i < t.length) {
    const c = t[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#' && !ctx.json) i = lineEndOf(t, i);
    else break;
  }
  return i;
}

function pairEnd(pair: Pair): number | undefined {
  const v = pair.value as Node | null;
  const k = pair.key as Node | null;
  return v?.range?.[1] ?? k?.range?.[1];
}

/** End of the content of the last line of [from, end): trailing blank lines are not included. */
function lastContentLineEnd(text: string, from: number, end: number): number {
  let q = end;
  while (q > from && /\s/.test(text[q - 1]!)) q--;
  return lineEndOf(text, q);
}

function insertIntoMap(ctx: Ctx, map: YAMLMap, rest: readonly PathSegment[], value: EditValue): TextEdit[] | undefined {
  const key = String(rest[0]);
  const v = nest(rest.slice(1), value);
  const r = map.range;
  if (!r) return undefined;
  if (map.flow || ctx.json) {
    const entry = (pad: string): string => {
      const val = ctx.json && !ctx.inline && (isObject(v) || Array.isArray(v)) ? fmtJsonPretty(v, jsonUnit(ctx), pad) : fmtFlow(ctx, v);
      return `${fmtKey(ctx, key)}: ${val}`;
    };
    const last = map.items[map.items.length - 1];
    if (!last) {
      const open = ctx.text.indexOf('{', r[0]);
      if (open < 0 || open >= r[1]) return undefined;
      return [{ span: { start: open + 1, end: open + 1 }, newText: entry('') }];
    }
    const e = pairEnd(last);
    if (e === undefined) return undefined;
    const next = skipBlank(ctx, e);
    const trailingComma = ctx.text[next] === ',';
    const firstKey = (map.items[0]!.key as Node | null)?.range?.[0] ?? r[0];
    const multiLine = !ctx.inline && lineStartOf(ctx.text, firstKey) !== lineStartOf(ctx.text, r[0]);
    if (multiLine) {
      const lastKey = (last.key as Node | null)?.range?.[0] ?? firstKey;
      const pad = indentOfLine(ctx.text, lastKey) + ' '.repeat(Math.max(0, col(ctx.text, lastKey) - indentOfLine(ctx.text, lastKey).length));
      if (trailingComma) return [{ span: { start: next + 1, end: next + 1 }, newText: `${ctx.eol}${pad}${entry(pad)},` }];
      return [{ span: { start: e, end: e }, newText: `,${ctx.eol}${pad}${entry(pad)}` }];
    }
    if (trailingComma) return [{ span: { start: next + 1, end: next + 1 }, newText: ` ${entry('')},` }];
    return [{ span: { start: e, end: e }, newText: `, ${entry('')}` }];
  }
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  const firstKey = (first?.key as Node | null)?.range?.[0];
  if (!last || firstKey === undefined) return undefined;
  const e = pairEnd(last);
  if (e === undefined) return undefined;
  const at = lastContentLineEnd(ctx.text, (last.key as Node | null)?.range?.[0] ?? firstKey, e);
  const lines = blockEntry(ctx, key, v, col(ctx.text, firstKey));
  return [{ span: { start: at, end: at }, newText: ctx.eol + joinLines(ctx, lines) }];
}

/** `key:` / `key: null` / `key: ~`: give it a value (nested mappings for the rest of the path). */
function fillEmptyValue(ctx: Ctx, parent: YAMLMap, pair: Pair, rest: readonly PathSegment[], value: EditValue): TextEdit[] | undefined {
  const kr = (pair.key as Node | null)?.range;
  if (!kr) return undefined;
  const v = nest(rest, value);
  const vn = pair.value as Node | null;
  const vr = vn?.range;
  const colon = ctx.text.indexOf(':', kr[1]);
  if (colon < 0) return undefined;
  const explicit = vr && vr[1] > vr[0] ? { start: vr[0], end: vr[1] } : undefined;
  if (parent.flow || ctx.json || ctx.inline || (!isObject(v) && !Array.isArray(v)) || (isObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0)) {
    const text = isObject(v) || Array.isArray(v) ? fmtFlow(ctx, v) : fmtScalar(ctx, v as string | number | boolean | null);
    if (explicit) return [{ span: explicit, newText: text }];
    return [{ span: { start: colon + 1, end: colon + 1 }, newText: ` ${text}` }];
  }
  const kc = col(ctx.text, kr[0]);
  const st = styleOf(ctx);
  const lines = isObject(v)
    ? Object.entries(v).flatMap(([k, x]) => blockEntry(ctx, k, x, kc + st.unit))
    : (v as readonly EditValue[]).flatMap((it) => blockItem(ctx, it, kc + st.seqIndent));
  const edits: TextEdit[] = [];
  let from = colon + 1;
  if (explicit) {
    // Drop ` null` / ` ~` with the spaces before it.
    let s = explicit.start;
    while (s > colon + 1 && ctx.text[s - 1] === ' ') s--;
    edits.push({ span: { start: s, end: explicit.end }, newText: '' });
    from = explicit.end;
  }
  const at = lineEndOf(ctx.text, from);
  edits.push({ span: { start: at, end: at }, newText: ctx.eol + joinLines(ctx, lines) });
  return edits;
}

function appendSeq(ctx: Ctx, seq: YAMLSeq, item: EditValue): TextEdit[] | undefined {
  const r = seq.range;
  if (!r) return undefined;
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (seq.flow || ctx.json) {
    if (!last?.range) {
      const open = ctx.text.indexOf('[', r[0]);
      return open < 0 ? undefined : [{ span: { start: open + 1, end: open + 1 }, newText: fmtFlow(ctx, item) }];
    }
    const e = last.range[1];
    const next = skipBlank(ctx, e);
    const trailingComma = ctx.text[next] === ',';
    const first = (seq.items[0] as Node).range?.[0] ?? e;
    const multiLine = !ctx.inline && lineStartOf(ctx.text, first) !== lineStartOf(ctx.text, r[0]);
    const pad = ' '.repeat(col(ctx.text, last.range[0]));
    const t = fmtFlow(ctx, item);
    if (multiLine) {
      if (trailingComma) return [{ span: { start: next + 1, end: next + 1 }, newText: `${ctx.eol}${pad}${t},` }];
      return [{ span: { start: e, end: e }, newText: `,${ctx.eol}${pad}${t}` }];
    }
    if (trailingComma) return [{ span: { start: next + 1, end: next + 1 }, newText: ` ${t},` }];
    return [{ span: { start: e, end: e }, newText: `, ${t}` }];
  }
  if (!last?.range) return undefined;
  const dash = dashBefore(ctx.text, last.range[0]);
  if (dash < 0) return undefined;
  const at = lastContentLineEnd(ctx.text, dash, last.range[1]);
  return [{ span: { start: at, end: at }, newText: ctx.eol + joinLines(ctx, blockItem(ctx, item, col(ctx.text, dash))) }];
}
