/**
 * The hot path of the conntrack reader, shared by the streaming table parser and the full entry
 * parser (`entry.ts`): an allocation-free tokenizer and the analysis of one entry line into token
 * indices. Everything a million-line table touches per line lives in this one module, with
 * module-local constants, so the per-line work is plain loops over typed arrays: no regular
 * expressions, no closures, no strings unless a value is needed.
 */
import { isPlaceholder, REDACTED_CODE } from '../../core/redaction';
import { L4_BY_NUMBER } from './model';

export const MAX_TOKENS = 512;

// Character classes (bit mask).
export const C_DIGIT = 1;
export const C_LOWER = 2;
export const C_UPPER = 4;
export const C_DOT = 8;
export const C_COLON = 16;
export const C_UNDERSCORE = 32;
export const C_MINUS = 64;
export const C_OTHER = 128;
/** The token is a `[...]` group (closed or not). */
export const C_BRACKET = 256;
const BLANK = 512;

/** Class of each Latin-1 code unit (BLANK for separators). */
const CLASS = new Uint16Array(256);
for (let c = 0; c < 256; c++) {
  CLASS[c] =
    c >= 48 && c <= 57
      ? C_DIGIT
      : c >= 97 && c <= 122
        ? C_LOWER
        : c >= 65 && c <= 90
          ? C_UPPER
          : c === 46
            ? C_DOT
            : c === 58
              ? C_COLON
              : c === 95
                ? C_UNDERSCORE
                : c === 45
                  ? C_MINUS
                  : c === 32 || c === 9 || c === 11 || c === 12 || c === 160
                    ? BLANK
                    : C_OTHER;
}

export function isBlank(c: number): boolean {
  return c < 256 ? CLASS[c] === BLANK : c === 0xfeff;
}

export class Tokens {
  n = 0;
  /** Offset where reading stopped because the line has more than MAX_TOKENS tokens, or -1. */
  overflow = -1;
  /** Index of the first `src=` token, or -1. */
  firstSrc = -1;
  readonly start = new Int32Array(MAX_TOKENS);
  readonly end = new Int32Array(MAX_TOKENS);
  /** Offset of the first `=` in the token, or -1. */
  readonly eq = new Int32Array(MAX_TOKENS);
  /** Character classes of a token without `=` (0 for key=value tokens). */
  readonly cls = new Int32Array(MAX_TOKENS);
}

/**
 * Splits text[from, to) (one line) at blanks. A `[...]` group is one token even when it holds
 * blanks (`[active since 536s]`); an unclosed `[` is an ordinary token marked C_BRACKET.
 * The per-character loop only looks for `=` and blanks; character classes are computed afterwards
 * for the (short) tokens without `=`, the only ones that need them.
 */
export function tokenize(text: string, from: number, to: number, t: Tokens): void {
  const start = t.start;
  const end = t.end;
  const eqs = t.eq;
  const clss = t.cls;
  let n = 0;
  let i = from;
  // Once a search for `]` from some offset failed, every later one fails too (keeps this linear).
  let noCloseFrom = to;
  t.overflow = -1;
  t.firstSrc = -1;
  while (i < to) {
    let c = text.charCodeAt(i);
    if (c <= 32 ? c === 32 || c === 9 || c === 11 || c === 12 : c >= 160 && (c === 160 || c === 0xfeff)) {
      i++;
      continue;
    }
    if (n === MAX_TOKENS) {
      t.overflow = i;
      break;
    }
    const s = i;
    if (c === 91 /* [ */ && i < noCloseFrom) {
      let j = i + 1;
      while (j < to && text.charCodeAt(j) !== 93 /* ] */) j++;
      if (j >= to) noCloseFrom = i;
      else {
        start[n] = s;
        end[n] = j + 1;
        eqs[n] = -1;
        clss[n] = C_BRACKET;
        n++;
        i = j + 1;
        continue;
      }
    }
    let eq = -1;
    while (i < to) {
      c = text.charCodeAt(i);
      if (c <= 32 ? c === 32 || c === 9 || c === 11 || c === 12 : c >= 160 && (c === 160 || c === 0xfeff)) break;
      if (c === 61 /* = */ && eq < 0) eq = i;
      i++;
    }
    start[n] = s;
    end[n] = i;
    eqs[n] = eq;
    if (eq >= 0) {
      clss[n] = 0;
      if (t.firstSrc < 0 && eq === s + 3 && text.charCodeAt(s) === 115 && text.charCodeAt(s + 1) === 114 && text.charCodeAt(s + 2) === 99) {
        t.firstSrc = n;
      }
    } else {
      let cls = 0;
      for (let j = s; j < i; j++) {
        const d = text.charCodeAt(j);
        cls |= d < 256 ? CLASS[d]! : C_OTHER;
      }
      clss[n] = text.charCodeAt(s) === 91 ? cls | C_BRACKET : cls;
    }
    n++;
  }
  t.n = n;
}

