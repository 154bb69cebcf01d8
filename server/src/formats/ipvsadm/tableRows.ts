import type { Span } from '../../core/span';
import { readAddress, becomeProc } from './addressReader';
import { listColumns, serviceFlags, thresholdColumns } from './list';
import { COUNTER, readHex, readInt } from './numbers';
import { newService, type IpvsReader, type RsState } from './reader';
import { counterColumns, inferCounters } from './statsRate';
import { span, type Tok } from './tokens';

/**
 * The rows of an ipvsadm table (`ipvsadm -L`, its --stats, --rate, --thresholds and
 * --persistent-conn forms, /proc/net/ip_vs): a virtual service line and its `->` real-server
 * rows. The address columns are the same in every form; the columns after them are read by the
 * variant's reader, once a header (or the first row) has told which variant this table is.
 */

export function serviceLine(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  const s = r.table(lineSpan, line);
  r.flushOrphans(s);
  s.afterElision = false;
  const p = toks[0]!;
  const svc = newService('list', { value: p.text, span: span(p) }, lineSpan, line);
  let i: number;
  if (p.text === 'FWM') {
    const mt = toks[1];
    if (!mt) {
      r.report('parse/ipvsadm-truncated', 'firewall-mark service line ends before the mark', lineSpan);
      s.current = undefined;
      return;
    }
    const procLike = s.variant === 'proc' || (mt.text.length === 8 && /^[0-9A-F]{8}$/.test(mt.text) && (/[A-F]/.test(mt.text) || mt.text.startsWith('0')));
    if (procLike && s.variant !== 'proc' && (s.variant === undefined || s.variant === 'list')) becomeProc(s);
    const mark = s.variant === 'proc' ? readHex(r, mt, 'the firewall mark') : readInt(r, mt, 'the firewall mark');
    if (mark) svc.fwmark = mark;
    if (s.variant !== 'proc') s.fwmarks.push({ svc, tok: mt });
    i = 2;
    if (toks[2]?.text === 'IPv6') {
      svc.family = 'ipv6';
      i = 3;
    }
  } else {
    const at = toks[1];
    if (!at) {
      r.report('parse/ipvsadm-truncated', 'virtual service line ends before its address', lineSpan);
      s.current = undefined;
      return;
    }
    const a = readAddress(r, at, { listing: true, portOptional: false, hexPort: s.variant === 'proc', s });
    svc.address = a;
    svc.family = a.family;
    i = 2;
  }
  const rest = toks.slice(i);
  if (s.variant === undefined) {
    const numeric = rest.length >= 5 && rest.slice(0, 5).every((t) => COUNTER.test(t.text));
    if (numeric) inferCounters(r, s, lineSpan);
    else s.variant = 'list';
  }
  if (s.variant === 'stats' || s.variant === 'rate') counterColumns(r, s.variant, rest, lineSpan, svc);
  else serviceFlags(r, svc, rest, lineSpan, s.variant === 'proc');
  s.services.push(svc);
  s.current = svc;
}

export function realServerRow(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  const s = r.table(lineSpan, line);
  const at = toks[1];
  if (!at) {
    r.report('parse/ipvsadm-truncated', "real-server row ends after '->' (truncated paste?)", lineSpan);
    return;
  }
  const address = readAddress(r, at, { listing: true, portOptional: false, hexPort: s.variant === 'proc', s });
  const cols = toks.slice(2);
  if (s.variant === undefined) {
    const c0 = cols[0]?.text;
    if (c0 !== undefined && /^[A-Za-z]/.test(c0)) s.variant = 'list';
    else if (cols.length >= 5 && cols.slice(0, 5).every((t) => COUNTER.test(t.text))) inferCounters(r, s, lineSpan);
  }
  const rs: RsState = { variant: 'list', address, extra: [], span: lineSpan, line };
  const v = s.variant;
  if (v === 'list' || v === 'proc') listColumns(r, rs, cols, lineSpan);
  else if (v === 'stats' || v === 'rate') counterColumns(r, v, cols, lineSpan, rs);
  else if (v === 'thresholds' || v === 'persistent-conn') thresholdColumns(r, v, rs, cols, lineSpan);
  else {
    r.report(
      'parse/ipvsadm-ambiguous-columns',
      'no column header and no Forward column: cannot tell which columns these are; paste the header lines too',
      lineSpan,
      'info',
    );
    rs.extra = cols.map((t) => ({ value: t.text, span: span(t) }));
  }
  const svc = s.current;
  if (svc) {
    svc.realServers.push(rs);
  } else {
    s.orphans.push(rs);
    if (s.orphanRun) s.orphanRun.count++;
    else s.orphanRun = { first: lineSpan, count: 1, afterElision: s.afterElision };
  }
}
