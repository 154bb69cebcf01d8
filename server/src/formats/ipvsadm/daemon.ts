import type { Line } from '../../core/lines';
import type { Span } from '../../core/span';
import type { IpvsDaemon } from './model';
import type { IpvsReader, Mutable } from './reader';
import { span, type Tok } from './tokens';

/** `ipvsadm -L --daemon`: `master sync daemon (mcast=eth0, syncid=1)` lines. */

export function daemonLine(r: IpvsReader, l: Line, first: Tok, lineSpan: Span): void {
  let s = r.cur;
  if (!s || s.kind !== 'daemon') s = r.open('daemon', 'daemon', lineSpan, l.number);
  r.extend(s, lineSpan);
  const rel = first.start - l.start;
  const body = l.text.slice(rel, rel + 400);
  const role = first.text as 'master' | 'backup';
  const d: Mutable<IpvsDaemon> = { role: { value: role, span: span(first) }, span: lineSpan };
  const m = /\(mcast=([^,)\s]*),\s*syncid=(\d{1,10})\)/.exec(body);
  if (m) {
    const at = first.start + m.index;
    const ifStart = at + '(mcast='.length;
    d.mcastInterface = { value: m[1]!, span: { start: ifStart, end: ifStart + m[1]!.length } };
    const idRel = m[0].lastIndexOf(m[2]!);
    d.syncId = { value: Number(m[2]), raw: m[2]!, span: { start: at + idRel, end: at + idRel + m[2]!.length } };
  } else {
    r.syntax("expected '(mcast=IFACE, syncid=N)' after 'sync daemon'", lineSpan);
  }
  s.daemons.push(d);
}
