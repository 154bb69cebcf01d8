import type { Span } from '../../core/span';
import { Tk } from './lexer';
import type { Token } from './model';

/** A word of a statement as the readers use it: the model's `Token` plus what kind of lexeme it was. */
export interface Tok extends Token {
  readonly kind: Tk;
  /** A string with no closing quote. */
  readonly open?: true;
}

export function isWord(t: Tok | undefined): t is Tok {
  return t !== undefined && t.kind === Tk.Word;
}

/** The word `value` (a keyword), not a string that happens to spell it. */
export function isKw(t: Tok | undefined, value: string): boolean {
  return t !== undefined && t.kind === Tk.Word && t.value === value;
}

export function isPunct(t: Tok | undefined, value: string): boolean {
  return t !== undefined && t.kind === Tk.Punct && t.value === value;
}

export function join(a: Span, b: Span): Span {
  return { start: a.start, end: b.end };
}

/** Strips the lexeme kind: what the model keeps of a token. */
export function plain(t: Tok): Token {
  return { value: t.value, span: t.span };
}

export function num(t: Tok | undefined): { value: number; span: Span } | undefined {
  if (!t || !/^-?(?:\d+|0x[0-9a-fA-F]+)$/.test(t.value)) return undefined;
  return { value: Number(t.value), span: t.span };
}

/** Index of the `}` / `)` that closes the bracket at `open`, or `toks.length` when it is never closed. Iterative. */
export function closing(toks: readonly Tok[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== Tk.Punct) continue;
    if (t.value === '{' || t.value === '(') depth++;
    else if (t.value === '}' || t.value === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return toks.length;
}
