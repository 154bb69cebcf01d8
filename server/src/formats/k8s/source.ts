import { isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { ParseProblem } from '../../core/problem';
import type { Span } from '../../core/span';
import type { Absent, Field, PathSegment, Present, Value, YamlRef } from './model';
import { asMap, findPair, isJsonDocument, keyText, mapOffset, resolveNode, type ScalarContent, type TemplateRegion, type YamlDoc } from './yamlHost';

/**
 * A YAML document being read, together with how its offsets map to the file the user sees. For
 * the file itself the mapping is the identity; for a document embedded in a block scalar it goes
 * through the scalar's content mapping (and, when that is not 1:1, to the whole scalar).
 */
export interface Source {
  /** The text the document's ranges index into, with template markers as written. */
  readonly text: string;
  readonly doc: YamlDoc;
  /** Offsets of this text → offsets of the host file. */
  readonly hostSpan: (local: Span) => Span;
  readonly exact: boolean;
  readonly embedded: boolean;
  /** Builds the ref of a node at `path` in this document. */
  readonly refAt: (path: readonly PathSegment[]) => YamlRef;
  readonly templates: readonly TemplateRegion[];
  readonly problems: ParseProblem[];
  readonly depth: number;
  /** The file's document is JSON: double-quoted strings' escapes are mapped (yamlHost `scalarContent`). */
  readonly escapes: boolean;
}

export function hostSource(
  text: string,
  doc: YamlDoc,
  index: number,
  templates: readonly TemplateRegion[],
  problems: ParseProblem[],
): Source {
  return {
    text,
    doc,
    hostSpan: (s) => ({ start: s.start, end: s.end }),
    exact: true,
    embedded: false,
    refAt: (path) => ({ doc: index, path: [...path] }),
    templates,
    problems,
    depth: 0,
    escapes: isJsonDocument(text, doc),
  };
}

/** Sets `inner` on the innermost ref of a chain. */
export function nestRef(ref: YamlRef, inner: YamlRef & { readonly format: 'yaml' | 'json' }): YamlRef {
  if (ref.inner) return { ...ref, inner: { ...nestRef(ref.inner, inner), format: ref.inner.format } };
  return { ...ref, inner };
}

/** A source for document `index` of the stream embedded in `content` (a scalar of `parent`). */
export function embeddedSource(
  parent: Source,
  content: ScalarContent,
  originalContent: string,
  doc: YamlDoc,
  index: number,
  scalarRef: YamlRef,
  format: 'yaml' | 'json',
): Source {
  const whole = parent.hostSpan(content.span);
  const exact = parent.exact && content.exact;
  return {
    text: originalContent,
    doc,
    hostSpan: (s) => {
      if (!exact) return whole;
      const a = mapOffset(content, s.start);
      const b = s.end === s.start ? a : Math.max(a, mapOffset(content, s.end, true));
      return parent.hostSpan({ start: a, end: b });
    },
    exact,
    embedded: true,
    refAt: (path) => nestRef(scalarRef, { doc: index, path: [...path], format }),
    templates: parent.templates,
    problems: parent.problems,
    depth: parent.depth + 1,
    escapes: parent.escapes,
  };
}

/** Content rebuilt from the original text (the library decoded the template-neutralised one). */
export function originalContent(text: string, c: ScalarContent): string {
  if (!c.exact || c.segments.length === 0) return c.content;
  let out = '';
  let local = 0;
  for (const s of c.segments) {
    if (s.local > local) out += c.content.slice(local, s.local);
    // An escape's character is the decoded one; a verbatim run is read again from the (original) text.
    out += s.escape !== undefined ? c.content.slice(s.local, s.local + s.length) : text.slice(s.host, s.host + s.length);
    local = s.local + s.length;
  }
  return out + c.content.slice(local);
}

// ---------------------------------------------------------------------------------------------
// Reading values

export function localRange(node: Node | null | undefined): Span | undefined {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

export function spanOf(src: Source, node: Node | null | undefined, fallback: Span): Span {
  const r = localRange(node);
  if (!r) return fallback;
  // Block collections end after their last line break; spans stop at the last character.
  let end = r.end;
  if (!isScalar(node)) while (end > r.start && /\s/.test(src.text[end - 1] ?? '')) end--;
  return src.hostSpan({ start: r.start, end });
}

export function keySpan(src: Source, pair: Pair, fallback: Span): Span {
  return spanOf(src, pair.key as Node | null, fallback);
}

function isTemplatedSpan(src: Source, s: Span): boolean {
  const t = src.templates;
  if (t.length === 0) return false;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid]!.end <= s.start) lo = mid + 1;
    else hi = mid;
  }
  const r = t[lo];
  return r !== undefined && r.start < Math.max(s.end, s.start + 1);
}

