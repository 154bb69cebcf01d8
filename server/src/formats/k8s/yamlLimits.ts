import type { CST } from 'yaml';

/**
 * What the YAML library is not handed. Its composer recurses once per nesting level (a stack
 * overflow near 900 levels, and a V8 fatal error, exit 134, on a 6,000-level embedded JSON), and
 * keeps ~600 bytes per node (a one-line annotation of a million `"` became 500,000 nodes and as
 * many errors). Manifests nest about 20 levels (CRD schemas about 40) and a 2 MB manifest holds
 * under 200,000 nodes, so these limits refuse only hostile text, with a message saying which.
 */
export const MAX_YAML_DEPTH = 100;
export const MAX_YAML_NODES = 500_000;
/** YAML errors reported per document; a document with more is not YAML worth listing them for. */
export const MAX_YAML_ERRORS = 100;

/** A block scalar header ends its line: `key: |`, `- >-`, `|2+ # comment`. Tested on the line's last 80 characters. */
const BLOCK_HEADER = /(?:^|[\s:-])[|>][-+0-9]{0,3}[ \t]*(?:#.*)?$/;

/**
 * Deepest `[` / `{` nesting outside quotes, comments and block scalars, stopping once above `max`
 * (linear). Run before the library: a million `[` costs it seconds and a gigabyte before any
 * depth check on its output could run. Block scalar content is skipped here (an embedded JSON
 * config is checked when it is read as a document of its own).
 */
export function flowDepthExceeds(text: string, max = MAX_YAML_DEPTH): boolean {
  let depth = 0;
  const n = text.length;
  /** Indentation of the line that opened a block scalar (its content is more indented), or -1. */
  let blockParent = -1;
  let lineStart = 0;
  while (lineStart < n) {
    let lineEnd = lineStart;
    while (lineEnd < n && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
    let indent = 0;
    while (lineStart + indent < lineEnd && text.charCodeAt(lineStart + indent) === 32) indent++;
    const blank = lineStart + indent === lineEnd;
    if (blockParent >= 0 && (blank || indent > blockParent)) {
      lineStart = lineEnd + 1;
      continue;
    }
    blockParent = -1;
    if (text.startsWith('---', lineStart)) depth = 0; // a new document closes what the last one left open
    let i = lineStart + indent;
    for (; i < lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === 91 /* [ */ || c === 123 /* { */) {
        if (++depth > max) return true;
      } else if (c === 93 /* ] */ || c === 125 /* } */) {
        if (depth > 0) depth--;
      } else if (c === 34 /* " */) {
        // A double-quoted scalar may span lines; `\"` does not close it.
        i++;
        while (i < n && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
        if (i > lineEnd) lineEnd = Math.min(n, lineEndAt(text, i));
      } else if (c === 39 /* ' */) {
        // `''` inside is an escaped quote: the loop simply closes and reopens.
        i++;
        while (i < n && text.charCodeAt(i) !== 39) i++;
        if (i > lineEnd) lineEnd = Math.min(n, lineEndAt(text, i));
      } else if (c === 35 /* # */ && (i === lineStart || isBlank(text.charCodeAt(i - 1)))) {
        break;
      }
    }
    if (depth === 0 && BLOCK_HEADER.test(text.slice(Math.max(lineStart, lineEnd - 80), lineEnd))) blockParent = indent;
    lineStart = lineEnd + 1;
  }
  return false;
}

function lineEndAt(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

const isBlank = (c: number): boolean => c === 32 || c === 9;

/** Source tokens that are values: in a valid stream they are a collection's keys and values, never in `start` / `sep` / `end`. */
const VALUE_TOKENS: ReadonlySet<string> = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'alias', 'block-scalar', 'flow-collection', 'block-map', 'block-seq']);

/** Misplaced values (the stray `""` after `a: ""`) allowed before the text is taken for junk, not YAML. */
export const MAX_STRAY_TOKENS = 1000;

const strays = (list: readonly { readonly type: string }[] | undefined): number => {
  let n = 0;
  if (list) for (const t of list) if (VALUE_TOKENS.has(t.type)) n++;
  return n;
};

/**
 * Why a token stream is refused, or undefined: nesting deeper than `maxDepth` collections, more
 * than `maxNodes` nodes, or more than MAX_STRAY_TOKENS values where none belong (each costs the
 * composer a node and an error). Counted with an explicit stack, never recursion.
 */
export function cstLimitExceeded(tokens: readonly CST.Token[], maxDepth = MAX_YAML_DEPTH, maxNodes = MAX_YAML_NODES): string | undefined {
  const stack: { token: CST.Token; depth: number }[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) stack.push({ token: tokens[i]!, depth: 0 });
  let nodes = 0;
  let stray = 0;
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (++nodes > maxNodes) return `the file has more than ${maxNodes} YAML nodes`;
    if ('end' in token && Array.isArray(token.end)) stray += strays(token.end);
    switch (token.type) {
      case 'document':
        stray += strays(token.start);
        if (token.value) stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > maxDepth) return `the YAML nests deeper than ${maxDepth} levels`;
        for (const item of token.items) {
          stray += strays(item.start) + strays(item.sep);
          if (item.key) stack.push({ token: item.key, depth: depth + 1 });
          if (item.value) stack.push({ token: item.value, depth: depth + 1 });
        }
        break;
      }
      default:
        break;
    }
    if (stray > MAX_STRAY_TOKENS) return `more than ${MAX_STRAY_TOKENS} values stand where YAML allows none, so this is not YAML`;
  }
  return undefined;
}
