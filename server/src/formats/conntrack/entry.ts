import type { ParseProblem } from '../../core/problem';
import { REDACTED_CODE } from '../../core/redaction';
import type { Located, Span } from '../../core/span';
import { L4_BY_NUMBER, type ConntrackEntry, type ConntrackEntryParse, type ConntrackField, type ConntrackFlag, type ConntrackTuple } from './model';
import {
  EntryLayout,
  K_BYTES,
  K_CODE,
  K_DPORT,
  K_DST,
  K_ID,
  K_MARK,
  K_PACKETS,
  K_SECCTX,
  K_SECMARK,
  K_SPORT,
  K_SRC,
  K_TYPE,
  K_USE,
  K_ZONE,
  R_FIELD,
  R_FLAG,
  R_ORIG,
  R_REPLY,
  Tokens,
  analyzeEntry,
  decimal,
  eventWord,
  keyId,
  onlyDigits,
  tokenize,
  type Issue,
} from './scan';

/** Builds the full entry object from an analysed line. All spans are shifted by `base`. */
export function buildEntry(text: string, t: Tokens, a: EntryLayout, span: Span, line: number, base: number): ConntrackEntry {
  const sp = (s: number, e: number): Span => ({ start: base + s, end: base + e });
  const tok = (i: number): Located<string> => ({ value: text.slice(t.start[i]!, t.end[i]!), span: sp(t.start[i]!, t.end[i]!) });
  const num = (i: number): Located<number> => ({ value: decimal(text, t.start[i]!, t.end[i]!), span: sp(t.start[i]!, t.end[i]!) });
  const field = (i: number): ConntrackField => {
    const s = t.start[i]!;
    const eq = t.eq[i]!;
    const e = t.end[i]!;
    const value = text.slice(eq + 1, e);
    return {
      key: { value: text.slice(s, eq), span: sp(s, eq) },
      value: { value, span: sp(eq + 1, e) },
      ...(onlyDigits(text, eq + 1, e) ? { number: decimal(text, eq + 1, e) } : {}),
      span: sp(s, e),
    };
  };
  const numValue = (f: ConntrackField): Located<number> | undefined => (f.number !== undefined ? { value: f.number, span: f.value.span } : undefined);

  const tuple = (want: number): ConntrackTuple => {
    const fields: ConntrackField[] = [];
    let first = -1;
    let last = -1;
    let src: Located<string> | undefined;
    let dst: Located<string> | undefined;
    const nums: Partial<Record<'sport' | 'dport' | 'type' | 'code' | 'id' | 'packets' | 'bytes', Located<number>>> = {};
    for (let i = 0; i < t.n; i++) {
      if (a.role[i] !== want) continue;
      if (first < 0) first = i;
      last = i;
      const f = field(i);
      fields.push(f);
      const k = keyId(text, t.start[i]!, t.eq[i]!);
      if (k === K_SRC) src = f.value;
      else if (k === K_DST) dst = f.value;
      else {
        const name = ({ [K_SPORT]: 'sport', [K_DPORT]: 'dport', [K_TYPE]: 'type', [K_CODE]: 'code', [K_ID]: 'id', [K_PACKETS]: 'packets', [K_BYTES]: 'bytes' } as const)[k as 3];
        const v = numValue(f);
        if (name && v) nums[name] = v;
      }
    }
    return {
      span: first < 0 ? sp(span.start - base, span.start - base) : sp(t.start[first]!, t.end[last]!),
      ...(src ? { src } : {}),
      ...(dst ? { dst } : {}),
      ...nums,
      fields,
    };
  };

  const flags: ConntrackFlag[] = [];
  const fields: ConntrackField[] = [];
  let mark: Located<number> | undefined;
  let secmark: Located<number> | undefined;
  let secctx: Located<string> | undefined;
  let zone: Located<number> | undefined;
  let use: Located<number> | undefined;
  for (let i = 0; i < t.n; i++) {
    const r = a.role[i];
    if (r === R_FLAG) {
      const s = t.start[i]!;
      const e = t.end[i]!;
      const closed = text.charCodeAt(e - 1) === 93;
      flags.push({ value: text.slice(s + 1, closed ? e - 1 : e), span: sp(s, e) });
    } else if (r === R_FIELD) {
      const f = field(i);
      fields.push(f);
      const k = keyId(text, t.start[i]!, t.eq[i]!);
      if (k === K_MARK) mark ??= numValue(f);
      else if (k === K_SECMARK) secmark ??= numValue(f);
      else if (k === K_ZONE) zone ??= numValue(f);
      else if (k === K_USE) use ??= numValue(f);
      else if (k === K_SECCTX) secctx ??= f.value;
    }
  }

  let protocol: Located<string>;
  let inferred = false;
  if (a.l4 >= 0) protocol = tok(a.l4);
  else if (a.l4Num >= 0) {
    const n = decimal(text, t.start[a.l4Num]!, t.end[a.l4Num]!);
    protocol = { value: L4_BY_NUMBER.get(n) ?? 'unknown', span: sp(t.start[a.l4Num]!, t.end[a.l4Num]!) };
    inferred = true;
  } else protocol = { value: 'unknown', span: sp(span.start - base, span.start - base) };

  let timeout: Located<number> | undefined;
  if (a.timeout >= 0) {
    const s = t.start[a.timeout]!;
    const e = t.end[a.timeout]!;
    const neg = text.charCodeAt(s) === 45;
    const v = decimal(text, neg ? s + 1 : s, e);
    timeout = { value: neg ? -v : v, span: sp(s, e) };
  }
  let event: Located<string> | undefined;
  if (a.event >= 0) {
    const s = t.start[a.event]!;
    const e = t.end[a.event]!;
    event = { value: eventWord(text, s, e) ?? '', span: sp(s, e) };
  }
  let eventTime: Located<number> | undefined;
  if (a.time >= 0) {
    const s = t.start[a.time]!;
    const e = t.end[a.time]!;
    eventTime = { value: Number(text.slice(s + 1, e - 1).replace(/ /g, '')), span: sp(s, e) };
  }
  const complete = a.complete;
  return {
    span,
    line,
    ...(a.lineNo >= 0 ? { lineNumber: num(a.lineNo) } : {}),
    ...(event ? { event } : {}),
    ...(eventTime ? { eventTime } : {}),
    ...(a.l3 >= 0 ? { l3: tok(a.l3), l3Number: num(a.l3Num) } : {}),
    protocol,
    ...(a.l4Num >= 0 ? { protocolNumber: num(a.l4Num) } : {}),
    ...(inferred ? { protocolInferred: true } : {}),
    ...(timeout ? { timeout } : {}),
    ...(a.state >= 0 ? { state: tok(a.state) } : {}),
    original: tuple(R_ORIG),
    ...(a.replyMask !== 0 ? { reply: tuple(R_REPLY) } : {}),
    ...(a.unreplied >= 0 ? { unreplied: sp(t.start[a.unreplied]!, t.end[a.unreplied]!) } : {}),
    ...(a.assured >= 0 ? { assured: sp(t.start[a.assured]!, t.end[a.assured]!) } : {}),
    flags,
    ...(mark ? { mark } : {}),
    ...(secmark ? { secmark } : {}),
    ...(secctx ? { secctx } : {}),
    ...(zone ? { zone } : {}),
    ...(use ? { use } : {}),
    fields,
    complete,
    dnat: a.dnat,
    snat: a.snat,
    ...(a.redacted ? { redacted: true as const } : {}),
  };
}

