/**
 * The byte fast path of the conntrack reader (CLI on big tables, `ConntrackStream.pushLines`): reads
 * one table entry line of the common shape straight from the file's bytes, with no string and no
 * token arrays, and says whether the text reader (`scan.ts` `tokenize` + `analyzeEntry`) would
 * read it as a complete entry WITHOUT any problem. Only then does the caller count it from here
 * (`ConntrackReader.fastEntry`); on any doubt the line goes to the text reader, which stays the one
 * definition of the format. So this file only has to be right about the lines it accepts;
 * test/formats/conntrack/fastLine.test.ts checks that against the text reader on generated and
 * mutated lines.
 *
 * Accepted: printable ASCII separated by spaces or tabs (so a byte offset is a UTF-16 offset),
 * `[l3 l3num] l4 l4num [timeout] [STATE]` then key=value fields and closed `[FLAG]`s, every
 * numeric field a decimal number, both tuples complete with valid addresses, ended by "\n" or
 * "\r\n". Not accepted (text reader): events, `cat -n` numbers, `conntrackd -i` brackets with
 * blanks, other blanks, '#' and ';' (where a suppression directive starts), anything that reports.
 *
 * The line's "\n" is the sentinel of every loop (no loop goes on over it), so the loops test each
 * byte once and never compare against the line's end.
 */
import { K_DPORT, K_DST, K_MARK, K_OTHER, K_SPORT, K_SRC, K_USE, KEY_NAMES, keyCandidate, LAST_TUPLE_KEY, MAX_TOKENS, NUMERIC_MASK, PORT_MASK } from './scan';

/** Byte classes in an entry's body: part of a token, a separator, a line break, or anything else (not read here). */
const TOK = 1;
const SEP = 2;
const LF = 4;
const CR = 8;
const BODY = new Uint8Array(256);
for (let c = 33; c < 127; c++) BODY[c] = TOK;
BODY[32] = SEP;
BODY[9] = SEP;
BODY[10] = LF;
BODY[13] = CR;
// Comment signs: a line holding one goes to the text reader, so the CLI sees every suppression
// directive (ConntrackStream.directiveSeen). conntrack never prints them in an entry.
BODY[35] = 0;
BODY[59] = 0;
/** What may follow a value: a blank or the line break ("\r" only before "\n", checked apart). */
const AFTER = SEP | LF | CR;

/** Character classes of a header word (the text reader's classes, `scan.ts` C_*, for the bytes a header may hold). */
const H_DIGIT = 1;
const H_LOWER = 2;
const H_UPPER = 4;
const H_UNDERSCORE = 8;
const H_MINUS = 16;
/** Anything a header word of the accepted shape cannot hold (`=`, `[`, control bytes, non-ASCII). */
const H_OTHER = 32;
/** A blank or a line break: ends a header word. */
const H_SEP = 64;
const HEAD = new Uint8Array(256).fill(H_OTHER);
for (let c = 48; c <= 57; c++) HEAD[c] = H_DIGIT;
for (let c = 97; c <= 122; c++) HEAD[c] = H_LOWER;
for (let c = 65; c <= 90; c++) HEAD[c] = H_UPPER;
HEAD[95] = H_UNDERSCORE;
HEAD[45] = H_MINUS;
HEAD[32] = H_SEP;
HEAD[9] = H_SEP;
HEAD[10] = H_SEP;
HEAD[13] = H_SEP;

/** Header words before the first `src=`; the accepted shape has at most 6 (`ipv4 2 tcp 6 117 STATE`). */
const MAX_HEAD = 6;

/** Where the parts of the entry line just read are (byte offsets, -1 = absent). Reused across lines. */
export class FastLine {
  l3Start = -1;
  l3End = -1;
  l4Start = 0;
  l4End = 0;
  stateStart = -1;
  stateEnd = -1;
  /** Whether the header has a timeout (`conntrackd -i` prints none). */
  timeout = false;
  /** Values of the original `src=`/`dst=` and the reply's. */
  origSrcStart = 0;
  origSrcEnd = 0;
  origDstStart = 0;
  origDstEnd = 0;
  replySrcStart = 0;
  replySrcEnd = 0;
  replyDstStart = 0;
  replyDstEnd = 0;
  unreplied = false;
  assured = false;
  /** Reply `src` != original `dst`. */
  dnat = false;
  /** Reply `dst` != original `src`. */
  snat = false;
  /** The original tuple's `dport=` is `53`. */
  dns = false;

