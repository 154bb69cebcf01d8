import type { ParseProblem, RelatedProblem } from './problem';
import type { Span } from './span';

/**
 * Redaction placeholders: values blanked out before a dump was shared.
 *
 * Dumps pasted into issues and threads are often anonymised: addresses become `x.x.x.x`,
 * `10.244.x.x` or `<node-ip>`, MACs `XX:XX:XX:XX:XX:XX`, names `<redacted>` or `***`. No tool
 * prints such a value, so each one is a syntax error to a strict reader (a 5,000-line firewall dump
 * with anonymised MACs gave 1,653 of them), and rules that compare values see copies where the
 * original rules differed (two `--mac-source XX:XX:XX:XX:XX:XX` rules are not the same rule). Readers
 * fold the errors a placeholder causes into one note per file (`RedactionTally`), and rules that
 * compare values skip the lines that hold one (`holdsPlaceholder`).
 *
 * A placeholder is recognised by its shape, never by a list of example values: the shape of the value
 * it stands for (four dotted parts, six MAC bytes, hex groups with colons) with at least one part
 * made of a placeholder character, or a bracketed or starred word. Only words that no tool prints are
 * taken: `a.b.c.d` is a host name as much as a placeholder, so letters other than x stand for nothing.
 */
export const REDACTED_CODE = 'parse/redacted';

/** A part of a value blanked out: x's, stars, hashes or question marks, up to a hex group's length. */
const BLANK_PART = /^(?:[xX]{1,4}|\*{1,4}|#{1,4}|\?{1,4})$/;
const IPV4_PART = /^\d{1,3}$/;
const MAC_PART = /^[0-9a-fA-F]{2}$/;
const IPV6_PART = /^[0-9a-fA-F]{1,4}$/;
/** `<redacted>`, `<node-ip>`, `<IP address>`, `[REDACTED]`, `{hidden}`: a bracketed name that is not a number or range. */
const BRACKETED = /^(?:<[A-Za-z][\w .:/-]{0,40}>|\[[A-Za-z][\w .-]{0,40}\]|\{[A-Za-z][\w .-]{0,40}\})$/;
/** A word that says it was removed. */
const SAYS_REMOVED = /^(?:redacted|hidden|removed|masked|anonymi[sz]ed|censored|scrubbed|obfuscated|sanitized|sanitised)$/i;
const STARS = /^\*{3,}$/;
/** A run of one placeholder character standing for a whole value (`xxxx`, `XXXXXXXX`). */
const ALL_X = /^(?:x{3,}|X{3,})$/;

/** Whether `parts` (split at a separator) are `count` parts of `shape`, with at least one blanked out. */
function blankedParts(parts: readonly string[], count: number, shape: RegExp): boolean {
  if (parts.length !== count) return false;
  let blanked = false;
  for (const p of parts) {
    if (BLANK_PART.test(p)) blanked = true;
    else if (!shape.test(p)) return false;
  }
  return blanked;
}

/** An IPv6 address with a blanked group (`fd00::xxxx`, `xxxx:xxxx::1`). */
function blankedIpv6(s: string): boolean {
  if (s.indexOf(':') === s.lastIndexOf(':')) return false;
  const parts = s.split(':');
  if (parts.length > 8) return false;
  let blanked = false;
  for (const p of parts) {
    if (p === '') continue;
    if (BLANK_PART.test(p)) blanked = true;
    else if (!IPV6_PART.test(p)) return false;
  }
  return blanked;
}

/** The placeholder shapes of a value without a mask or port. */
function isPlaceholderValue(s: string): boolean {
  if (s.length === 0 || s.length > 64) return false;
  const c = s.charCodeAt(0);
  // '<', '[', '{': bracketed names.
  if (c === 60 || c === 91 || c === 123) return BRACKETED.test(s);
  if (STARS.test(s) || ALL_X.test(s) || SAYS_REMOVED.test(s)) return true;
  if (s.includes('.')) return blankedParts(s.split('.'), 4, IPV4_PART);
  if (s.includes(':') || s.includes('-')) {
    const sep = s.includes(':') ? ':' : '-';
    return blankedParts(s.split(sep), 6, MAC_PART) || (sep === ':' && blankedIpv6(s));
  }
  return false;
}

/**
 * Whether a word is a redaction placeholder: the whole word, or the word without a `/mask`, a
 * `:port` (`10.244.x.x:8080`), a `[v6]:port` bracket, or a `-` range of two placeholders
 * (`x.x.x.x-x.x.x.y` is not one: `y` blanks nothing).
 */
export function isPlaceholder(word: string): boolean {
  if (word.length === 0 || word.length > 128) return false;
  if (isPlaceholderValue(word)) return true;
  let s = word;
  const slash = s.lastIndexOf('/');
  if (slash > 0) s = s.slice(0, slash);
  if (isPlaceholderValue(s)) return true;
  // `[fd00::x]:80`
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close > 1) return isPlaceholderValue(s.slice(1, close));
  }
  // `host:port` (IPv4 or a bracketed name: an IPv6 address is handled whole above).
  const colon = s.lastIndexOf(':');
  if (colon > 0 && s.indexOf(':') === colon) {
    const host = s.slice(0, colon);
    if (isPlaceholderValue(host)) return true;
  }
  const dash = s.indexOf('-');
  if (dash > 0 && !s.includes(':')) {
    const a = s.slice(0, dash);
    const b = s.slice(dash + 1);
    if (isPlaceholderValue(a) && (isPlaceholderValue(b) || b.length === 0)) return true;
  }
  return false;
}

