/**
 * nft's words, as its scanner (src/scanner.l) splits them for what `nft list` prints and `nft -f`
 * reads. Names carry `/`, `.`, `_`, `-`, `:` and `@` (kube-proxy's
 * `endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80`, `[2001:db8::2]:8080`, `@nh,0,8`), so a word
 * runs until a blank or one of `{ } ( ) ; " #`. A comma is a separator when a blank or a brace
 * touches it (`{ 22, 80 }`, wrapped element lists) and part of the word otherwise
 * (`flags dynamic,timeout`, `ct state new,untracked`, `masquerade random,persistent`).
 */
export const enum Tk {
  Word = 0,
  String = 1,
  /** `{ } ( ) , ;` */
  Punct = 2,
  Newline = 3,
  /** `# …` to the end of the line. */
  Comment = 4,
}

export interface Lexeme {
  readonly k: Tk;
  /** Offsets of the raw text (a string includes its quotes). */
  readonly s: number;
  readonly e: number;
  /** A string whose closing quote is missing (it ends at the end of the line). */
  readonly open?: true;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12;
}

function isLineEnd(c: number): boolean {
  return c === 10 || c === 13;
}

/** Characters that end a word (besides blanks and line ends). */
function endsWord(c: number): boolean {
  return c === 123 || c === 125 || c === 40 || c === 41 || c === 59 || c === 34 || c === 35;
}

/** A streaming scanner: the parser pulls one lexeme at a time, so a 20 MB dump is never a token array. */
export class Lexer {
  private pos: number;

  constructor(
    private readonly text: string,
    start = 0,
    private readonly end = text.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  next(): Lexeme | undefined {
    const t = this.text;
    let i = this.pos;
    while (i < this.end && isBlank(t.charCodeAt(i))) i++;
    if (i >= this.end) {
      this.pos = i;
      return undefined;
    }
    const c = t.charCodeAt(i);
    if (isLineEnd(c)) {
      const e = c === 13 && t.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      this.pos = e;
      return { k: Tk.Newline, s: i, e };
    }
    if (c === 35) {
      let e = i;
      while (e < this.end && !isLineEnd(t.charCodeAt(e))) e++;
      this.pos = e;
      return { k: Tk.Comment, s: i, e };
    }
    if (c === 34) {
      let e = i + 1;
      while (e < this.end) {
        const d = t.charCodeAt(e);
        if (d === 34) break;
        if (isLineEnd(d)) break;
        e += d === 92 && e + 1 < this.end && !isLineEnd(t.charCodeAt(e + 1)) ? 2 : 1;
      }
      if (e < this.end && t.charCodeAt(e) === 34) {
        this.pos = e + 1;
        return { k: Tk.String, s: i, e: e + 1 };
      }
      this.pos = e;
      return { k: Tk.String, s: i, e, open: true };
    }
    if (c === 123 || c === 125 || c === 40 || c === 41 || c === 59) {
      this.pos = i + 1;
      return { k: Tk.Punct, s: i, e: i + 1 };
    }
    if (c === 44 && this.commaSeparates(i)) {
      this.pos = i + 1;
      return { k: Tk.Punct, s: i, e: i + 1 };
    }
    let e = i + 1;
    while (e < this.end) {
      const d = t.charCodeAt(e);
      if (isBlank(d) || isLineEnd(d) || endsWord(d)) break;
      if (d === 44 && this.commaSeparates(e)) break;
      e++;
    }
    this.pos = e;
    return { k: Tk.Word, s: i, e };
  }

  private commaSeparates(i: number): boolean {
    const t = this.text;
    const before = i > 0 ? t.charCodeAt(i - 1) : 32;
    const after = i + 1 < this.end ? t.charCodeAt(i + 1) : 32;
    return isBlank(before) || isLineEnd(before) || isBlank(after) || isLineEnd(after) || after === 125 || before === 123 || after === 44;
  }
}

/** The value nft sees: a string without its quotes (a backslash keeps the next character). */
export function lexemeValue(text: string, l: Lexeme): string {
  if (l.k !== Tk.String) return text.slice(l.s, l.e);
  const inner = text.slice(l.s + 1, l.open ? l.e : l.e - 1);
  return inner.includes('\\') ? inner.replace(/\\(.)/g, '$1') : inner;
}
