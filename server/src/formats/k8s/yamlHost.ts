import { Composer, Parser, YAMLParseError, isAlias, isMap, isScalar, isSeq, type CST, type Document, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Span } from '../../core/span';
import { jsonCut } from './jsonCut';
import { MAX_YAML_ERRORS, cstLimitExceeded, flowDepthExceeds, MAX_YAML_DEPTH } from './yamlLimits';

/**
 * Shared YAML plumbing for the Kubernetes reader and the edit helpers: one set of parser options
 * (YAML 1.1 like the Go decoders, source tokens kept for exact positions), template
 * neutralisation, and the mapping of a scalar's content back to the characters of its host text.
 */

export type YamlDoc = Document.Parsed;

/** Options shared by the parser and the edit helpers so both see the same documents. */
export const YAML_OPTIONS = {
  version: '1.1',
  keepSourceTokens: true,
  prettyErrors: false,
  // Duplicate keys are found by `reportDuplicateKeys` with a set: the library compares each key
  // with every earlier one (100,000 keys in one mapping took minutes).
  uniqueKeys: false,
  logLevel: 'silent',
  strict: false,
} as const;

/** Options for embedded JSON (YAML 1.2 flow is a superset of JSON; ranges give positions). */
export const JSON_OPTIONS = { ...YAML_OPTIONS, version: '1.2', schema: 'core' } as const;

/**
 * Above this many characters only a prefix is read (cut at a document boundary): the YAML library
 * reads about 1 MB/s and needs ~100 bytes of heap per input byte, and manifests are kilobytes.
 */
export const MAX_YAML_CHARS = 2 * 1024 * 1024;

/** A `{{ }}`, `{% %}` or `{# #}` template region on one line. */
export interface TemplateRegion {
  readonly start: number;
  readonly end: number;
  /** The whole line holds nothing but template regions (a block-level directive). */
  readonly standalone: boolean;
}

export interface HostParse {
  readonly docs: readonly YamlDoc[];
  /** Template regions found in the text (values overlapping them are marked `templated`). */
  readonly templates: readonly TemplateRegion[];
  /** The raw text had YAML errors and was parsed again with the template markers blanked out. */
  readonly neutralised: boolean;
  /** How many characters were parsed (less than the text length for huge inputs). */
  readonly parsedLength: number;
  /** Set when the YAML library gave up (e.g. pathological nesting): the message. */
  readonly failure?: string;
  /** A JSON text too large to read whole was cut after a List item (`jsonCut`), not at a document boundary. */
  readonly jsonItems: boolean;
}

/**
 * Parses a host file into its documents. When the raw text has YAML errors and contains template
 * markers, the markers are blanked out (same length, so every offset stays valid) and the text
 * is parsed again: a Helm/Jinja/Salt file then still yields its documents.
 */