  /** The entry's text: its first and last non-blank bytes (end exclusive). */
  start = 0;
  end = 0;
  /** Where the line's break starts (its "\r" or "\n"): the line is b[from, lineEnd). */
  lineEnd = 0;

  private readonly headStart = new Int32Array(MAX_HEAD);
  private readonly headEnd = new Int32Array(MAX_HEAD);
  private readonly headClass = new Int32Array(MAX_HEAD);

  /**
   * Reads the line at b[from], which a "\n" ends in `b`. Returns the offset of that "\n" when the
   * line is a table entry the text reader reads as complete and without a problem (the fields
   * above then describe it), else -1 (the caller hands the line to the text reader).
   */
  read(b: Uint8Array, from: number): number {
    const hs = this.headStart;
    const he = this.headEnd;
    const hc = this.headClass;
    let i = from;
    while (b[i] === 32 || b[i] === 9) i++;
    this.start = i;
    // Header words, up to the first `src=` token (letters and `=`: never over the line break).
    let h = 0;
    for (;;) {
      if (b[i] === 115 && b[i + 1] === 114 && b[i + 2] === 99 && b[i + 3] === 61) break;
      if (h === MAX_HEAD) return -1;
      const ws = i;
      let cls = 0;
      for (;;) {
        const k = HEAD[b[i]!]!;
        if (k === H_SEP) break;
        cls |= k;
        i++;
      }
      if ((cls & H_OTHER) !== 0 || i === ws) return -1;
      hs[h] = ws;
      he[h] = i;
      hc[h] = cls;
      h++;
      while (b[i] === 32 || b[i] === 9) i++;
    }
    // The text reader's header (scan.ts analyzeEntry), for a line whose first word is a name.
    if (h < 2 || !isName(b, hs[0]!, hc[0]!)) return -1;
    let k = 0;
    this.l3Start = this.l3End = -1;
    if (h >= 4 && hc[1] === H_DIGIT && isName(b, hs[2]!, hc[2]!) && hc[3] === H_DIGIT) {
      this.l3Start = hs[0]!;
      this.l3End = he[0]!;
      k = 2;
    }
    if (!(k + 1 < h && isName(b, hs[k]!, hc[k]!) && hc[k + 1] === H_DIGIT)) return -1;
    this.l4Start = hs[k]!;
    this.l4End = he[k]!;
    k += 2;
    this.timeout = k < h && isTimeout(b, hs[k]!, he[k]!, hc[k]!);
    if (this.timeout) k++;
    this.stateStart = this.stateEnd = -1;
    if (k < h && (hc[k]! & ~(H_UPPER | H_DIGIT | H_UNDERSCORE)) === 0 && b[hs[k]!]! >= 65 && b[hs[k]!]! <= 90) {
      this.stateStart = hs[k]!;
      this.stateEnd = he[k]!;
      k++;
    }
    if (k !== h) return -1;

    // Body: tuples, flags and fields (the text reader's phases: original, reply, the rest). The
    // common keys are matched byte by byte (letters then `=`: never over the line break), any
    // other through keyId.
    let tokens = h;
    let phase = 1;
    let origMask = 0;
    let replyMask = 0;
    let dportStart = -1;
    let dportEnd = -1;
    let unreplied = false;
    let assured = false;
    let osS = 0;
    let osE = 0;
    let odS = 0;
    let odE = 0;
    let rsS = 0;
    let rsE = 0;
    let rdS = 0;
    let rdE = 0;
    // Whether each tuple address was read as a dotted quad while scanning (else isAddress decides).
    let osOk = false;
    let odOk = false;
    let rsOk = false;
    let rdOk = false;
    let last = i;
    for (;;) {
      const c0 = b[i]!;
      const cls = BODY[c0]!;
      if (cls !== TOK) {
        // The line break after the last token (blanks before it were skipped).
        if (cls === LF) break;
        if (cls === CR && b[i + 1] === 10) break;
        return -1;
      }
      // The text reader stops at MAX_TOKENS tokens and reports the rest.
      if (++tokens >= MAX_TOKENS) return -1;
      if (c0 === 91 /* [ */) {
        // A flag: `[` printable bytes `]`, then a blank or the line break (no blank inside, closed).
        const fs = i;
        i++;
        while (b[i] !== 93 && BODY[b[i]!] === TOK) i++;
        if (b[i] !== 93) return -1;
        i++;
        if ((BODY[b[i]!]! & AFTER) === 0) return -1;
        const len = i - fs;
        if (len === 11 && word(b, fs + 1, 'UNREPLIED')) unreplied = true;
        else if (len === 9 && word(b, fs + 1, 'ASSURED')) assured = true;
        last = i;
        while (b[i] === 32 || b[i] === 9) i++;
        continue;
      }
      let key: number;
      const c1 = b[i + 1];
      if (c0 === 115 && c1 === 114 && b[i + 2] === 99 && b[i + 3] === 61) {
        key = K_SRC;
        i += 4;
      } else if (c0 === 100 && c1 === 115 && b[i + 2] === 116 && b[i + 3] === 61) {
        key = K_DST;
        i += 4;
      } else if (c1 === 112 && b[i + 2] === 111 && b[i + 3] === 114 && b[i + 4] === 116 && b[i + 5] === 61 && (c0 === 115 || c0 === 100)) {
        key = c0 === 115 ? K_SPORT : K_DPORT;
        i += 6;
      } else if (c0 === 109 && c1 === 97 && b[i + 2] === 114 && b[i + 3] === 107 && b[i + 4] === 61) {
        key = K_MARK;
        i += 5;
      } else if (c0 === 117 && c1 === 115 && b[i + 2] === 101 && b[i + 3] === 61) {
        key = K_USE;
        i += 4;
      } else {
        const ks = i;
        // A word without `=` in the body is a problem for the text reader.
        while (b[i] !== 61) if (BODY[b[i++]!] !== TOK) return -1;
        key = keyId(b, ks, i);
        i++;
      }
      const vs = i;
      let quad = false;
      if (((NUMERIC_MASK >>> key) & 1) === 1) {
        let c = b[i]!;
        while (c >= 48 && c <= 57) c = b[++i]!;
        if (i === vs || (BODY[c]! & AFTER) === 0) return -1;
      } else {
        if (key === K_SRC || key === K_DST) {
          const q = quadEnd(b, i);
          if (q >= 0) {
            i = q;
            quad = true;
          }
        }
        if (!quad) {
          while (BODY[b[i]!] === TOK) i++;
          if ((BODY[b[i]!]! & AFTER) === 0) return -1;
        }
      }
      if (key <= LAST_TUPLE_KEY) {
        const bit = 1 << key;
        if (phase === 1) {
          if ((origMask & bit) === 0) {
            origMask |= bit;
            if (key === K_SRC) {
              osS = vs;
              osE = i;
              osOk = quad;
            } else if (key === K_DST) {
              odS = vs;
              odE = i;
              odOk = quad;
            } else if (key === K_DPORT) {
              dportStart = vs;
              dportEnd = i;
            }
          } else if (key === K_SRC) {
            phase = 2;
            replyMask = bit;
            rsS = vs;
            rsE = i;
            rsOk = quad;
          } else return -1; // twice in the original tuple
        } else if (phase === 2 && (replyMask & bit) === 0) {
          replyMask |= bit;
          if (key === K_DST) {
            rdS = vs;
            rdE = i;
            rdOk = quad;
          }
        } else phase = 3;
      } else if (phase === 2) phase = 3;
      last = i;
      while (b[i] === 32 || b[i] === 9) i++;
    }

    // Complete: both tuples with addresses, the reply with the original's port fields, valid addresses.
    const need = (1 << K_SRC) | (1 << K_DST) | (origMask & PORT_MASK);
    if ((origMask & (1 << K_DST)) === 0 || (replyMask & need) !== need) return -1;
    const dnat = !same(b, odS, odE, rsS, rsE);
    const snat = !same(b, osS, osE, rdS, rdE);
    // An address equal to one already checked needs no second check (as in the text reader).
    if ((!osOk && !isAddress(b, osS, osE)) || (!odOk && !isAddress(b, odS, odE))) return -1;
    if (dnat && !rsOk && !isAddress(b, rsS, rsE)) return -1;
    if (snat && !rdOk && !isAddress(b, rdS, rdE)) return -1;
    this.end = last;
    this.lineEnd = i;
    this.origSrcStart = osS;
    this.origSrcEnd = osE;
    this.origDstStart = odS;
    this.origDstEnd = odE;
    this.replySrcStart = rsS;
    this.replySrcEnd = rsE;
    this.replyDstStart = rdS;
    this.replyDstEnd = rdE;
    this.unreplied = unreplied;
    this.assured = assured;
    this.dnat = dnat;
    this.snat = snat;
    this.dns = dportStart >= 0 && dportEnd - dportStart === 2 && b[dportStart] === 53 && b[dportStart + 1] === 51;
    return b[i] === 10 ? i : i + 1;
  }
}

