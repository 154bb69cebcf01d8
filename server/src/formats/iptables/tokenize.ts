import type { Token } from './model';

export interface TokenizedLine {
  readonly tokens: Token[];
  /** Offset of an opening quote that is never closed (iptables-nft accepts it; we report it). */
  readonly unterminatedQuote?: number;
}

/**
 * Splits one rule line into arguments exactly as iptables-restore does (`add_param_to_argv` in
 * iptables/xshared.c): blanks separate arguments, a double quote toggles quoting anywhere in a
 * word, and inside quotes a backslash takes the next character literally. `base` is the line's
 * offset in the document so spans are absolute.
 */
export function tokenizeLine(line: string, base: number): TokenizedLine {
  const tokens: Token[] = [];
  let value = '';
  let tokenStart = -1;
  let quoteStart = -1;
  let escaped = false;
  const flush = (end: number): void => {
    if (tokenStart >= 0) tokens.push({ value, span: { start: base + tokenStart, end: base + end } });
    value = '';
    tokenStart = -1;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoteStart >= 0) {
      if (escaped) {
        value += c;
        escaped = false;
      } else if (c === '\\') {
        escaped = true;
      } else if (c === '"') {
        quoteStart = -1;
      } else {
        value += c;
      }
      continue;
    }
    if (c === '"') {
      if (tokenStart < 0) tokenStart = i;
      quoteStart = i;
    } else if (c === ' ' || c === '\t') {
      flush(i);
    } else {
      if (tokenStart < 0) tokenStart = i;
      value += c;
    }
  }
  flush(line.length);
  return quoteStart >= 0 ? { tokens, unterminatedQuote: base + quoteStart } : { tokens };
}