/** Unsigned decimal value of text[s, e) (the caller checked the class is digits only). */
export function decimal(text: string, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (text.charCodeAt(i) - 48);
  return v;
}

/** Non-empty and only ASCII digits. */
export function onlyDigits(text: string, s: number, e: number): boolean {
  if (e <= s) return false;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function rangeEquals(text: string, a: number, ae: number, b: number, be: number): boolean {
  if (ae - a !== be - b) return false;
  for (let i = 0; i < ae - a; i++) if (text.charCodeAt(a + i) !== text.charCodeAt(b + i)) return false;
  return true;
}

/** Dotted IPv4 (four decimal octets <= 255) or IPv6 (hex groups, `::`, optional dotted tail). */
export function isAddress(text: string, s: number, e: number): boolean {
  if (e <= s || e - s > 45) return false;
  for (let i = s; i < e; i++) if (text.charCodeAt(i) === 58) return isIPv6(text, s, e);
  return isIPv4(text, s, e);
}

function isIPv4(text: string, s: number, e: number): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = s; i <= e; i++) {
    const c = i < e ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 48);
    } else return false;
  }
  return parts === 4;
}

function isIPv6(text: string, s: number, e: number): boolean {
  let groups = 0;
  let run = 0;
  let doubleColon = false;
  let i = s;
  while (i < e) {
    const c = text.charCodeAt(i);
    if (c === 58) {
      if (i + 1 < e && text.charCodeAt(i + 1) === 58) {
        if (doubleColon) return false;
        doubleColon = true;
        if (run > 0) groups++;
        run = 0;
        i += 2;
        continue;
      }
      if (run === 0) return false;
      groups++;
      run = 0;
      i++;
      continue;
    }
    if (c === 46) {
      // Embedded IPv4 tail (::ffff:10.0.0.1): the current group starts a dotted quad.
      return groups + 2 <= (doubleColon ? 7 : 8) && isIPv4(text, i - run, e);
    }
    const hex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!hex || ++run > 4) return false;
    i++;
  }
  if (run > 0) groups++;
  else if (!doubleColon || text.charCodeAt(e - 1) !== 58 || text.charCodeAt(e - 2) !== 58) return false;
  return doubleColon ? groups <= 7 : groups === 8;
}

// Field keys. Tuple keys are 1..12 (they index a presence bit mask); all keys stay below 31.
export const K_SRC = 1;
export const K_DST = 2;
export const K_SPORT = 3;
export const K_DPORT = 4;
export const K_TYPE = 5;
export const K_CODE = 6;
export const K_ID = 7;
export const K_PACKETS = 8;
export const K_BYTES = 9;
export const K_VTAG = 10;
export const K_SRCKEY = 11;
export const K_DSTKEY = 12;
export const LAST_TUPLE_KEY = 12;
export const K_MARK = 13;
export const K_USE = 14;
export const K_ZONE = 15;
export const K_SECCTX = 16;
export const K_SECMARK = 17;
export const K_OTHER = 30;

/** Keys whose value must be an unsigned decimal number. */
export const NUMERIC_MASK =
  (1 << K_SPORT) | (1 << K_DPORT) | (1 << K_TYPE) | (1 << K_CODE) | (1 << K_ID) | (1 << K_PACKETS) | (1 << K_BYTES) | (1 << K_MARK) | (1 << K_USE) | (1 << K_ZONE) | (1 << K_SECMARK);
