import type { Located, Span } from '../../core/span';

/**
 * The span of a model object that keeps its offsets as own `start` / `end` properties. Model
 * classes of the save parser make their `span` objects only when asked for, fresh on every
 * access: a 75,000-line dump has about 600,000 tokens and 200,000 options, and most of their spans
 * are never asked for, while every object kept in the model costs the garbage collector. (Code that
 * walks a model for `{start, end}` objects still finds every such object.)
 */
export function spanOf(o: { readonly start: number; readonly end: number }): Span {
  return { start: o.start, end: o.end };
}

/**
 * A writable view of a model class in which optional fields accept undefined: constructors assign
 * every field, optional ones included (undefined when absent), so that all objects of a class
 * share one shape (exactOptionalPropertyTypes would otherwise forbid assigning undefined).
 */
export type Fields<T> = { -readonly [K in keyof T]-?: T[K] | undefined };

/** A command-line word of an `iptables-save` line: structurally a `Token` (`Located<string>`) of the model. */
export class SaveToken implements Located<string> {
  /** What iptables sees (unquoted). The parser may swap in an equal constant string (less memory). */
  declare value: string;
  declare readonly start: number;
  declare readonly end: number;

  constructor(value: string, start: number, end: number) {
    this.value = value;
    this.start = start;
    this.end = end;
  }

  /** The raw text, including quotes. */
  get span(): Span {
    return spanOf(this);
  }
}

export interface TokenizedLine {
  readonly tokens: SaveToken[];
  /** Offset of an opening quote that is never closed (iptables-nft accepts it; we report it). */
  readonly unterminatedQuote?: number;
}

/**
 * Splits one rule line into arguments exactly as iptables-restore 1.8.9 does
 * (`add_param_to_argv` in iptables/xshared.c): blanks separate arguments; a double quote opens
 * quoting anywhere in a word; inside quotes a backslash takes the next character literally; the
 * closing quote ENDS the argument (`a"b c"d` is the two arguments `ab c` and `d`, `""` is one
 * empty argument). `base` is the line's offset in the document so spans are absolute; a token's
 * span covers its raw text including quotes, its value is what iptables sees.
 */
export function tokenizeLine(line: string, base: number): TokenizedLine {
  const buf = new TokenBuffer();
  const q = tokenizeRange(line, 0, line.length, base, buf);
  const tokens = buf.tokens;
  return q >= 0 ? { tokens, unterminatedQuote: q } : { tokens };
}

/** Tokens of one line: `tokens[0, n)`; the array is reused from line to line (an array emptied by `length = 0` loses its storage). */
export class TokenBuffer {
  readonly tokens: SaveToken[] = [];
  n = 0;
}

/**
 * `tokenizeLine` on `src[from, to)` without slicing the line out first: the tokens replace the
 * buffer's, their offsets are `index in src + delta`. Returns the offset (+ delta) of an opening
 * quote that is never closed, else -1. Unquoted words (nearly all of them) are sliced in one go.
 */
export function tokenizeRange(src: string, from: number, to: number, delta: number, buf: TokenBuffer): number {
  const out = buf.tokens;
  let n = 0;
  let i = from;
  while (i < to) {
    let c = src.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const tokenStart = i;
    // A bare run up to a blank or a quote.
    while (c !== 32 && c !== 9 && c !== 34) {
      if (++i === to) break;
      c = src.charCodeAt(i);
    }
    if (i === to || c !== 34) {
      out[n++] = new SaveToken(src.slice(tokenStart, i), tokenStart + delta, i + delta);
      continue;
    }
    // A quote: the value is built piece by piece; the closing quote ends the argument.
    let value = src.slice(tokenStart, i);
    const quoteStart = i;
    i++;
    let closed = false;
    while (i < to) {
      const d = src.charCodeAt(i);
      if (d === 34) {
        closed = true;
        i++;
        break;
      }
      if (d === 92) {
        if (i + 1 < to) value += src[i + 1];
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < to) {
        const e = src.charCodeAt(j);
        if (e === 34 || e === 92) break;
        j++;
      }
      value += src.slice(i, j);
      i = j;
    }
    if (i > to) i = to;
    out[n++] = new SaveToken(value, tokenStart + delta, i + delta);
    if (!closed) {
      buf.n = n;
      return quoteStart + delta;
    }
  }
  buf.n = n;
  return -1;
}

