import type { ParseProblem } from '../../core/problem';
import type { Located, Span } from '../../core/span';
import { buildEntry } from './entry';
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

export { parseConntrackEntry } from './entry';

// Module-local copies of the hot-path bindings: one lookup at load time instead of one per call
// (CommonJS output reads imported bindings through property getters).
const { tokenize, analyzeEntry, isBlank, eventWord, Tokens, EntryLayout } = scan;
const { K_SRC, K_DST, K_DPORT, C_BRACKET, C_DIGIT, C_LOWER, C_MINUS, C_UNDERSCORE } = scan;

/** Distinct keys kept per count map (protocol names, states); the rest is counted under `(other)`. */
const MAX_COUNT_KEYS = 256;

const SUMMARY = /^conntrack v(\S+) \(conntrack-tools\):[ \t]*(.*)$/;
const SUMMARY_COUNT = /^(\d+) (flow entries|flow events|expectations) ha(?:ve|s) been (\w+)/;
const PROMPT = /^(?:\[[^\]]*\]|[\w.@:~/-]+)?[#$>][ \t]/;

class Groups {
  total = 0;
  ungrouped = 0;
  private readonly map = new Map<string, { key: string; count: number; examples: ConntrackEntryRef[] }>();

  add(key: string, s: number, e: number, line: number, ks: number, ke: number): void {
    this.total++;
    let g = this.map.get(key);
    if (!g) {
      if (this.map.size >= MAX_GROUPS) {
        this.ungrouped++;
        return;
      }
      g = { key, count: 0, examples: [] };
      this.map.set(key, g);
    }
    g.count++;
    if (g.examples.length < MAX_GROUP_EXAMPLES) g.examples.push({ span: { start: s, end: e }, line, key: { start: ks, end: ke } });
  }

  result(): ConntrackGroups {
    const groups: ConntrackEntryGroup[] = [...this.map.values()];
    return { total: this.total, groups, ungrouped: this.ungrouped };
  }
}

function increment(m: Map<string, number>, key: string): void {
  const v = m.get(key);
  if (v !== undefined) m.set(key, v + 1);
  else if (m.size < MAX_COUNT_KEYS) m.set(key, 1);
  else m.set('(other)', (m.get('(other)') ?? 0) + 1);
}

/** Returns text[s, e) as a string, reusing a recently seen equal string (no allocation on the hot path). */
function intern(text: string, s: number, e: number, cache: string[]): string {
  const len = e - s;
  outer: for (let i = 0; i < cache.length; i++) {
    const c = cache[i]!;
    if (c.length !== len) continue;
    for (let j = 0; j < len; j++) if (c.charCodeAt(j) !== text.charCodeAt(s + j)) continue outer;
    return c;
  }
  const v = text.slice(s, e);
  if (cache.length < 32) cache.push(v);
  return v;
}

/**
 * Reads any mix of conntrack outputs (see `ConntrackModel`). Streams over the text once, keeps
 * aggregates and bounded samples, never throws; every problem sits on the exact offending text.
 */
export function parseConntrack(text: string): ConntrackModel {
  const problems: ParseProblem[] = [];
  let suppressed = 0;
  let firstSuppressed: Span | undefined;
  const report = (code: `parse/${string}`, message: string, start: number, end: number): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ code, message, span: { start, end } });
    else {
      suppressed++;
      firstSuppressed ??= { start, end };
    }
  };

  const formats: ConntrackFormat[] = [];
  const addFormat = (f: ConntrackFormat): void => {
    if (!formats.includes(f)) formats.push(f);
  };
  const t: scan.Tokens = new Tokens();
  const a: scan.EntryLayout = new EntryLayout();
  const stats = new StatsCollector(text, report);
  const summaries: ConntrackSummary[] = [];
  const counts: Located<number>[] = [];
  const elisions: Span[] = [];
  const sample: ConntrackEntry[] = [];
  const byL3 = new Map<string, number>();
  const byL4 = new Map<string, number>();
  const byTcpState = new Map<string, number>();
  const eventTypes = new Map<string, number>();
  const l3Cache: string[] = [];
  const l4Cache: string[] = [];
  const stateCache: string[] = [];
  const synSent = new Groups();
  const udpDns = new Groups();
  const staleUdp = new Groups();
  let total = 0;
  let incomplete = 0;
  let unreplied = 0;
  let assured = 0;
  let dnat = 0;
  let snat = 0;
  let dnsUdp = 0;
  let dnsUdpUnreplied = 0;
  let dnsTcp = 0;
  let eventsTotal = 0;
  let reportedXml = false;
  let reportedSave = false;

  const dnsCache: string[] = [];

  const entry = (s: number, e: number, line: number): void => {
    analyzeEntry(text, t, a, e);
    for (const x of a.issues) report(x.code, x.message, x.start, x.end);
    const isEvent = a.event >= 0;
    addFormat(isEvent ? 'events' : a.l3 >= 0 ? 'list-l3' : a.timeout < 0 && a.l4 >= 0 ? 'cache' : 'list');
    if (sample.length < MAX_SAMPLE) sample.push(buildEntry(text, t, a, { start: s, end: e }, line, 0));
    if (isEvent) {
      eventsTotal++;
      increment(eventTypes, eventWord(text, t.start[a.event]!, t.end[a.event]!) ?? '');
      return;
    }
    if (!a.complete) {
      incomplete++;
      return;
    }
    total++;
    if (a.l3 >= 0) increment(byL3, intern(text, t.start[a.l3]!, t.end[a.l3]!, l3Cache));
    let l4: string;
    if (a.l4 >= 0) l4 = intern(text, t.start[a.l4]!, t.end[a.l4]!, l4Cache);
    else {
      const num = Number(text.slice(t.start[a.l4Num]!, t.end[a.l4Num]!));
      l4 = L4_BY_NUMBER.get(num) ?? 'unknown';
    }
    increment(byL4, l4);
    const isTcp = l4 === 'tcp';
    let synSentState = false;
    if (isTcp && a.state >= 0) {
      const st = intern(text, t.start[a.state]!, t.end[a.state]!, stateCache);
      increment(byTcpState, st);
      synSentState = st === 'SYN_SENT';
    }
    const isUnreplied = a.unreplied >= 0;
    if (isUnreplied) unreplied++;
    if (a.assured >= 0) assured++;
    const isD = a.dnat;
    if (isD) dnat++;
    if (a.snat) snat++;
    if (synSentState && isUnreplied) {
      const r = a.reply[K_SRC]!;
      const vs = t.eq[r]! + 1;
      synSent.add(text.slice(vs, t.end[r]!), s, e, line, vs, t.end[r]!);
    }
    const dp = (a.origMask & (1 << K_DPORT)) !== 0 ? a.orig[K_DPORT]! : -1;
    const ds = dp >= 0 ? t.eq[dp]! + 1 : 0;
    const dns = dp >= 0 && t.end[dp]! - ds === 2 && text.charCodeAt(ds) === 53 && text.charCodeAt(ds + 1) === 51;
    if (l4 === 'udp') {
      const d = a.orig[K_DST]!;
      const vs = t.eq[d]! + 1;
      const ve = t.end[d]!;
      if (dns) {
        dnsUdp++;
        if (isUnreplied) dnsUdpUnreplied++;
        udpDns.add(intern(text, vs, ve, dnsCache), s, e, line, vs, ve);
      }
      if (isUnreplied && !isD) staleUdp.add(text.slice(vs, ve), s, e, line, vs, ve);
    } else if (isTcp && dns) dnsTcp++;
  };

  const other = (s: number, e: number, line: number): void => {
    const c0 = text.charCodeAt(s);
    if (c0 === 99 /* c */ && text.startsWith('conntrack v', s)) {
      const lineText = text.slice(s, e);
      const m = SUMMARY.exec(lineText);
      if (m) {
        const version = m[1]!;
        const message = m[2]!;
        const vs = s + 'conntrack v'.length;
        const ms = s + lineText.length - message.length;
        const c = SUMMARY_COUNT.exec(message);
        if (summaries.length >= MAX_LIST) return;
        summaries.push({
          span: { start: s, end: e },
          version: { value: version, span: { start: vs, end: vs + version.length } },
          message: { value: message, span: { start: ms, end: e } },
          ...(c ? { count: { value: Number(c[1]), span: { start: ms, end: ms + c[1]!.length } }, what: c[2]!.replace('flow ', ''), action: c[3]! } : {}),
        });
        return;
      }
    }
    if (c0 === 60 /* < */) {
      if (!reportedXml) {
        reportedXml = true;
        report('parse/conntrack-unsupported-format', 'XML output (conntrack -o xml) is not read; paste the plain output of conntrack -L instead', s, e);
      }
      return;
    }
    if (c0 === 45 /* - */ && e - s > 1 && text.charCodeAt(s + 1) !== 45 && !isDigitCode(text.charCodeAt(s + 1))) {
      if (!reportedSave) {
        reportedSave = true;
        report('parse/conntrack-unsupported-format', "'conntrack -o save' output is not read; paste the plain output of conntrack -L instead", s, e);
      }
      return;
    }
    if (isElision(text, s, e)) {
      if (elisions.length < MAX_LIST) elisions.push({ start: s, end: e });
      return;
    }
    if (c0 === 35 /* # */ || c0 === 36 /* $ */) return; // a comment or a shell prompt line
    if (t.n > 0 && t.eq[0]! >= 0 && isCounterLine(text, t)) {
      addFormat('stats');
      stats.counterLine(t, s, e, line);
      return;
    }
    if (isProcHeader(text, t)) {
      addFormat('stats-proc');
      stats.procHeader(t, s, e);
      return;
    }
    if (isHexRow(text, t)) {
      if (!stats.hexRow(t, s, e, line)) {
        report(
          'parse/conntrack-syntax',
          'these look like /proc/net/stat/nf_conntrack counters, but the header line naming the columns (entries searched found ...) is missing',
          s,
          e,
        );
      }
      return;
    }
    if (isLegacyCounter(text, t)) {
      addFormat('stats-legacy');
      stats.legacyCounter(t, s, e, line);
      return;
    }
    if (t.n === 1 && t.cls[0] === C_DIGIT && t.eq[0] === -1) {
      // `conntrack -C`: the number of entries in the table.
      if (counts.length < MAX_LIST) counts.push({ value: Number(text.slice(s, e)), span: { start: s, end: e } });
      return;
    }
    if (looksLikeEntryHead(text, t)) {
      incomplete++;
      report('parse/conntrack-truncated', 'this entry is cut off before its addresses (src=, dst=)', s, e);
      return;
    }
    if (PROMPT.test(text.slice(s, Math.min(e, s + 200)))) return; // `root@node:~# conntrack -L`
    const shown = text.slice(s, Math.min(e, s + 40));
    report(
      'parse/conntrack-syntax',
      `unrecognised line '${shown}${e - s > 40 ? '...' : ''}': expected a conntrack entry ('tcp 6 117 TIME_WAIT src=...'), a conntrack -S line ('cpu=0 found=...') or a /proc/net/stat/nf_conntrack row`,
      s,
      e,
    );
  };

  // Line loop over offsets (no per-line strings): "\n", "\r\n" and a lone "\r" end a line.
  const n = text.length;
  let pos = 0;
  let line = 0;
  let nextLf = text.indexOf('\n');
  let nextCr = text.indexOf('\r');
  if (nextLf < 0) nextLf = n;
  if (nextCr < 0) nextCr = n;
  while (pos <= n) {
    if (nextLf < pos) {
      nextLf = text.indexOf('\n', pos);
      if (nextLf < 0) nextLf = n;
    }
    if (nextCr < pos) {
      nextCr = text.indexOf('\r', pos);
      if (nextCr < 0) nextCr = n;
    }
    const lineEnd = nextLf < nextCr ? nextLf : nextCr;
    let s = pos;
    let e = lineEnd;
    while (s < e && isBlank(text.charCodeAt(s))) s++;
    while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
    if (s < e) {
      tokenize(text, s, e, t);
      if (t.firstSrc >= 0) entry(s, e, line);
      else other(s, e, line);
    }
    if (lineEnd >= n) break;
    pos = lineEnd === nextCr && text.charCodeAt(lineEnd + 1) === 10 ? lineEnd + 2 : lineEnd + 1;
    line++;
  }

  if (suppressed > 0 && firstSuppressed) {
    problems.push({
      code: 'parse/conntrack-syntax',
      message: `${suppressed} more problems from here on are not listed (only the first ${MAX_PROBLEMS} are)`,
      span: firstSuppressed,
    });
  }

  return {
    formats,
    table: {
      total,
      incomplete,
      byL3,
      byL4,
      byTcpState,
      unreplied,
      assured,
      dnat,
      snat,
      synSentUnreplied: synSent.result(),
      dns: { udp: dnsUdp, udpUnreplied: dnsUdpUnreplied, tcp: dnsTcp, udpByDst: udpDns.result() },
      udpUnrepliedNoDnat: staleUdp.result(),
      sample,
    },
    events: { total: eventsTotal, byType: eventTypes },
    summaries,
    counts,
    stats: stats.finish(),
    elisions,
    problems,
  };
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