export function parseHost(text: string): HostParse {
  let parsedLength = text.length;
  let source = text;
  let jsonItems = false;
  if (text.length > MAX_YAML_CHARS) {
    const json = jsonCut(text, MAX_YAML_CHARS);
    if (json) {
      // kubectl JSON: cut after the last whole List item, the open brackets closed after it.
      parsedLength = json.cut;
      source = text.slice(0, json.cut) + json.closers;
      jsonItems = true;
    } else {
      const cut = text.lastIndexOf('\n---', MAX_YAML_CHARS);
      parsedLength = cut > 0 ? cut + 1 : MAX_YAML_CHARS;
      source = text.slice(0, parsedLength);
    }
  }
  const first = safeParseAll(source, YAML_OPTIONS);
  if (first.failure !== undefined) return { docs: [], templates: [], parsedLength, neutralised: false, failure: first.failure, jsonItems };
  const templates = /\{[{%#]/.test(source) ? findTemplateRegions(source) : [];
  const hasErrors = first.docs.some((d) => d.errors.length > 0);
  if (!hasErrors || templates.length === 0) return { docs: first.docs, templates, parsedLength, neutralised: false, jsonItems };
  const second = safeParseAll(neutraliseTemplates(source, templates), YAML_OPTIONS);
  if (second.failure !== undefined) return { docs: first.docs, templates, parsedLength, neutralised: false, jsonItems };
  return { docs: second.docs, templates, parsedLength, neutralised: true, jsonItems };
}

export function safeParseAll(
  text: string,
  options: typeof YAML_OPTIONS | typeof JSON_OPTIONS,
): { docs: YamlDoc[]; failure?: string } {
  // Limits first (see yamlLimits.ts): the library recurses per nesting level and costs ~600 bytes a node.
  if (flowDepthExceeds(text)) return { docs: [], failure: `the YAML nests brackets deeper than ${MAX_YAML_DEPTH} levels; it was not read` };
  try {
    const tokens: CST.Token[] = Array.from(new Parser().parse(text));
    const refused = cstLimitExceeded(tokens);
    if (refused) return { docs: [], failure: `${refused}; it was not read` };
    const docs = Array.from(new Composer(options).compose(tokens)) as YamlDoc[];
    for (const doc of docs) {
      reportDuplicateKeys(doc);
      capErrors(doc);
    }
    return { docs };
  } catch (e) {
    return { docs: [], failure: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The library's `uniqueKeys` check, with one set per mapping instead of a comparison with every
 * earlier key: scalar keys equal in value (and type) are duplicates; the error sits on the repeat.
 */
function reportDuplicateKeys(doc: YamlDoc): void {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const id = typeof key.value === 'string' ? `s:${key.value}` : key.value;
          if (seen.has(id)) {
            const at = key.range?.[0] ?? 0;
            doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
          } else seen.add(id);
        } else if (key) stack.push(key);
        if (pair.value) stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
}

/** Keeps the first MAX_YAML_ERRORS errors and says how many more there were (on the last kept one's place). */
function capErrors(doc: YamlDoc): void {
  const extra = doc.errors.length - MAX_YAML_ERRORS;
  if (extra <= 0) return;
  const last = doc.errors[MAX_YAML_ERRORS - 1]!;
  doc.errors.length = MAX_YAML_ERRORS;
  doc.errors.push(new YAMLParseError(last.pos, 'RESOURCE_EXHAUSTION', `${extra} more YAML errors in this document are not listed`));
}

/** Linear scan for template regions; a region never spans lines (unclosed ones end at the line end). */
export function findTemplateRegions(text: string): TemplateRegion[] {
  const out: TemplateRegion[] = [];
  let lineStart = 0;
  const n = text.length;
  while (lineStart <= n) {
    let lineEnd = lineStart;
    while (lineEnd < n && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
    const regions: { start: number; end: number }[] = [];
    let i = lineStart;
    while (i < lineEnd - 1) {
      if (text.charCodeAt(i) === 123 /* { */) {
        const c2 = text[i + 1];
        const close = c2 === '{' ? '}}' : c2 === '%' ? '%}' : c2 === '#' ? '#}' : undefined;
        if (close) {
          const j = text.indexOf(close, i + 2);
          const end = j < 0 || j + 2 > lineEnd ? lineEnd : j + 2;
          regions.push({ start: i, end });
          i = end;
          continue;
        }
      }
      i++;
    }
    if (regions.length > 0) {
      let rest = '';
      let p = lineStart;
      for (const r of regions) {
        rest += text.slice(p, r.start);
        p = r.end;
      }
      rest += text.slice(p, lineEnd);
      const standalone = rest.trim() === '';
      for (const r of regions) out.push({ ...r, standalone });
    }
    if (lineEnd >= n) break;
    lineStart = text.charCodeAt(lineEnd) === 13 && text.charCodeAt(lineEnd + 1) === 10 ? lineEnd + 2 : lineEnd + 1;
  }
  return out;
}

/**
 * Replaces template regions by same-length filler: a line holding only template directives
 * becomes a comment (`#` then spaces), an inline expression becomes `_` characters (a plain
 * scalar), so the YAML around them parses and all offsets are unchanged.
 */
export function neutraliseTemplates(text: string, regions: readonly TemplateRegion[]): string {
  let out = '';
  let p = 0;
  let lastLineCommented = -1;
  for (const r of regions) {
    out += text.slice(p, r.start);
    const len = r.end - r.start;
    if (r.standalone) {
      // Only the first region of a standalone line opens the comment; the rest is blanked.
      const lineStart = lineStartOf(text, r.start);
      if (lastLineCommented !== lineStart) {
        out += '#' + ' '.repeat(len - 1);
        lastLineCommented = lineStart;
      } else out += ' '.repeat(len);
    } else out += '_'.repeat(len);
    p = r.end;
  }
  return out + text.slice(p);
}

export function lineStartOf(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

export function lineEndOf(text: string, offset: number): number {
  let i = Math.max(0, offset);
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

/** The file's line break: the first one found, LF when there is none. */
export function detectEol(text: string): string {
  const i = text.search(/\r\n|\n|\r/);
  if (i < 0) return '\n';
  return text.startsWith('\r\n', i) ? '\r\n' : text[i] === '\r' ? '\r' : '\n';
}

// ---------------------------------------------------------------------------------------------
// Node helpers

export function resolveNode(doc: YamlDoc, node: unknown, depth = 0): Node | undefined {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) {
    if (depth > 8) return undefined;
    try {
      return resolveNode(doc, node.resolve(doc), depth + 1);
    } catch {
      return undefined;
    }
  }
  return node as Node;
}

export function keyText(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k)) return k.value === null || k.value === undefined ? '' : String(k.value);
  return undefined;
}

export function findPair(map: YAMLMap, key: string): Pair | undefined {
  let found: Pair | undefined;
  for (const item of map.items) if (keyText(item) === key) found = item;
  return found;
}

export function asMap(node: Node | undefined): YAMLMap | undefined {
  return node && isMap(node) ? node : undefined;
}

export function asSeq(node: Node | undefined): YAMLSeq | undefined {
  return node && isSeq(node) ? node : undefined;
}

export function asScalar(node: Node | undefined): Scalar | undefined {
  return node && isScalar(node) ? node : undefined;
}

/** The node's value range [start, valueEnd) (without trailing comments). */
export function nodeRange(node: Node | null | undefined): Span | undefined {
  const r = node?.range;
  if (!r) return undefined;
  return { start: r[0], end: r[1] };
}

// ---------------------------------------------------------------------------------------------
// Content of a scalar mapped back to its host text

/** A run of content characters that sit verbatim in the host text. */
export interface Segment {
  readonly local: number;
  readonly host: number;
  readonly length: number;
  /**
   * Set on an escape of a double-quoted scalar (`\n`, `\"`, `\u00e9`): one content character
   * (two for `\U` beyond U+FFFF) written as this many host characters.
   */
  readonly escape?: number;
}

/** How many host characters a segment covers. */
export const hostLength = (s: Segment): number => s.escape ?? s.length;

export interface ScalarContent {
  /** The scalar's value as the YAML library decoded it. */
  readonly content: string;
  /** True when every content character maps 1:1 to a host character (line breaks aside). */
  readonly exact: boolean;
  /** Content runs in order; empty when not exact. */
  readonly segments: readonly Segment[];
  /** The whole scalar in the host text (used for every position when not exact). */
  readonly span: Span;
  /** Column (in characters) where content lines start in the host (block scalars). */
  readonly indent: number;
  readonly kind: 'block' | 'quoted' | 'plain';
}

/**
 * Works out where each character of a scalar's value sits in the host text. Literal block
 * scalars (`|`, `|-`, `|+`, `|2`) map line by line, offset by the block indentation; single-line
 * plain and quoted scalars without escapes map 1:1. Anything else (folded lines, escapes,
 * multi-line flow scalars) is not 1:1: `exact` is false and callers use the whole scalar span.
 * Every computed mapping is checked against the library's decoded value before it is trusted.
 */
/**
 * Per scalar, its content mapping (pure in the text and the node): a kube-proxy command of 200,000
 * flags asks for every flag's span, and re-slicing the scalar for each was quadratic (11 s).
 */
const contentCache = new WeakMap<Scalar, { readonly text: string; readonly escapes: boolean; readonly content: ScalarContent }>();

/**
 * `escapes`: map a one-line double-quoted scalar's escapes too (see `escapedContent`). Asked for in
 * JSON documents (`isJsonDocument`), where every embedded config is such a string; a YAML file's
 * double-quoted config keeps the whole-scalar fallback it always had.
 */
export function scalarContent(text: string, scalar: Scalar, escapes = false): ScalarContent {
  const hit = contentCache.get(scalar);
  if (hit && hit.text === text && hit.escapes === escapes) return hit.content;
  const content = computeScalarContent(text, scalar, escapes);
  contentCache.set(scalar, { text, escapes, content });
  return content;
}

const jsonDocs = new WeakMap<YamlDoc, boolean>();

/**
 * A document written as JSON (`kubectl get ... -o json`): its root is a flow collection whose text
 * JSON.parse accepts. A flow-style YAML document (unquoted keys, trailing commas) is not one.
 */
export function isJsonDocument(text: string, doc: YamlDoc): boolean {
  const hit = jsonDocs.get(doc);
  if (hit !== undefined) return hit;
  const root = resolveNode(doc, doc.contents);
  const r = root?.range;
  const json = !!r && (isMap(root) || isSeq(root)) && root.flow === true && parsesAsJson(text.slice(r[0], r[1]));
  jsonDocs.set(doc, json);
  return json;
}

export function parsesAsJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

function computeScalarContent(text: string, scalar: Scalar, escapes: boolean): ScalarContent {
  const content = typeof scalar.value === 'string' ? scalar.value : String(scalar.value ?? '');
  const r = scalar.range ?? [0, 0, 0];
  const span = { start: r[0], end: r[1] };
  const inexact = (kind: ScalarContent['kind']): ScalarContent => ({ content, exact: false, segments: [], span, indent: 0, kind });
  const type = scalar.type;
  if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') return blockContent(text, scalar, content, span) ?? inexact('block');
  const raw = text.slice(r[0], r[1]);
  if (type === 'QUOTE_SINGLE' || type === 'QUOTE_DOUBLE') {
    const inner = raw.slice(1, -1);
    if (raw.length >= 2 && inner === content) {
      return { content, exact: true, segments: [{ local: 0, host: r[0] + 1, length: inner.length }], span, indent: 0, kind: 'quoted' };
    }
    const escaped = escapes && type === 'QUOTE_DOUBLE' && raw.length >= 2 ? escapedContent(inner, r[0] + 1, content) : undefined;
    return escaped ? { content, exact: true, segments: escaped, span, indent: 0, kind: 'quoted' } : inexact('quoted');
  }
  if (raw === content) return { content, exact: true, segments: [{ local: 0, host: r[0], length: raw.length }], span, indent: 0, kind: 'plain' };
  return inexact('plain');
}

/** What a one-character escape of a double-quoted scalar stands for (YAML 1.2 §5.7; JSON's are a subset). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * The runs of a one-line double-quoted scalar (`inner`: its text between the quotes, starting at
 * host offset `host`) that sit verbatim in the host, around its escapes. `kubectl get cm -o json`
 * writes an embedded kube-proxy config as one JSON string with `\n` escapes: with these runs its
 * keys and values keep their own spans, and an edit lands between the right characters. An escape
 * is a segment of its own (`escape`: its host length). Undefined for anything
 * else (a line break in the source folds lines; an escaped line break joins them), or when the
 * decoding does not give the library's value.
 */
function escapedContent(inner: string, host: number, content: string): Segment[] | undefined {
  if (/[\r\n]/.test(inner)) return undefined;
  const segments: Segment[] = [];
  let built = '';
  let runStart = 0;
  let i = 0;
  const flush = (end: number): void => {
    if (end > runStart) {
      segments.push({ local: built.length, host: host + runStart, length: end - runStart });
      built += inner.slice(runStart, end);
    }
  };
  while (i < inner.length) {
    if (inner.charCodeAt(i) !== 92 /* \ */) {
      i++;
      continue;
    }
    flush(i);
    const c = inner[i + 1];
    if (c === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[c];
    const digits = HEX_ESCAPES[c];
    let decoded: string;
    let size: number;
    if (simple !== undefined) {
      decoded = simple;
      size = 2;
    } else if (digits !== undefined) {
      const hex = inner.slice(i + 2, i + 2 + digits);
      if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      // \u escapes are UTF-16 code units (JSON writes astral characters as surrogate pairs).
      decoded = c === 'U' ? String.fromCodePoint(code) : String.fromCharCode(code);
      size = 2 + digits;
    } else return undefined;
    segments.push({ local: built.length, host: host + i, length: decoded.length, escape: size });
    built += decoded;
    i += size;
    runStart = i;
  }
  flush(inner.length);
  return built === content ? segments : undefined;
}

interface BlockToken {
  type: string;
  offset: number;
  indent: number;
  source: string;
  props?: { type: string; offset: number; source: string }[];
}

function blockContent(text: string, scalar: Scalar, content: string, span: Span): ScalarContent | undefined {
  const tok = (scalar as unknown as { srcToken?: BlockToken }).srcToken;
  if (!tok || tok.type !== 'block-scalar' || !tok.props) return undefined;
  const header = tok.props.find((p) => p.type === 'block-scalar-header')?.source ?? '';
  const last = tok.props[tok.props.length - 1];
  if (!last) return undefined;
  const start = last.offset + last.source.length;
  const m = /^[|>]([-+]?)(\d?)([-+]?)/.exec(header);
  const chomp = (m?.[1] || m?.[3] || '') as '' | '-' | '+';
  const explicit = m?.[2] ? Number(m[2]) : 0;
  const end = Math.min(text.length, start + tok.source.length);
  // Split the block's source lines.
  const lines: { start: number; end: number }[] = [];
  let p = start;
  while (p < end) {
    let e = p;
    while (e < end && text.charCodeAt(e) !== 10 && text.charCodeAt(e) !== 13) e++;
    lines.push({ start: p, end: e });
    if (e >= end) break;
    p = text.charCodeAt(e) === 13 && text.charCodeAt(e + 1) === 10 ? e + 2 : e + 1;
  }
  let indent: number;
  if (explicit > 0) indent = Math.max(0, tok.indent) + explicit;
  else {
    indent = 0;
    for (const l of lines) {
      let k = 0;
      while (l.start + k < l.end && text.charCodeAt(l.start + k) === 32) k++;
      if (l.start + k < l.end) {
        indent = k;
        break;
      }
    }
  }
  const segments: Segment[] = [];
  let built = '';
  for (const l of lines) {
    const len = l.end - l.start;
    if (len <= indent) {
      if (text.slice(l.start, l.end).trim() !== '') return undefined;
      segments.push({ local: built.length, host: l.start + len, length: 0 });
      built += '\n';
      continue;
    }
    segments.push({ local: built.length, host: l.start + indent, length: len - indent });
    built += text.slice(l.start + indent, l.end) + '\n';
  }
  if (chomp === '-') built = built.replace(/\n+$/, '');
  else if (chomp === '') built = built.replace(/\n+$/, '') + (built.trim() === '' ? '' : '\n');
  if (built !== content && !(chomp === '' && built.replace(/\n+$/, '') === content.replace(/\n+$/, ''))) return undefined;
  return { content, exact: true, segments, span, indent, kind: 'block' };
}

/** Maps a content offset to the host (`end` prefers the end of the previous line at line starts). */
export function mapOffset(c: ScalarContent, offset: number, end = false): number {
  if (!c.exact || c.segments.length === 0) return end ? c.span.end : c.span.start;
  const segs = c.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid]!.local <= offset) lo = mid;
    else hi = mid - 1;
  }
  const s = segs[lo]!;
  if (end && lo > 0 && offset === s.local) {
    const prev = segs[lo - 1]!;
    return prev.host + hostLength(prev);
  }
  const into = Math.max(0, offset - s.local);
  // Past a segment's end (a line break of a block scalar, or the end of an escape): after its host characters.
  return into >= s.length ? s.host + hostLength(s) : s.host + into;
}