/** Whether a word of `text[start, end)` (split at blanks, quotes and the separators options use) is a placeholder. */
export function holdsPlaceholder(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    let c = text.charCodeAt(i);
    while (i < end && isSeparator(c)) c = text.charCodeAt(++i);
    const from = i;
    while (i < end && !isSeparator(text.charCodeAt(i))) i++;
    if (i > from && mayBePlaceholder(text, from, i) && isPlaceholder(text.slice(from, i))) return true;
  }
  return false;
}

/** Blanks, quotes, `,` and `=` (option syntax), and NUL (the separator of rule keys, formats/iptables/query.ts). */
const isSeparator = (c: number): boolean => c === 32 || c === 9 || c === 34 || c === 39 || c === 44 || c === 61 || c === 0;

/** A cheap first look: a placeholder holds x, X, *, #, ? or a bracket, or is a word that says it was removed. */
function mayBePlaceholder(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 120 || c === 88 || c === 42 || c === 35 || c === 63 || c === 60 || c === 91 || c === 123) return true;
  }
  return to - from >= 6 && to - from <= 10 && SAYS_REMOVED.test(text.slice(from, to));
}

/**
 * The placeholders one document's reader met, reported once: which problems they caused are taken
 * out of the problem list (they say nothing about the node) and one note says what was blanked.
 */
export class RedactionTally {
  count = 0;
  private first: Span | undefined;
  private readonly examples: string[] = [];
  private readonly related: RelatedProblem[] = [];

  /**
   * Takes the problems from `from` on whose text is a placeholder (their span is the value) out of
   * `problems`, keeping the others in order.
   */
  fold(problems: ParseProblem[], from: number, text: string): void {
    let kept = from;
    for (let i = from; i < problems.length; i++) {
      const p = problems[i]!;
      const value = text.slice(p.span.start, Math.min(p.span.end, p.span.start + 130));
      if (p.severity !== 'info' && isPlaceholder(value)) this.take(p.span, value, p.message);
      else problems[kept++] = p;
    }
    problems.length = kept;
  }

  /** A placeholder the reader accepted without a problem (a host-name-shaped `x.x.x.x`). */
  take(span: Span, value: string, message = 'a redaction placeholder'): void {
    this.count++;
    this.first ??= span;
    if (this.examples.length < MAX_EXAMPLES && !this.examples.includes(value)) this.examples.push(value);
    if (this.related.length < REDACTIONS_LISTED) this.related.push({ span, message: `'${value}': ${message}` });
  }

  /** The one note for the document, or undefined when nothing was blanked. `what` names the tool's output. */
  note(what: string): ParseProblem | undefined {
    if (this.first === undefined) return undefined;
    const n = this.count === 1 ? '1 value is' : `${this.count.toLocaleString('en-US')} values are`;
    const shown = this.examples.map((e) => `'${e}'`).join(', ');
    return {
      code: REDACTED_CODE,
      severity: 'info',
      span: this.first,
      message:
        `${n} blanked out (${shown}): this ${what} was anonymised before it was shared. ` +
        `No tool prints such values, so they are read as unknown: no syntax error is reported for them, and findings that compare values (copies of a rule) are not made for the lines that hold them. ` +
        `For those findings, run kube-netlint on the original capture where you are allowed to keep it.`,
      related: this.related,
    };
  }
}

const MAX_EXAMPLES = 3;
/** Places a note lists as related information (the count goes on); readers that stream keep the lines these point into. */
export const REDACTIONS_LISTED = 50;
