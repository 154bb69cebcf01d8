import type { Located, Span } from '../../core/span';
import { IPVS_LIMITS } from './model';

/** A whitespace-separated token with its absolute offsets. */
export interface Tok {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Tokens carry start/end, so a token is its own span (saves one object per value on huge tables). */
export function span(t: Tok): Span {
  return t;
}

export function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export function isElision(s: string): boolean {
  return s === '...' || s === '…' || s === '[...]' || s === '(...)' || (s.length >= 3 && s.length <= 20 && /^\.+$/.test(s));
}

/** Splits on blanks (space, tab, other control blanks) keeping offsets; at most IPVS_LIMITS.tokensPerLine tokens. */
export function tokenize(line: string, base: number): { toks: Tok[]; overflow: boolean } {
  const toks: Tok[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    if (toks.length >= IPVS_LIMITS.tokensPerLine) return { toks, overflow: true };
    const s = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    toks.push({ text: line.slice(s, i), start: base + s, end: base + i });
  }
  return { toks, overflow: false };
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/** `a,b,c` (scheduler flags) as located parts; empty parts are skipped. */
export function splitList(body: string, start: number): Located<string>[] {
  const out: Located<string>[] = [];
  let at = 0;
  for (const part of body.split(',')) {
    if (part) out.push({ value: part, span: { start: start + at, end: start + at + part.length } });
    at += part.length + 1;
  }
  return out;
}
