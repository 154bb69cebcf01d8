import type { Token } from './model';

export interface TokenizedLine {
  readonly tokens: Token[];
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
  const tokens: Token[] = [];
  let value = '';
  let tokenStart = -1;
  let quoteStart = -1;
  let escaped = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quoteStart >= 0) {
      if (escaped) {
        value += line[i];
        escaped = false;
      } else if (c === 92 /* \ */) {
        escaped = true;
      } else if (c !== 34 /* " */) {
        // Copy the run up to the next quote or backslash in one slice.
        let j = i + 1;
        while (j < line.length) {
          const d = line.charCodeAt(j);
          if (d === 34 || d === 92) break;
          j++;
        }
        value += line.slice(i, j);
        i = j - 1;
      } else {
        quoteStart = -1;
        tokens.push({ value, span: { start: base + tokenStart, end: base + i + 1 } });
        value = '';
        tokenStart = -1;
      }
      continue;
    }
    if (c === 34) {
      if (tokenStart < 0) tokenStart = i;
      quoteStart = i;
    } else if (c === 32 || c === 9) {
      if (tokenStart >= 0) {
        tokens.push({ value, span: { start: base + tokenStart, end: base + i } });
        value = '';
        tokenStart = -1;
      }
    } else {
      if (tokenStart < 0) tokenStart = i;
      // Plain runs are copied in one slice: most lines have no quotes at all.
      let j = i + 1;
      while (j < line.length) {
        const d = line.charCodeAt(j);
        if (d === 32 || d === 9 || d === 34) break;
        j++;
      }
      value += line.slice(i, j);
      i = j - 1;
    }
  }
  if (tokenStart >= 0) tokens.push({ value, span: { start: base + tokenStart, end: base + line.length } });
  return quoteStart >= 0 ? { tokens, unterminatedQuote: base + quoteStart } : { tokens };
}