function unquote(raw: string): string {
  if (raw.length >= 2 && ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'")))) return raw.slice(1, -1);
  return raw;
}

export function makeValue<T>(src: Source, node: Scalar, value: T): Value<T> {
  const r = localRange(node) ?? { start: 0, end: 0 };
  const raw = src.text.slice(r.start, r.end);
  const span = src.hostSpan(r);
  return { value, span, raw };
}

export type Kind = 'string' | 'int' | 'bool' | 'duration' | 'intOrString';
type KindType<K extends Kind> = K extends 'string' ? string : K extends 'bool' ? boolean : K extends 'intOrString' ? number | string : number;

const KIND_WORDS: Record<Kind, string> = {
  string: 'a string',
  int: 'an integer',
  bool: 'true or false',
  duration: 'a duration such as "30s" or "1h0m0s"',
  intOrString: 'a number or a name',
};

/**
 * Reads a scalar as the Go decoders would for a field of that type. Returns undefined for null.
 * A template-bearing value is kept as its raw text for string fields and skipped otherwise.
 */
export function readScalar<K extends Kind>(src: Source, node: Node | undefined, kind: K, what: string): Value<KindType<K>> | undefined {
  if (!node) return undefined;
  if (!isScalar(node)) {
    const span = spanOf(src, node, { start: 0, end: 0 });
    src.problems.push({ code: 'parse/k8s-type', message: `${what} must be ${KIND_WORDS[kind]}, not a ${isSeq(node) ? 'list' : 'mapping'}`, span });
    return undefined;
  }
  const v = node.value;
  const base = makeValue(src, node, v);
  if (isTemplatedSpan(src, base.span) && src.exact) {
    if (kind !== 'string' && kind !== 'intOrString') return undefined;
    return { ...base, value: unquote(base.raw) as KindType<K>, templated: true };
  }
  if (v === null || v === undefined) return undefined;
  const bad = (detail: string): undefined => {
    src.problems.push({ code: 'parse/k8s-type', message: `${what} must be ${KIND_WORDS[kind]}; ${detail}`, span: base.span });
    return undefined;
  };
  const ok = (value: KindType<K>): Value<KindType<K>> => ({ ...base, value });
  switch (kind) {
    case 'string':
      // sigs.k8s.io/yaml hands a string field the scalar's text even when YAML typed it (`on`, `1`).
      if (typeof v === 'string') return ok(v as KindType<K>);
      if (typeof v === 'number' || typeof v === 'boolean') return ok(unquote(base.raw) as KindType<K>);
      return bad(`found ${typeof v}`);
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return ok(v as KindType<K>);
      if (typeof v === 'string') return bad(`${base.raw} is a quoted string, which the API server rejects; write the number without quotes`);
      return bad(`found ${base.raw}`);
    case 'intOrString':
      if (typeof v === 'number' && Number.isInteger(v)) return ok(v as KindType<K>);
      if (typeof v === 'string') return ok(v as KindType<K>);
      return bad(`found ${base.raw}`);
    case 'bool':
      if (typeof v === 'boolean') return ok(v as KindType<K>);
      if (typeof v === 'string') return bad(`${base.raw} is a string; write true or false without quotes`);
      return bad(`found ${base.raw}`);
    case 'duration': {
      if (typeof v !== 'string') return bad(`${base.raw} has no unit; Go durations are strings like "${base.raw}s"`);
      const secs = parseGoDuration(v);
      if (secs === undefined) return bad(`"${v}" is not a Go duration (units ns, us, ms, s, m, h; e.g. "1h30m")`);
      return ok(secs as KindType<K>);
    }
  }
  return undefined;
}

/** Go's time.ParseDuration, in seconds. */
export function parseGoDuration(s: string): number | undefined {
  const t = s.trim();
  if (t === '0' || t === '-0' || t === '+0') return 0;
  const m = /^([-+]?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(t);
  if (!m) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
  for (let x = re.exec(m[2]!); x; x = re.exec(m[2]!)) total += Number(x[1]) * unit[x[2]!]!;
  return m[1] === '-' ? -total : total;
}

// ---------------------------------------------------------------------------------------------
// Mappings with an anchor for absent fields

/** A mapping (maybe missing) and where a fix for a missing field would go. */
export interface Obj {
  readonly src: Source;
  readonly map?: YAMLMap;
  /** The mapping's key (or the nearest existing ancestor's). */
  readonly anchor: Span;
  readonly path: readonly PathSegment[];
  /** Dotted path for messages. */
  readonly name: string;
  /** Look keys up case-insensitively (encoding/json does, for flannel's net-conf.json). */
  readonly caseInsensitive?: boolean;
}

export function pairOf(o: Obj, key: string): Pair | undefined {
  if (!o.map) return undefined;
  const exact = findPair(o.map, key);
  if (exact || !o.caseInsensitive) return exact;
  const lower = key.toLowerCase();
  let found: Pair | undefined;
  for (const p of o.map.items) if (keyText(p)?.toLowerCase() === lower) found = p;
  return found;
}

export function nodeOf(o: Obj, key: string): Node | undefined {
  const p = pairOf(o, key);
  return p ? resolveNode(o.src.doc, p.value) : undefined;
}

export function sub(o: Obj, key: string): Obj {
  const p = pairOf(o, key);
  const node = p ? resolveNode(o.src.doc, p.value) : undefined;
  const map = asMap(node);
  return {
    src: o.src,
    ...(map ? { map } : {}),
    anchor: p ? keySpan(o.src, p, o.anchor) : o.anchor,
    path: [...o.path, p ? (keyText(p) ?? key) : key],
    name: o.name ? `${o.name}.${key}` : key,
    ...(o.caseInsensitive ? { caseInsensitive: true } : {}),
  };
}

export function field<K extends Kind>(o: Obj, key: string, kind: K): Field<KindType<K>> {
  const p = pairOf(o, key);
  if (!p) return absent(o.anchor);
  const ks = keySpan(o.src, p, o.anchor);
  const v = readScalar(o.src, resolveNode(o.src.doc, p.value), kind, o.name ? `${o.name}.${key}` : key);
  if (!v) return absent(ks);
  const present: Present<KindType<K>> = { present: true, keySpan: ks, ...v };
  return present;
}

export function absent(span: Span): Absent {
  return { present: false, span };
}

export function value<K extends Kind>(o: Obj, key: string, kind: K): Value<KindType<K>> | undefined {
  const f = field(o, key, kind);
  if (!f.present) return undefined;
  const { value: v, span, raw } = f;
  return { value: v, span, raw, ...(f.templated ? { templated: true as const } : {}) };
}
