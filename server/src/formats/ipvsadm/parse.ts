import { forEachLine, type Line } from '../../core/lines';
import type { ParseProblem } from '../../core/problem';
import { pushAll } from '../../core/arrays';
import { cutAtEnd, forEachPasteLine, readPaste } from '../paste';
import type { Span } from '../../core/span';
import { connHeader, connRow, EXPIRE, procConnRow } from './connections';
import { daemonLine } from './daemon';
import { columnHeader, elision, PROMPT, promptOrComment, realServerHeader, versionLine } from './headers';
import { IPVS_LIMITS, type IpvsadmModel } from './model';
import { HEX } from './numbers';
import { statsHeader, statsRow } from './procStats';
import { IpvsReader } from './reader';
import { saveLine } from './save';
import { realServerRow, serviceLine } from './tableRows';
import { timeoutLine } from './timeout';
import { clip, isElision, tokenize } from './tokens';

/**
 * Parses any mix of ipvsadm outputs and IPVS /proc files. Total: never throws, linear time, memory
 * bounded (connection tables keep aggregates plus a bounded number of entries; problems are capped).
 *
 * This file only sends each line to the reader of its variant: table rows (`tableRows.ts`, whose
 * columns `list.ts` and `statsRate.ts` read), `save.ts`, `timeout.ts`, `daemon.ts`,
 * `connections.ts`, `procStats.ts`; headers, prompts and elisions (`headers.ts`). They share the
 * section state in `reader.ts` and the token, number and address readers.
 */
export function parseIpvsadm(text: string): IpvsadmModel {
  const r = new IpvsReader(text);
  // The shared paste layer reads around kubectl noise, fences, a quote's indentation and prompts of
  // other commands (one note per cause). A prompt running ipvsadm (or cat/watch of /proc/net/ip_vs*)
  // stays this reader's: it tells which variant follows. Elisions keep their own handling (rows after
  // one are orphans, parse/ipvsadm-elided, one note per file).
  const paste = readPaste(text, { code: 'parse/paste', ownLine, ownElisions: true, ownIndent: (l) => PROC_STATS_HEADER.test(l) });
  // Spans are offsets in the text read: the paste view when terminal-wrapped lines were joined.
  const read = readOneLine(r, paste ? paste.text : text);
  if (!paste) forEachLine(text, read);
  else forEachPasteLine(paste, read, (span) => elision(r, span));
  const model = r.finish();
  cutAtEnd(text, model.problems as ParseProblem[], 'parse/ipvsadm-truncated', ['parse/ipvsadm-syntax', 'parse/ipvsadm-bad-value']);
  if (paste) pushAll(model.problems as ParseProblem[], paste.notes);
  return model;
}

/** /proc/net/ip_vs_stats, which the kernel prints indented (`   Total Incoming Outgoing ...`). */
const PROC_STATS_HEADER = /^(?:Total\s+Incoming|Conns\s+Packets|Conns\/s)\b/;

/** A prompt line whose command is what the reader learns the variant from. */
const OWN_COMMAND = /(?:^|[\s#$>])(?:sudo\s+)?(?:ipvsadm|cat|watch)\b/;
function ownLine(line: string): boolean {
  return OWN_COMMAND.test(line);
}

/** Reads one line of `text`, its problems folded (blanked-out values) before the problem cap counts them (reader.ts). */
function readOneLine(r: IpvsReader, text: string): (l: Line) => void {
  return (l) => {
    r.beginLine();
    readLine(r, l);
    r.endLine(text);
  };
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'FWM']);
const CONN_PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'IP', 'ICMP', 'ICMPv6', 'AH', 'ESP']);

function readLine(r: IpvsReader, l: Line): void {
  const { toks, overflow } = tokenize(l.text, l.start);
  if (toks.length === 0) return;
  const first = toks[0]!;
  const lineSpan: Span = { start: first.start, end: overflow ? l.start + l.text.trimEnd().length : toks[toks.length - 1]!.end };
  if (overflow) {
    r.syntax(`line too long: only the first ${IPVS_LIMITS.tokensPerLine} fields were read`, lineSpan);
  }
  const f = first.text;
  const second = toks[1]?.text;
  const freeRow = r.cur?.kind === 'conn' && CONN_PROTOCOLS.has(f);
  if (!freeRow && --r.lineBudget < 0) {
    if (r.skipped) r.skipped.count++;
    else r.skipped = { first: lineSpan, count: 1 };
    return;
  }

  if (isElision(f) && toks.length === 1) return elision(r, lineSpan);
  if (f === '$' || f === '#' || ((f.startsWith('[') || f.includes('@')) && PROMPT.test(l.text.slice(first.start - l.start, first.start - l.start + 400)))) {
    return promptOrComment(r, l, first, lineSpan);
  }
  if (f.startsWith('#')) return; // comment in a save file
  if (f === 'IP' && second === 'Virtual' && toks[2]?.text === 'Server' && toks[3]?.text === 'version') {
    return versionLine(r, toks, lineSpan, l.number);
  }
  if (f === 'Prot' && second === 'LocalAddress:Port') return columnHeader(r, toks, lineSpan, l.number);
  if (f === '->') {
    if (second !== undefined && second.startsWith('RemoteAddress')) return realServerHeader(r, toks, lineSpan, l.number);
    return realServerRow(r, toks, lineSpan, l.number);
  }
  if (f === 'Timeout') return timeoutLine(r, toks, lineSpan, l.number);
  if (f === 'IPVS' && second === 'connection' && toks[2]?.text === 'entries') {
    r.open('conn', 'connections', lineSpan, l.number);
    r.cur!.conn!.header = lineSpan;
    return;
  }
  if (f === 'pro' && second === 'expire') return connHeader(r, 'connections', lineSpan, l.number);
  if (f === 'Pro' && second === 'FromIP') return connHeader(r, 'proc-connections', lineSpan, l.number);
  if (f === 'Total' && second === 'Incoming') return statsHeader(r, undefined, lineSpan, l.number);
  if (f === 'Conns' && second === 'Packets') return statsHeader(r, 'totals', lineSpan, l.number);
  if (f === 'Conns/s') return statsHeader(r, 'rates', lineSpan, l.number);
  if ((f === 'master' || f === 'backup') && second === 'sync' && toks[2]?.text === 'daemon') {
    return daemonLine(r, l, first, lineSpan);
  }
  if (f.length > 1 && f.startsWith('-')) return saveLine(r, toks, lineSpan, l.number);
  if (PROTOCOLS.has(f) || CONN_PROTOCOLS.has(f)) {
    const c = r.cur;
    if (second !== undefined && EXPIRE.test(second)) return connRow(r, toks, lineSpan, l.number);
    if (c?.kind === 'conn' && c.conn?.variant === 'proc-connections') return procConnRow(r, toks, lineSpan, l.number);
    if (PROTOCOLS.has(f)) return serviceLine(r, toks, lineSpan, l.number);
  }
  if (r.cur?.kind === 'proc-stats' && toks.length === 5 && toks.every((t) => HEX.test(t.text))) {
    return statsRow(r, toks, lineSpan);
  }
  r.syntax(`'${clip(l.text.trim())}' is not a line of ipvsadm output or of /proc/net/ip_vs*`, lineSpan);
}
