// Shared helpers for the grammar builders. The JSON files in syntaxes/ are what VS Code loads;
// they are GENERATED from these scripts: edit here, then run `node syntaxes/build/build.mjs`.
import { writeFileSync } from 'node:fs';

export const R = String.raw;

/** Appends `.lang` to every scope of every name/contentName (space-separated lists too). */
export function suffix(node, lang) {
  if (Array.isArray(node)) return node.map((n) => suffix(n, lang));
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if ((k === 'name' || k === 'contentName') && typeof v === 'string') {
      out[k] = v.split(' ').map((s) => `${s}.${lang}`).join(' ');
    } else out[k] = suffix(v, lang);
  }
  return out;
}

export function emit(path, grammar, lang) {
  const g = { ...grammar, repository: suffix(grammar.repository, lang), patterns: suffix(grammar.patterns, lang) };
  writeFileSync(path, JSON.stringify(g, null, 2) + '\n');
}

/** Address / number pieces shared by several grammars (names get the language suffix later). */
export const ipv4 = R`\d{1,3}(?:\.\d{1,3}){3}`;
export const ipv4Prefix = R`${ipv4}(?:/(?:${ipv4}|\d{1,2}))?`;
/** IPv6 token: only hex digits, colons and dots, at least two colons; possessive, so linear. */
export const ipv6Token = R`(?=[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:)[0-9A-Fa-f:.]++`;

/** Number of capturing groups in a regex source (ignores escapes, classes, (?:, (?=, (?<!, (?<name> counts). */
export function countGroups(re) {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; if (re[i + 1] === '^') i++; if (re[i + 1] === ']') i++; continue; }
    if (c === '(') {
      if (re[i + 1] !== '?') n++;
      else if (re[i + 2] === '<' && re[i + 3] !== '=' && re[i + 3] !== '!') n++;
    }
  }
  return n;
}

/**
 * Merges alternatives into ONE regex (fewer regexes per scanner = much faster tokenizing; at one
 * position the first alternative wins, exactly like pattern order). Each part: { re, name?, captures? };
 * a part with `name` is wrapped in a capture group carrying that scope.
 */
export function alt(parts, prefix = '') {
  const sources = [];
  const captures = {};
  let offset = 0;
  for (const p of parts) {
    let re = p.re;
    let caps = p.captures ?? {};
    if (p.name) {
      re = `(${re})`;
      const shifted = {};
      for (const [k, v] of Object.entries(caps)) shifted[Number(k) + 1] = v;
      caps = { 1: { name: p.name }, ...shifted };
    }
    for (const [k, v] of Object.entries(caps)) captures[Number(k) + offset] = v;
    offset += countGroups(re);
    sources.push(re);
  }
  return { match: `${prefix}(?:${sources.join('|')})`, captures };
}

/** Alternatives as an embeddable piece { re, captures } (see alt). */
export function choice(parts) {
  const a = alt(parts);
  return { re: a.match, captures: a.captures };
}

/** Concatenates pieces (strings or { re, captures }) into one regex, renumbering capture indexes. */
export function seq(...items) {
  let re = '';
  const captures = {};
  let offset = 0;
  for (const it of items) {
    const piece = typeof it === 'string' ? { re: it, captures: {} } : it;
    for (const [k, v] of Object.entries(piece.captures ?? {})) captures[Number(k) + offset] = v;
    offset += countGroups(piece.re);
    re += piece.re;
  }
  return { re, captures };
}
