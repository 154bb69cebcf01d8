import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import { ByteKeys } from './byteKeys';
import { DeferredCounts, increment } from './counts';
import { buildEntry } from './entry';
import type { FastLine } from './fastLine';
import type { LineSink } from './lines';
import {
  L4_BY_NUMBER,
  MAX_GROUP_EXAMPLES,
  MAX_GROUPS,
  MAX_LIST,
  MAX_PROBLEMS,
  MAX_SAMPLE,
  type ConntrackEntry,
  type ConntrackEntryGroup,
  type ConntrackEntryRef,
  type ConntrackFormat,
  type ConntrackGroups,
  type ConntrackModel,
  type ConntrackSummary,
} from './model';
import * as scan from './scan';
import { StatsCollector, isCounterLine, isHexRow, isLegacyCounter, isProcHeader } from './stats';
import { cutLine, decorationOf, foldTruncated, PasteTally } from '../paste';
import { afterNumber, isLead } from '../../core/lines';
import { pushAll } from '../../core/arrays';
import { RedactionTally, REDACTED_CODE, REDACTIONS_LISTED } from '../../core/redaction';

// Module-local copies of the hot-path bindings: one lookup at load time instead of one per call
// (CommonJS output reads imported bindings through property getters).
const { tokenize, analyzeEntry, isBlank, eventWord, Tokens, EntryLayout } = scan;
const { K_SRC, K_DST, K_DPORT, C_BRACKET, C_DIGIT, C_LOWER, C_MINUS, C_UNDERSCORE } = scan;