export function issuesToProblems(issues: readonly Issue[], base: number): ParseProblem[] {
  return issues.map((x) => ({ code: x.code, message: x.message, span: { start: base + x.start, end: base + x.end } }));
}

const lineTokens = new Tokens();
const lineLayout = new EntryLayout();

/**
 * Parses one conntrack entry line in full (hover re-reads the line under the cursor with this).
 * `base` is the offset of `line` in the document; every span in the result is a document offset.
 * Accepts every shape of entry line (`conntrack -L`, `-o extended`, `/proc/net/nf_conntrack`,
 * `conntrack -E`, `conntrackd -i`, `cat -n` prefixes). Never throws.
 */
export function parseConntrackEntry(line: string, base: number): ConntrackEntryParse {
  let end = line.length;
  // Only the first line is read if a line break sneaks in.
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 10 || c === 13) {
      end = i;
      break;
    }
  }
  tokenize(line, 0, end, lineTokens);
  if (lineTokens.n === 0) return { problems: [] };
  const s = lineTokens.start[0]!;
  const e = lineTokens.end[lineTokens.n - 1]!;
  if (lineTokens.firstSrc < 0) {
    return {
      problems: [{ code: 'parse/conntrack-syntax', message: 'not a conntrack entry: an entry has src= and dst= addresses', span: { start: base + s, end: base + e } }],
    };
  }
  analyzeEntry(line, lineTokens, lineLayout, end);
  const entry = buildEntry(line, lineTokens, lineLayout, { start: base + s, end: base + e }, 0, base);
  // A blanked-out value is not a problem of the line (the document's reader notes it once).
  return { entry, problems: issuesToProblems(lineLayout.issues.filter((x) => x.code !== REDACTED_CODE), base) };
}
