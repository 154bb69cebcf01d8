import type { Located, Span } from '../../core/span';

/**
 * Where model classes cache their span object. Spans are created on first use: a 75,000-line
 * dump has about 600,000 tokens and 200,000 options, and most of their spans are never asked for.
 * Every such class keeps the span's offsets as own `start` / `end` properties (so code that walks
 * a model for `{start, end}` objects still finds every one of them) and its cache under this
 * symbol (invisible to `Object.keys` and JSON).
 */
export const SPAN: unique symbol = Symbol('span');

/** The cached span of a model object with `start` / `end`. */
export function lazySpan(o: { readonly start: number; readonly end: number; [SPAN]: Span | undefined }): Span {
  return (o[SPAN] ??= { start: o.start, end: o.end });
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
  declare [SPAN]: Span | undefined;

  constructor(value: string, start: number, end: number) {
    this.value = value;
    this.start = start;
    this.end = end;
    this[SPAN] = undefined;
  }

  /** The raw text, including quotes. */
  get span(): Span {
    return lazySpan(this);
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
  const tokens: SaveToken[] = [];
  const q = tokenizeRange(line, 0, line.length, base, tokens);
  return q >= 0 ? { tokens, unterminatedQuote: q } : { tokens };
}

/**
 * `tokenizeLine` on `src[from, to)` without slicing the line out first: tokens are appended to
 * `out`, their offsets are `index in src + delta`. Returns the offset (+ delta) of an opening quote
 * that is never closed, else -1. Unquoted words (nearly all of them) are sliced in one go.
 */
export function tokenizeRange(src: string, from: number, to: number, delta: number, out: SaveToken[]): number {
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
      out.push(new SaveToken(src.slice(tokenStart, i), tokenStart + delta, i + delta));
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
    out.push(new SaveToken(value, tokenStart + delta, i + delta));
    if (!closed) return quoteStart + delta;
  }
  return -1;
}
