import { Lexer, Tk, lexemeValue } from './lexer';
import { readElements, readStatements } from './statements';
import type { Tok } from './tokens';

/**
 * Reads a piece of a ruleset's text again, word for word as the parse read it, so a rule's
 * statements and a set's elements can be built on first access (textModel.ts) instead of kept
 * from the parse. The parse has already checked the words and reported their problems; this
 * second reading only builds objects, with the same readers (statements.ts) on the same words.
 *
 * Which words: every lexeme whose start lies in [start, end), minus what the statement reader of
 * parseText.ts leaves out inside a statement: line breaks, `#` comments, and a `)` without its
 * `(` at the statement's own level. The lexer runs over the whole text (not a slice), so a word
 * at the edge of the range is split exactly as in the parse (a comma's meaning depends on the
 * character after it).
 */
export function wordsIn(text: string, start: number, end: number): Tok[] {
  const lexer = new Lexer(text, start);
  const out: Tok[] = [];
  let depth = 0;
  for (let l = lexer.next(); l !== undefined && l.s < end; l = lexer.next()) {
    if (l.k === Tk.Newline || l.k === Tk.Comment) continue;
    if (l.k === Tk.Punct) {
      const c = text.charCodeAt(l.s);
      if (c === 123 || c === 40) depth++;
      else if (c === 125 || c === 41) {
        if (depth === 0) continue;
        depth--;
      }
    }
    out.push({ kind: l.k, value: lexemeValue(text, l), span: { start: l.s, end: l.e }, ...(l.open ? { open: true as const } : {}) });
  }
  return out;
}

/** A rule's statements from its span (the words after `add rule F T C`, or the line in a chain block). */
export function rereadStatements(text: string, start: number, end: number): ReturnType<typeof readStatements> {
  return readStatements(wordsIn(text, start, end));
}

/** The elements between `{` and `}` of one element list (`elements = { … }`, `add element … { … }`). */
export function rereadElements(text: string, start: number, end: number): ReturnType<typeof readElements> {
  const words = wordsIn(text, start, end);
  return readElements(words, 0, words.length);
}