/** Keys the reply tuple must have when the original has them. */
export const PORT_MASK = (1 << K_SPORT) | (1 << K_DPORT) | (1 << K_TYPE) | (1 << K_CODE) | (1 << K_ID);
/** Each known key's name, by its K_ number. */
export const KEY_NAMES: readonly string[] = ['', 'src', 'dst', 'sport', 'dport', 'type', 'code', 'id', 'packets', 'bytes', 'vtag', 'srckey', 'dstkey', 'mark', 'use', 'zone', 'secctx', 'secmark'];

/**
 * The one key a word of this length and these first two characters can be (K_OTHER: none). The
 * known keys differ in (length, first, second character), so a single comparison of the whole word
 * then settles it. Shared by the text reader (keyId) and the byte fast path (fastLine.ts), each
 * comparing the word where it is stored.
 */
export function keyCandidate(length: number, c0: number, c1: number): number {
  switch (length) {
    case 2:
      return c0 === 105 ? K_ID : K_OTHER;
    case 3:
      return c0 === 115 ? K_SRC : c0 === 100 ? K_DST : c0 === 117 ? K_USE : K_OTHER;
    case 4:
      return c0 === 109 ? K_MARK : c0 === 116 ? K_TYPE : c0 === 99 ? K_CODE : c0 === 122 ? K_ZONE : c0 === 118 ? K_VTAG : K_OTHER;
    case 5:
      return c0 === 115 ? K_SPORT : c0 === 100 ? K_DPORT : c0 === 98 ? K_BYTES : K_OTHER;
    case 6:
      return c0 === 100 ? K_DSTKEY : c0 !== 115 ? K_OTHER : c1 === 101 ? K_SECCTX : c1 === 114 ? K_SRCKEY : K_OTHER;
    case 7:
      return c0 === 112 ? K_PACKETS : c0 === 115 ? K_SECMARK : K_OTHER;
    default:
      return K_OTHER;
  }
}

function word(text: string, s: number, w: string): boolean {
  for (let i = 0; i < w.length; i++) if (text.charCodeAt(s + i) !== w.charCodeAt(i)) return false;
  return true;
}

/** Identifies the key text[s, eq) without making a string. */
export function keyId(text: string, s: number, eq: number): number {
  const k = keyCandidate(eq - s, text.charCodeAt(s), text.charCodeAt(s + 1));
  return k !== K_OTHER && word(text, s, KEY_NAMES[k]!) ? k : K_OTHER;
}

// Token roles in an entry line.
export const R_HEADER = 0;
export const R_ORIG = 1;
export const R_REPLY = 2;
export const R_FIELD = 3;
export const R_FLAG = 4;
export const R_BAD = 5;

/** A problem found while reading one entry line (offsets in the scanned text). */
export interface Issue {
  readonly code: `parse/${string}`;
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Where each part of an entry line is, as token indices (-1 = absent). Reused across lines, so
 * reading a million entries allocates nothing here.
 */
export class EntryLayout {
  lineNo = -1;
  time = -1;
  event = -1;
  l3 = -1;
  l3Num = -1;
  l4 = -1;
  l4Num = -1;
  timeout = -1;
  state = -1;
  /** Token index of each tuple key per direction (valid where the mask bit is set). */
  readonly orig = new Int32Array(LAST_TUPLE_KEY + 1);
  readonly reply = new Int32Array(LAST_TUPLE_KEY + 1);
  origMask = 0;
  replyMask = 0;
  unreplied = -1;
  assured = -1;
  /** Both tuples have src/dst with valid addresses and the reply has the original's port fields. */
  complete = false;
  /** Reply `src` != original `dst` (destination NAT); set when complete. */
  dnat = false;
  /** Reply `dst` != original `src` (source NAT); set when complete. */
  snat = false;
  /**
   * A value was blanked out before the dump was shared (`dst=x.x.x.x`, `sport=xxxx`): it is read as
   * unknown (a `REDACTED_CODE` issue, not a bad value), and NAT is not judged from it (dnat, snat false).
   */
  redacted = false;
  readonly role = new Int8Array(MAX_TOKENS);
  readonly issues: Issue[] = [];

