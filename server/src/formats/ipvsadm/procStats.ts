import type { Span } from '../../core/span';
import type { IpvsNumber } from './model';
import { readHex } from './numbers';
import type { IpvsReader } from './reader';
import type { Tok } from './tokens';

/** /proc/net/ip_vs_stats: a totals row and a rates row of five hex numbers, each under its header. */

export function statsHeader(r: IpvsReader, expect: 'totals' | 'rates' | undefined, lineSpan: Span, line: number): void {
  let s = r.cur;
  const continues =
    s?.kind === 'proc-stats' &&
    s.stats !== undefined &&
    (expect === 'rates' ? s.stats.rates === undefined : expect === 'totals' ? s.stats.totals === undefined && s.stats.rates === undefined : false);
  if (!continues || !s) {
    s = r.open('proc-stats', 'proc-stats', lineSpan, line);
    s.stats = { span: lineSpan, expect: undefined };
  }
  r.extend(s, lineSpan);
  if (expect) s.stats!.expect = expect;
}

export function statsRow(r: IpvsReader, toks: Tok[], lineSpan: Span): void {
  const s = r.cur!;
  r.extend(s, lineSpan);
  const st = s.stats!;
  const which = st.expect ?? (st.totals ? 'rates' : 'totals');
  const names = which === 'totals' ? ['Conns', 'InPackets', 'OutPackets', 'InBytes', 'OutBytes'] : ['Conns/s', 'InPkts/s', 'OutPkts/s', 'InBytes/s', 'OutBytes/s'];
  const n = toks.map((t, i) => readHex(r, t, names[i]!));
  st.expect = undefined;
  if (n.some((x) => x === undefined)) return;
  const v = n as IpvsNumber[];
  const sp: Span = { start: v[0]!.span.start, end: v[4]!.span.end };
  if (which === 'totals') {
    if (st.totals) r.syntax('a second totals row in one /proc/net/ip_vs_stats block', lineSpan);
    st.totals = { conns: v[0]!, inPackets: v[1]!, outPackets: v[2]!, inBytes: v[3]!, outBytes: v[4]!, span: sp };
  } else {
    if (st.rates) r.syntax('a second rates row in one /proc/net/ip_vs_stats block', lineSpan);
    st.rates = { connsPerSecond: v[0]!, inPacketsPerSecond: v[1]!, outPacketsPerSecond: v[2]!, inBytesPerSecond: v[3]!, outBytesPerSecond: v[4]!, span: sp };
  }
}