/**
 * The end of a dotted quad (four decimal octets <= 255) at b[i], followed by a blank or the line
 * break, or -1 (anything else: IPv6, a bad value, more text), which the caller reads the long way.
 */
function quadEnd(b: Uint8Array, i: number): number {
  let parts = 0;
  for (;;) {
    let v = 0;
    const d0 = i;
    let c = b[i]!;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = b[++i]!;
    }
    if (i === d0 || i - d0 > 3 || v > 255) return -1;
    if (++parts === 4) return (BODY[c]! & AFTER) === 0 ? -1 : i;
    if (c !== 46) return -1;
    i++;
  }
}

/** scan.ts isName: lowercase letter first, then lowercase, digits, `-`, `_`. */
function isName(b: Uint8Array, s: number, cls: number): boolean {
  return (cls & ~(H_LOWER | H_DIGIT | H_MINUS | H_UNDERSCORE)) === 0 && b[s]! >= 97 && b[s]! <= 122;
}

/** scan.ts isTimeout: digits, or `-` and digits. */
function isTimeout(b: Uint8Array, s: number, e: number, cls: number): boolean {
  if (cls === H_DIGIT) return true;
  if (cls !== (H_DIGIT | H_MINUS) || b[s] !== 45) return false;
  for (let i = s + 1; i < e; i++) if (b[i] === 45) return false;
  return true;
}