  issue(code: `parse/${string}`, message: string, start: number, end: number): void {
    this.issues.push({ code, message, start, end });
  }
}

function isDigits(t: Tokens, i: number): boolean {
  return t.eq[i] === -1 && t.cls[i] === C_DIGIT;
}

function isName(text: string, t: Tokens, i: number): boolean {
  if (t.eq[i] !== -1 || (t.cls[i]! & ~(C_LOWER | C_DIGIT | C_MINUS | C_UNDERSCORE)) !== 0) return false;
  const c = text.charCodeAt(t.start[i]!);
  return c >= 97 && c <= 122;
}

function isState(text: string, t: Tokens, i: number): boolean {
  if (t.eq[i] !== -1 || (t.cls[i]! & ~(C_UPPER | C_DIGIT | C_UNDERSCORE)) !== 0) return false;
  const c = text.charCodeAt(t.start[i]!);
  return c >= 65 && c <= 90;
}

function isTimeout(text: string, t: Tokens, i: number): boolean {
  if (isDigits(t, i)) return true;
  // The kernel prints the timeout with %ld; a flow being torn down can show a negative value.
  return t.eq[i] === -1 && t.cls[i] === (C_DIGIT | C_MINUS) && text.charCodeAt(t.start[i]!) === 45 && onlyDigits(text, t.start[i]! + 1, t.end[i]!);
}

const EVENT_WORDS = ['NEW', 'UPDATE', 'DESTROY'];

/** `[NEW]`-style event token: returns the word or undefined. */
export function eventWord(text: string, s: number, e: number): string | undefined {
  for (const w of EVENT_WORDS) if (e - s === w.length + 2 && text.charCodeAt(s) === 91 && word(text, s + 1, w) && text.charCodeAt(e - 1) === 93) return w;
  return undefined;
}

/** `[1700000000.123456]` (conntrack -E -o timestamp pads with blanks inside the brackets). */
function isTimestamp(text: string, s: number, e: number): boolean {
  let digits = 0;
  for (let i = s + 1; i < e - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c !== 46 && c !== 32) return false;
  }
  return digits > 0;
}

/**
 * Whether the value of token `i` is a redaction placeholder (core/redaction.ts): then it is noted as
 * such (a `REDACTED_CODE` issue on the value, which the reader counts into its one note) and the
 * entry is marked `redacted`.
 */
function blanked(text: string, t: Tokens, a: EntryLayout, i: number, what: string): boolean {
  const s = t.start[i]!;
  const eq = t.eq[i]!;
  const e = t.end[i]!;
  if (e - eq - 1 > 128 || !isPlaceholder(text.slice(eq + 1, e))) return false;
  a.redacted = true;
  a.issue(REDACTED_CODE, `the ${text.slice(s, eq)}= ${what}`, eq + 1, e);
  return true;
}

export function quote(text: string, s: number, e: number): string {
  const v = text.slice(s, Math.min(e, s + 40));
  return e - s > 40 ? `${v}...` : v;
}

function addressOk(text: string, t: Tokens, a: EntryLayout, i: number): boolean {
  const vs = t.eq[i]! + 1;
  const ve = t.end[i]!;
  if (isAddress(text, vs, ve)) return true;
  // Only a value that is not an address is looked at again, so a clean line pays nothing here.
  if (blanked(text, t, a, i, 'address')) return true;
  a.issue('parse/conntrack-bad-value', `'${quote(text, vs, ve)}' is not an IPv4 or IPv6 address`, vs < ve ? vs : t.start[i]!, ve);
  return false;
}

/**
 * Reads the tokens of one line (which has a `src=` token) into `a`. `lineEnd` is the end of
 * the trimmed line in `text`.
 */