const SUMMARY = /^conntrack v(\S+) \(conntrack-tools\):[ \t]*(.*)$/;
const SUMMARY_COUNT = /^(\d+) (flow entries|flow events|expectations) ha(?:ve|s) been (\w+)/;
const PROMPT = /^(?:\[[^\]]*\]|[\w.@:~/-]+)?[#$>][ \t]/;

/**
 * A string equal to `s` that shares no memory with the text it was cut from. V8 keeps a slice of
 * 13 or more characters as a view of its parent; concatenating flattens into a new string, so a
 * kept address does not keep a whole chunk of a 150 MB file alive.
 */
export function own(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

class Groups {
  total = 0;
  ungrouped = 0;
  private readonly map = new Map<string, { key: string; count: number; examples: ConntrackEntryRef[] }>();

  constructor(private readonly reader: ConntrackReader) {}

  /** Offsets are in the line's text; spans kept are document offsets (`reader.base` added). */
  add(key: string, s: number, e: number, line: number, ks: number, ke: number): void {
    this.total++;
    let g = this.map.get(key);
    if (!g) {
      if (this.map.size >= MAX_GROUPS) {
        this.ungrouped++;
        return;
      }
      const k = this.reader.detach ? own(key) : key;
      g = { key: k, count: 0, examples: [] };
      this.map.set(k, g);
    }
    g.count++;
    if (g.examples.length < MAX_GROUP_EXAMPLES) {
      const b = this.reader.base;
      g.examples.push({ span: { start: b + s, end: b + e }, line, key: { start: b + ks, end: b + ke } });
      this.reader.retain = true;
    }
  }

  result(): ConntrackGroups {
    const groups: ConntrackEntryGroup[] = [...this.map.values()];
    return { total: this.total, groups, ungrouped: this.ungrouped };
  }
}

/**
 * The conntrack reader: one line at a time, any mix of conntrack outputs (see `ConntrackModel`),
 * keeping aggregates and bounded samples, never throwing. It does not split lines or own the
 * text: a driver hands it each line (`lines.ts` `scanLines`), either of the whole document
 * (`parseConntrack`) or of chunks of a file (`ConntrackStream`). Offsets it is given are offsets
 * in the text of the call; `base` turns them into document offsets.
 *
 * Two things serve the chunk driver. `retain` is set when anything kept points into the line (a
 * sample entry, a group example, a problem, a statistics row, a summary): the driver keeps exactly
 * those lines. `detach` makes every string kept independent of the chunk: lines that are kept
 * whole (parsed in full, or read by the slow path) are read from a copy of the line, and group
 * keys and interned names are copied when first kept.
 */
export class ConntrackReader implements LineSink {
  /** Document offset of text[0] in the current call. */
  base = 0;
  /** A quoted line was read (its note's span is the first one). */
  private quoted = false;
  /** Set when the line just read is pointed at by the model; the driver clears it. */
  retain = false;

  private readonly problems: ParseProblem[] = [];
  private suppressed = 0;
  private firstSuppressed: Span | undefined;
  private readonly formats: ConntrackFormat[] = [];
  private readonly t: scan.Tokens = new Tokens();
  private readonly a: scan.EntryLayout = new EntryLayout();
  private readonly stats: StatsCollector;
  private readonly summaries: ConntrackSummary[] = [];
  private readonly counts: Located<number>[] = [];
  private readonly elisions: Span[] = [];
  private readonly sample: ConntrackEntry[] = [];
  private readonly byL3 = new Map<string, number>();
  private readonly byL4 = new Map<string, number>();
  private readonly byTcpState = new Map<string, number>();
  private readonly eventTypes = new Map<string, number>();
  private readonly l3Cache: string[] = [];
  private readonly l4Cache: string[] = [];
  private readonly stateCache: string[] = [];
  private readonly dnsCache: string[] = [];
  private readonly synSent = new Groups(this);
  private readonly udpDns = new Groups(this);
  private readonly staleUdp = new Groups(this);
  private total = 0;
  private incomplete = 0;
  private unreplied = 0;
  private assured = 0;
  private dnat = 0;
  private snat = 0;
  private dnsUdp = 0;
  private dnsUdpUnreplied = 0;
  private dnsTcp = 0;
  private eventsTotal = 0;
  private reportedXml = false;
  private reportedSave = false;
  /** How the text was pasted (prompts, kubectl noise, fences, elisions): one note per cause (formats/paste.ts). */
  private readonly paste = new PasteTally();
  /** Blanked-out values (`dst=x.x.x.x`): one `parse/redacted` note instead of a problem each. */
  private readonly redactions = new RedactionTally();
  /** Complete entries holding a blanked-out value (`ConntrackTableAggregate.redacted`). */
  private redactedEntries = 0;
  /** The last line read ends the input without a line break; its problems start at `lastLineProblems`, it ends at `lastLineEnd`. */
  private unterminated = false;
  private lastLineProblems = 0;
  private lastLineEnd = 0;
  /** The byte fast path's strings (one per distinct value) and counts (`fastEntry`), made on its first line. */
  private fast: { readonly keys: ByteKeys; readonly l3: DeferredCounts; readonly l4: DeferredCounts; readonly states: DeferredCounts } | undefined;

  /** `detach`: see the class comment (the chunk driver sets it; the whole-text driver does not need it). */
  constructor(readonly detach = false) {
    this.stats = new StatsCollector((code, message, start, end) => this.report(code, message, start, end));
  }

  /** A problem at text[start, end) of the current call. */
  private report(code: `parse/${string}`, message: string, start: number, end: number): void {
    const b = this.base;
    this.retain = true;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ code, message, span: { start: b + start, end: b + end } });
    else {
      this.suppressed++;
      this.firstSuppressed ??= { start: b + start, end: b + end };
    }
  }

  private addFormat(f: ConntrackFormat): void {
    if (this.formats[this.formats.length - 1] !== f && !this.formats.includes(f)) this.formats.push(f);
  }

  /** text[s, e) as a string, reusing a recently seen equal one (no allocation on the hot path). */
  private intern(text: string, s: number, e: number, cache: string[]): string {
    const len = e - s;
    outer: for (let i = 0; i < cache.length; i++) {
      const c = cache[i]!;
      if (c.length !== len) continue;
      for (let j = 0; j < len; j++) if (c.charCodeAt(j) !== text.charCodeAt(s + j)) continue outer;
      return c;
    }
    const v = this.detach ? own(text.slice(s, e)) : text.slice(s, e);
    if (cache.length < 32) cache.push(v);
    return v;
  }

  /** Reads text[start, end), one line without its line break; `line` is its zero-based number. */
  line(text: string, start: number, end: number, line: number): void {
    // Only the final line of the input can end at the end of the text (a chunk's unfinished line waits for the next).
    this.unterminated = end >= text.length && end > start;
    this.lastLineProblems = this.problems.length;
    let s = start;
    let e = end;
    while (s < e && isBlank(text.charCodeAt(s))) s++;
    while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
    if (s >= e) return;
    // A reply's or markdown quote's '>' (and a quote's empty line, '>' alone): one paste note.
    if (text.charCodeAt(s) === 62) {
      while (s < e && isLead(text.charCodeAt(s))) s++;
      if (s >= e) return;
      this.paste.indent({ start: this.base + start, end: this.base + s }, text.slice(start, s));
      // The note points into the first quoted line: a stream keeps that line (not every quoted one).
      if (!this.quoted) this.retain = this.quoted = true;
    }
    this.lastLineEnd = this.base + e;
    // Leading blanks are read over without a note: conntrack itself pads event lines (`    [NEW] tcp ...`).
    const t = this.t;
    tokenize(text, s, e, t);
    if (t.firstSrc >= 0) {
      analyzeEntry(text, t, this.a, e);
      // Lines the model keeps whole, or that report problems, are read again from their own copy.
      if (this.detach && (this.sample.length < MAX_SAMPLE || this.keepsIssues())) this.onCopy(text, start, end, line, true);
      else this.entry(text, s, e, line);
    } else if (this.detach) this.onCopy(text, start, end, line, false);
    else this.numberedOther(text, s, e, line);
  }

  /**
   * A line that is not an entry, after a `cat -n` number if it has one (entries read their own
   * number: `cat -n /proc/net/nf_conntrack`): a numbered summary or counter line is read as the line.
   */
  private numberedOther(text: string, s: number, e: number, line: number): void {
    const after = afterNumber(text, s, e);
    if (after > s && after < e) {
      this.paste.add('numbered', { start: this.base + s, end: this.base + after });
      this.retain = true;
      tokenize(text, after, e, this.t);
      s = after;
    }
    this.other(text, s, e, line);
  }

  /** Reads the line from a copy of it (detach mode), so that what the model keeps owns its text. */
  private onCopy(text: string, start: number, end: number, line: number, isEntry: boolean): void {
    const copy = own(text.slice(start, end));
    const base = this.base;
    this.base = base + start;
    let s = 0;
    let e = copy.length;
    while (s < e && isBlank(copy.charCodeAt(s))) s++;
    while (e > s && isBlank(copy.charCodeAt(e - 1))) e--;
    while (s < e && isLead(copy.charCodeAt(s))) s++;
    tokenize(copy, s, e, this.t);
    if (isEntry) {
      analyzeEntry(copy, this.t, this.a, e);
      this.entry(copy, s, e, line);
    } else this.numberedOther(copy, s, e, line);
    this.base = base;
  }

  /**
   * Whether the issues of the line just analysed point into it once read: any problem, or a
   * blanked-out value while the note still lists them. An anonymised table is then read like a
   * clean one past its first lines (no copy of each line).
   */
  private keepsIssues(): boolean {
    const issues = this.a.issues;
    if (issues.length === 0) return false;
    if (!this.a.redacted || this.redactions.count < REDACTIONS_LISTED) return true;
    for (const x of issues) if (x.code !== REDACTED_CODE) return true;
    return false;
  }

  private entry(text: string, s: number, e: number, line: number): void {
    const t = this.t;
    const a = this.a;
    // The note points at the first blanked value in text order (numbers are checked before addresses).
    if (a.redacted && a.issues.length > 1) a.issues.sort((x, y) => x.start - y.start);
    for (const x of a.issues) {
      if (x.code !== REDACTED_CODE) this.report(x.code, x.message, x.start, x.end);
      else {
        // Not a problem of the node: counted into the one note, never into the problem cap.
        const b = this.base;
        const value = text.slice(x.start, x.end);
        this.redactions.take({ start: b + x.start, end: b + x.end }, this.detach ? own(value) : value, x.message);
        if (this.redactions.count <= REDACTIONS_LISTED) this.retain = true;
      }
    }
    const isEvent = a.event >= 0;
    this.addFormat(isEvent ? 'events' : a.l3 >= 0 ? 'list-l3' : a.timeout < 0 && a.l4 >= 0 ? 'cache' : 'list');
    if (this.sample.length < MAX_SAMPLE) {
      const b = this.base;
      this.sample.push(buildEntry(text, t, a, { start: b + s, end: b + e }, line, b));
      this.retain = true;
    }
    if (isEvent) {
      this.eventsTotal++;
      increment(this.eventTypes, eventWord(text, t.start[a.event]!, t.end[a.event]!) ?? '');
      return;
    }
    if (!a.complete) {
      this.incomplete++;
      return;
    }
    this.total++;
    if (a.l3 >= 0) increment(this.byL3, this.intern(text, t.start[a.l3]!, t.end[a.l3]!, this.l3Cache));
    let l4: string;
    if (a.l4 >= 0) l4 = this.intern(text, t.start[a.l4]!, t.end[a.l4]!, this.l4Cache);
    else {
      const num = Number(text.slice(t.start[a.l4Num]!, t.end[a.l4Num]!));
      l4 = L4_BY_NUMBER.get(num) ?? 'unknown';
    }
    increment(this.byL4, l4);
    const isTcp = l4 === 'tcp';
    let synSentState = false;
    if (isTcp && a.state >= 0) {
      const st = this.intern(text, t.start[a.state]!, t.end[a.state]!, this.stateCache);
      increment(this.byTcpState, st);
      synSentState = st === 'SYN_SENT';
    }
    const isUnreplied = a.unreplied >= 0;
    if (isUnreplied) this.unreplied++;
    if (a.assured >= 0) this.assured++;
    if (a.redacted) {
      // Counted above (protocol, state, flags are real); no NAT count, group by address or DNS count
      // is fed from a blanked value, so no rule concludes from one.
      this.redactedEntries++;
      return;
    }
    const isD = a.dnat;
    if (isD) this.dnat++;
    if (a.snat) this.snat++;
    if (synSentState && isUnreplied) {
      const r = a.reply[K_SRC]!;
      const vs = t.eq[r]! + 1;
      this.synSent.add(text.slice(vs, t.end[r]!), s, e, line, vs, t.end[r]!);
    }
    const dp = (a.origMask & (1 << K_DPORT)) !== 0 ? a.orig[K_DPORT]! : -1;
    const ds = dp >= 0 ? t.eq[dp]! + 1 : 0;
    const dns = dp >= 0 && t.end[dp]! - ds === 2 && text.charCodeAt(ds) === 53 && text.charCodeAt(ds + 1) === 51;
    if (l4 === 'udp') {
      const d = a.orig[K_DST]!;
      const vs = t.eq[d]! + 1;
      const ve = t.end[d]!;
      if (dns) {
        this.dnsUdp++;
        if (isUnreplied) this.dnsUdpUnreplied++;
        this.udpDns.add(this.intern(text, vs, ve, this.dnsCache), s, e, line, vs, ve);
      }
      if (isUnreplied && !isD) this.staleUdp.add(text.slice(vs, ve), s, e, line, vs, ve);
    } else if (isTcp && dns) this.dnsTcp++;
  }

  /**
   * Whether the byte fast path may count the next entry line (`fastEntry`): only once the sample
   * is full, as every sampled line is parsed in full by the text reader.
   */
  get fastReady(): boolean {
    return this.sample.length >= MAX_SAMPLE;
  }

  /**
   * A table entry line read by the byte fast path (`fastLine.ts`: complete, no problem, ASCII):
   * what `line` and `entry` do for such a line, from its bytes. Offsets are in `b` (`base` turns
   * them into document offsets as for text). Keep in step with `entry`:
   * test/formats/conntrack/fastLine.test.ts compares the two on generated and mutated lines.
   */
  fastEntry(f: FastLine, b: Buffer, line: number): void {
    const s = f.start;
    const e = f.end;
    this.unterminated = false;
    this.lastLineProblems = this.problems.length;
    this.lastLineEnd = this.base + e;
    const fast = (this.fast ??= {
      keys: new ByteKeys(),
      l3: new DeferredCounts(this.byL3),
      l4: new DeferredCounts(this.byL4),
      states: new DeferredCounts(this.byTcpState),
    });
    const keys = fast.keys;
    this.addFormat(f.l3Start >= 0 ? 'list-l3' : f.timeout ? 'list' : 'cache');
    this.total++;
    if (f.l3Start >= 0) fast.l3.add(keys.get(b, f.l3Start, f.l3End), keys.id);
    const l4 = keys.get(b, f.l4Start, f.l4End);
    fast.l4.add(l4, keys.id);
    const isTcp = l4 === 'tcp';
    let synSentState = false;
    if (isTcp && f.stateStart >= 0) {
      const st = keys.get(b, f.stateStart, f.stateEnd);
      fast.states.add(st, keys.id);
      synSentState = st === 'SYN_SENT';
    }
    const isUnreplied = f.unreplied;
    if (isUnreplied) this.unreplied++;
    if (f.assured) this.assured++;
    if (f.dnat) this.dnat++;
    if (f.snat) this.snat++;
    if (synSentState && isUnreplied) this.synSent.add(keys.get(b, f.replySrcStart, f.replySrcEnd), s, e, line, f.replySrcStart, f.replySrcEnd);
    if (l4 === 'udp') {
      const vs = f.origDstStart;
      const ve = f.origDstEnd;
      if (f.dns) {
        this.dnsUdp++;
        if (isUnreplied) this.dnsUdpUnreplied++;
        this.udpDns.add(keys.get(b, vs, ve), s, e, line, vs, ve);
      }
      if (isUnreplied && !f.dnat) this.staleUdp.add(keys.get(b, vs, ve), s, e, line, vs, ve);
    } else if (isTcp && f.dns) this.dnsTcp++;
  }

  private other(text: string, s: number, e: number, line: number): void {
    const t = this.t;
    const b = this.base;
    const c0 = text.charCodeAt(s);
    if (c0 === 99 /* c */ && text.startsWith('conntrack v', s)) {
      const lineText = text.slice(s, e);
      const m = SUMMARY.exec(lineText);
      if (m) {
        const version = m[1]!;
        const message = m[2]!;
        const vs = b + s + 'conntrack v'.length;
        const ms = b + s + lineText.length - message.length;
        const c = SUMMARY_COUNT.exec(message);
        if (this.summaries.length >= MAX_LIST) return;
        this.retain = true;
        this.summaries.push({
          span: { start: b + s, end: b + e },
          version: { value: version, span: { start: vs, end: vs + version.length } },
          message: { value: message, span: { start: ms, end: b + e } },
          ...(c ? { count: { value: Number(c[1]), span: { start: ms, end: ms + c[1]!.length } }, what: c[2]!.replace('flow ', ''), action: c[3]! } : {}),
        });
        return;
      }
    }
    // `<` starts XML output, unless it is the HTML an issue wraps a paste in (`<details>`: paste decoration below).
    if (c0 === 60 /* < */ && decorationOf(text.slice(s, Math.min(e, s + 201))) !== 'markup') {
      if (!this.reportedXml) {
        this.reportedXml = true;
        this.report('parse/conntrack-unsupported-format', 'XML output (conntrack -o xml) is not read; paste the plain output of conntrack -L instead', s, e);
      }
      return;
    }
    if (c0 === 45 /* - */ && e - s > 1 && text.charCodeAt(s + 1) !== 45 && !isDigitCode(text.charCodeAt(s + 1))) {
      if (!this.reportedSave) {
        this.reportedSave = true;
        this.report('parse/conntrack-unsupported-format', "'conntrack -o save' output is not read; paste the plain output of conntrack -L instead", s, e);
      }
      return;
    }
    const cause = decorationOf(text.slice(s, Math.min(e, s + 201))) ?? (isElision(text, s, e) ? 'elision' : undefined);
    if (cause) {
      // Paste decoration: one note per cause at the end; an elision is also kept in the model (the table is partial).
      this.paste.add(cause, { start: b + s, end: b + e });
      this.retain = true;
      if (cause === 'elision' && this.elisions.length < MAX_LIST) this.elisions.push({ start: b + s, end: b + e });
      return;
    }
    if (c0 === 35 /* # */) return; // a comment
    if (c0 === 36 /* $ */) {
      this.paste.add('prompt', { start: b + s, end: b + e });
      this.retain = true;
      return;
    }
    const stats = this.stats;
    stats.text = text;
    stats.base = b;
    if (t.n > 0 && t.eq[0]! >= 0 && isCounterLine(text, t)) {
      this.addFormat('stats');
      this.retain = true;
      stats.counterLine(t, s, e, line);
      return;
    }
    if (isProcHeader(text, t)) {
      this.addFormat('stats-proc');
      this.retain = true;
      stats.procHeader(t, s, e);
      return;
    }
    if (isHexRow(text, t)) {
      this.retain = true;
      if (!stats.hexRow(t, s, e, line)) {
        this.report(
          'parse/conntrack-syntax',
          'these look like /proc/net/stat/nf_conntrack counters, but the header line naming the columns (entries searched found ...) is missing',
          s,
          e,
        );
      }
      return;
    }
    if (isLegacyCounter(text, t)) {
      this.addFormat('stats-legacy');
      this.retain = true;
      stats.legacyCounter(t, s, e, line);
      return;
    }
    if (t.n === 1 && t.cls[0] === C_DIGIT && t.eq[0] === -1) {
      // `conntrack -C`: the number of entries in the table.
      if (this.counts.length < MAX_LIST) {
        this.counts.push({ value: Number(text.slice(s, e)), span: { start: b + s, end: b + e } });
        this.retain = true;
      }
      return;
    }
    if (looksLikeEntryHead(text, t)) {
      this.incomplete++;
      this.report('parse/conntrack-truncated', 'this entry is cut off before its addresses (src=, dst=)', s, e);
      return;
    }
    if (PROMPT.test(text.slice(s, Math.min(e, s + 200)))) {
      // `root@node:~# conntrack -L` in a spelling the paste layer does not know.
      this.paste.add('prompt', { start: b + s, end: b + e });
      this.retain = true;
      return;
    }
    const shown = text.slice(s, Math.min(e, s + 40));
    this.report(
      'parse/conntrack-syntax',
      `unrecognised line '${shown}${e - s > 40 ? '...' : ''}': expected a conntrack entry ('tcp 6 117 TIME_WAIT src=...'), a conntrack -S line ('cpu=0 found=...') or a /proc/net/stat/nf_conntrack row`,
      s,
      e,
    );
  }

  /** The model of everything read. */
  finish(): ConntrackModel {
    if (this.fast) {
      this.fast.l3.flush();
      this.fast.l4.flush();
      this.fast.states.flush();
    }
    const problems = this.problems;
    // A paste cut inside its last line: its problems are the one truncation note (paste.ts).
    const from = this.lastLineProblems;
    if (this.unterminated) cutLine(problems, 'parse/conntrack-truncated', (p, i) => i >= from && p.span.end >= this.lastLineEnd && (p.code === 'parse/conntrack-syntax' || p.code === 'parse/conntrack-bad-value'));
    else foldTruncated(problems, 'parse/conntrack-truncated');
    pushAll(problems, this.paste.notes('parse/paste'));
    const redacted = this.redactions.note('conntrack table');
    if (redacted) problems.push(redacted);
    if (this.suppressed > 0 && this.firstSuppressed) {
      problems.push({
        code: 'parse/conntrack-syntax',
        message: `${this.suppressed} more problems from here on are not listed (only the first ${MAX_PROBLEMS} are)`,
        span: this.firstSuppressed,
      });
    }
    return {
      formats: this.formats,
      table: {
        total: this.total,
        incomplete: this.incomplete,
        byL3: this.byL3,
        byL4: this.byL4,
        byTcpState: this.byTcpState,
        unreplied: this.unreplied,
        assured: this.assured,
        redacted: this.redactedEntries,
        dnat: this.dnat,
        snat: this.snat,
        synSentUnreplied: this.synSent.result(),
        dns: { udp: this.dnsUdp, udpUnreplied: this.dnsUdpUnreplied, tcp: this.dnsTcp, udpByDst: this.udpDns.result() },
        udpUnrepliedNoDnat: this.staleUdp.result(),
        sample: this.sample,
      },
      events: { total: this.eventsTotal, byType: this.eventTypes },
      summaries: this.summaries,
      counts: this.counts,
      stats: this.stats.finish(),
      elisions: this.elisions,
      problems,
    };
  }
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `...`, `…`, `[...]`: the author cut output here. */
function isElision(text: string, s: number, e: number): boolean {
  let dots = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 0x2026) dots += 3;
    else if (!((c === 91 && i === s) || (c === 93 && i === e - 1) || isBlank(c))) return false;
  }
  return dots >= 2;
}

/** `tcp      6 5` / `[NEW] udp 17 30`: an entry header with no tuple (cut off). */
function looksLikeEntryHead(text: string, t: scan.Tokens): boolean {
  let i = 0;
  while (i < t.n && (t.cls[i]! & C_BRACKET) !== 0 && eventWord(text, t.start[i]!, t.end[i]!) !== undefined) i++;
  if (i + 1 >= t.n || t.eq[i] !== -1 || t.eq[i + 1] !== -1) return false;
  const nameOk = (t.cls[i]! & ~(C_LOWER | C_DIGIT | C_MINUS | C_UNDERSCORE)) === 0 && text.charCodeAt(t.start[i]!) >= 97 && text.charCodeAt(t.start[i]!) <= 122;
  if (!nameOk || t.cls[i + 1] !== C_DIGIT) return false;
  const name = text.slice(t.start[i]!, t.end[i]!);
  return name === 'ipv4' || name === 'ipv6' || [...L4_BY_NUMBER.values()].includes(name) || name === 'unknown';
}