function same(b: Uint8Array, a: number, ae: number, c: number, ce: number): boolean {
  if (ae - a !== ce - c) return false;
  for (let i = 0; i < ae - a; i++) if (b[a + i] !== b[c + i]) return false;
  return true;
}

/** Whether b[s, s + w.length) is the ASCII word `w`. */
function word(b: Uint8Array, s: number, w: string): boolean {
  for (let i = 0; i < w.length; i++) if (b[s + i] !== w.charCodeAt(i)) return false;
  return true;
}

/** scan.ts keyId on bytes. */
function keyId(b: Uint8Array, s: number, eq: number): number {
  const k = keyCandidate(eq - s, b[s] ?? 0, b[s + 1] ?? 0);
  return k !== K_OTHER && word(b, s, KEY_NAMES[k]!) ? k : K_OTHER;
}

/** scan.ts isAddress on bytes: dotted IPv4, or IPv6 (hex groups, `::`, optional dotted tail). */
function isAddress(b: Uint8Array, s: number, e: number): boolean {
  if (e <= s || e - s > 45) return false;
  for (let i = s; i < e; i++) if (b[i] === 58) return isIPv6(b, s, e);
  return isIPv4(b, s, e);
}

function isIPv4(b: Uint8Array, s: number, e: number): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = s; i <= e; i++) {
    const c = i < e ? b[i]! : 46;
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

function isIPv6(b: Uint8Array, s: number, e: number): boolean {
  let groups = 0;
  let run = 0;
  let doubleColon = false;
  let i = s;
  while (i < e) {
    const c = b[i]!;
    if (c === 58) {
      if (i + 1 < e && b[i + 1] === 58) {
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
    if (c === 46) return groups + 2 <= (doubleColon ? 7 : 8) && isIPv4(b, i - run, e);
    const hex = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (!hex || ++run > 4) return false;
    i++;
  }
  if (run > 0) groups++;
  else if (!doubleColon || b[e - 1] !== 58 || b[e - 2] !== 58) return false;
  return doubleColon ? groups <= 7 : groups === 8;
}