export function analyzeEntry(text: string, t: Tokens, a: EntryLayout, lineEnd: number): void {
  a.lineNo = a.time = a.event = a.l3 = a.l3Num = a.l4 = a.l4Num = a.timeout = a.state = -1;
  a.unreplied = a.assured = -1;
  a.origMask = a.replyMask = 0;
  a.complete = a.dnat = a.snat = a.redacted = false;
  if (a.issues.length !== 0) a.issues.length = 0;
  const n = t.n;
  const h = t.firstSrc < 0 ? n : t.firstSrc;
  const role = a.role;
  const cls = t.cls;
  const starts = t.start;
  const ends = t.end;

  // Header: [cat -n number] [timestamp] [event] [l3 l3num] l4 l4num [timeout] [STATE]
  let i = 0;
  if (i + 1 < h && isDigits(t, i) && (isName(text, t, i + 1) || (cls[i + 1]! & C_BRACKET) !== 0)) {
    a.lineNo = i;
    role[i++] = R_HEADER;
  }
  while (i < h && (cls[i]! & C_BRACKET) !== 0) {
    const s = starts[i]!;
    const e = ends[i]!;
    role[i] = R_HEADER;
    if (a.event < 0 && eventWord(text, s, e) !== undefined) a.event = i;
    else if (a.time < 0 && a.event < 0 && text.charCodeAt(e - 1) === 93 && isTimestamp(text, s, e)) a.time = i;
    else {
      role[i] = R_BAD;
      a.issue('parse/conntrack-syntax', `'${quote(text, s, e)}' is not a conntrack event type ([NEW], [UPDATE] or [DESTROY])`, s, e);
    }
    i++;
  }
  if (i + 3 < h && isName(text, t, i) && isDigits(t, i + 1) && isName(text, t, i + 2) && isDigits(t, i + 3)) {
    a.l3 = i;
    a.l3Num = i + 1;
    role[i] = role[i + 1] = R_HEADER;
    i += 2;
  }
  if (i + 1 < h && isName(text, t, i) && isDigits(t, i + 1)) {
    a.l4 = i;
    a.l4Num = i + 1;
    role[i] = role[i + 1] = R_HEADER;
    i += 2;
  } else if (i < h && isDigits(t, i) && (i + 1 >= h || isTimeout(text, t, i + 1) || isState(text, t, i + 1))) {
    // `6 46 TIME_WAIT src=...`: the line starts mid-entry and the protocol name is gone.
    a.l4Num = i;
    role[i] = R_HEADER;
    const num = decimal(text, starts[i]!, ends[i]!);
    const name = L4_BY_NUMBER.get(num);
    a.issue(
      'parse/conntrack-truncated',
      name
        ? `this entry starts mid-line: the protocol name before '${num}' is missing (read as ${name})`
        : `this entry starts mid-line: the protocol name before '${num}' is missing`,
      starts[i]!,
      ends[i]!,
    );
    i++;
  } else if (i < h && isName(text, t, i)) {
    a.l4 = i;
    role[i] = R_HEADER;
    a.issue('parse/conntrack-syntax', `the protocol name '${quote(text, starts[i]!, ends[i]!)}' must be followed by its number (e.g. 'tcp 6')`, starts[i]!, ends[i]!);
    i++;
  } else {
    const s = i < n ? starts[i]! : lineEnd;
    a.issue('parse/conntrack-syntax', `a conntrack entry starts with its protocol, e.g. 'tcp      6 117 ESTABLISHED src=...'`, s, i < n ? ends[i]! : lineEnd);
  }
  if (i < h && isTimeout(text, t, i)) {
    a.timeout = i;
    role[i++] = R_HEADER;
  }
  if (i < h && isState(text, t, i)) {
    a.state = i;
    role[i++] = R_HEADER;
  }
  for (; i < h; i++) {
    role[i] = R_BAD;
    a.issue('parse/conntrack-syntax', `unexpected '${quote(text, starts[i]!, ends[i]!)}' before the addresses of the entry`, starts[i]!, ends[i]!);
  }

  // Body: original tuple, [UNREPLIED], reply tuple, flags and fields.
  let phase = 1;
  for (i = h; i < n; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    const eq = t.eq[i]!;
    if (eq < 0) {
      if ((cls[i]! & C_BRACKET) !== 0) {
        role[i] = R_FLAG;
        if (text.charCodeAt(e - 1) !== 93) a.issue('parse/conntrack-truncated', `'${quote(text, s, e)}' is not closed by ']' (cut off?)`, s, e);
        else if (e - s === 11 && word(text, s + 1, 'UNREPLIED')) a.unreplied = i;
        else if (e - s === 9 && word(text, s + 1, 'ASSURED')) a.assured = i;
      } else {
        role[i] = R_BAD;
        a.issue('parse/conntrack-syntax', `unexpected '${quote(text, s, e)}' in a conntrack entry: fields are written key=value`, s, e);
      }
      continue;
    }
    const k = keyId(text, s, eq);
    if (k <= LAST_TUPLE_KEY) {
      const bit = 1 << k;
      if (phase === 1) {
        if ((a.origMask & bit) === 0) {
          a.origMask |= bit;
          a.orig[k] = i;
          role[i] = R_ORIG;
        } else if (k === K_SRC) {
          phase = 2;
          a.replyMask = bit;
          a.reply[k] = i;
          role[i] = R_REPLY;
        } else {
          role[i] = R_FIELD;
          a.issue('parse/conntrack-syntax', `'${text.slice(s, eq)}=' appears twice in the original tuple`, s, e);
        }
      } else if (phase === 2 && (a.replyMask & bit) === 0) {
        a.replyMask |= bit;
        a.reply[k] = i;
        role[i] = R_REPLY;
      } else {
        phase = 3;
        role[i] = R_FIELD;
      }
    } else {
      if (phase === 2) phase = 3;
      role[i] = R_FIELD;
    }
    if (((NUMERIC_MASK >>> k) & 1) === 1 && !onlyDigits(text, eq + 1, e) && !blanked(text, t, a, i, 'number')) {
      a.issue('parse/conntrack-bad-value', `'${text.slice(s, eq)}=' needs a decimal number, not '${quote(text, eq + 1, e)}'`, eq + 1 < e ? eq + 1 : s, e);
    }
  }
  if (t.overflow >= 0) a.issue('parse/conntrack-syntax', `this line has more than ${n} fields; the rest is not read`, t.overflow, lineEnd);
  if (t.firstSrc < 0 || n === 0) return;

  // Completeness: both tuples with addresses, the reply with the original's port fields.
  const need = (1 << K_SRC) | (1 << K_DST) | (a.origMask & PORT_MASK);
  const last = n - 1;
  if ((a.origMask & (1 << K_DST)) === 0) {
    a.issue('parse/conntrack-truncated', `this entry is cut off: the original tuple has no dst=`, starts[last]!, ends[last]!);
    return;
  }
  if ((a.replyMask & need) !== need) {
    const missing: string[] = [];
    for (let k = K_SRC; k <= K_ID; k++) if (((need & ~a.replyMask) >>> k) & 1) missing.push(`${KEY_NAMES[k]}=`);
    a.issue(
      'parse/conntrack-truncated',
      a.replyMask === 0
        ? `this entry is cut off after '${quote(text, starts[last]!, ends[last]!)}': there is no reply tuple`
        : `this entry is cut off after '${quote(text, starts[last]!, ends[last]!)}': the reply tuple has no ${missing.join(', ')}`,
      starts[last]!,
      ends[last]!,
    );
    return;
  }
  const os = a.orig[K_SRC]!;
  const od = a.orig[K_DST]!;
  const rs = a.reply[K_SRC]!;
  const rd = a.reply[K_DST]!;
  const eqs = t.eq;
  const dnat = !rangeEquals(text, eqs[od]! + 1, ends[od]!, eqs[rs]! + 1, ends[rs]!);
  const snat = !rangeEquals(text, eqs[os]! + 1, ends[os]!, eqs[rd]! + 1, ends[rd]!);
  // An address equal to one already checked needs no second check.
  const ok1 = addressOk(text, t, a, os);
  const ok2 = addressOk(text, t, a, od);
  const ok3 = !dnat || addressOk(text, t, a, rs);
  const ok4 = !snat || addressOk(text, t, a, rd);
  a.complete = ok1 && ok2 && ok3 && ok4;
  // Two blanked values that read alike may stand for different addresses, and the other way round.
  a.dnat = a.complete && !a.redacted && dnat;
  a.snat = a.complete && !a.redacted && snat;
}
