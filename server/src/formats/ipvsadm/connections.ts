import type { Span } from '../../core/span';
import { readAddress, readHexPair } from './addressReader';
import { addConn } from './connectionTable';
import type { IpvsAddress, IpvsConnection, IpvsNumber } from './model';
import { readInt } from './numbers';
import type { IpvsReader, Mutable, SectionState } from './reader';
import { clip, span, type Tok } from './tokens';

/**
 * Connection listings: `ipvsadm -Lnc` (`pro expire state source virtual destination`) and
 * /proc/net/ip_vs_conn (hex host and port columns). Entries go to the section's connection table.
 */

/** The `expire` column of `ipvsadm -Lnc`: `mm:ss`. */
export const EXPIRE = /^(\d{1,9}):(\d\d)$/;

export function connHeader(r: IpvsReader, variant: 'connections' | 'proc-connections', lineSpan: Span, line: number): void {
  const c = r.cur;
  if (c && c.kind === 'conn' && c.conn && c.conn.variant === variant && c.conn.total === 0) {
    r.extend(c, lineSpan);
    c.conn.header = { start: c.conn.header?.start ?? lineSpan.start, end: lineSpan.end };
    return;
  }
  const s = r.open('conn', variant, lineSpan, line);
  s.conn!.header = lineSpan;
}

export function connSection(r: IpvsReader, lineSpan: Span, line: number, variant: 'connections' | 'proc-connections'): SectionState {
  const c = r.cur;
  if (c && c.kind === 'conn' && c.conn?.variant === variant) {
    r.extend(c, lineSpan);
    return c;
  }
  return r.open('conn', variant, lineSpan, line);
}

export function connRow(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  const s = connSection(r, lineSpan, line, 'connections');
  const names = ['expire', 'state', 'source', 'virtual', 'destination'];
  if (toks.length < 6) {
    r.report('parse/ipvsadm-truncated', `connection entry ends early: ${names.slice(toks.length - 1).join(', ')} missing (truncated paste?)`, lineSpan);
    return;
  }
  const e = EXPIRE.exec(toks[1]!.text)!;
  const expire: IpvsNumber = { value: Number(e[1]) * 60 + Number(e[2]), raw: toks[1]!.text, span: span(toks[1]!) };
  const opts = { listing: false, portOptional: false, hexPort: false, s };
  const entry: Mutable<IpvsConnection> = {
    protocol: { value: toks[0]!.text, span: span(toks[0]!) },
    expire,
    state: { value: toks[2]!.text, span: span(toks[2]!) },
    source: readAddress(r, toks[3]!, opts),
    virtual: readAddress(r, toks[4]!, opts),
    destination: readAddress(r, toks[5]!, opts),
    span: lineSpan,
    line,
  };
  if (toks[6]) entry.persistenceEngine = { value: toks[6].text, span: span(toks[6]) };
  if (toks[7]) entry.persistenceData = { value: toks[7].text, span: span(toks[7]) };
  for (const t of toks.slice(8)) r.syntax(`unexpected '${clip(t.text)}' at the end of a connection entry`, span(t));
  addConn(s.conn!, entry, r.connBudget);
}

export function procConnRow(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  const s = connSection(r, lineSpan, line, 'proc-connections');
  const names = ['FromIP', 'FPrt', 'ToIP', 'TPrt', 'DestIP', 'DPrt', 'State', 'Expires'];
  if (toks.length < 9) {
    r.report('parse/ipvsadm-truncated', `connection entry ends early: ${names.slice(toks.length - 1).join(', ')} missing (truncated paste?)`, lineSpan);
    return;
  }
  const pair = (h: Tok, p: Tok): IpvsAddress => readHexPair(r, h, p, s);
  const expire = readInt(r, toks[8]!, 'Expires');
  if (!expire) return;
  const entry: Mutable<IpvsConnection> = {
    protocol: { value: toks[0]!.text, span: span(toks[0]!) },
    expire,
    state: { value: toks[7]!.text, span: span(toks[7]!) },
    source: pair(toks[1]!, toks[2]!),
    virtual: pair(toks[3]!, toks[4]!),
    destination: pair(toks[5]!, toks[6]!),
    span: lineSpan,
    line,
  };
  if (toks[9]) entry.persistenceEngine = { value: toks[9].text, span: span(toks[9]) };
  if (toks[10]) entry.persistenceData = { value: toks[10].text, span: span(toks[10]) };
  addConn(s.conn!, entry, r.connBudget);
}
