import type { Span } from '../../core/span';
import type { IpvsCounter, IpvsRate, IpvsStats } from './model';
import { readCounters } from './numbers';
import type { IpvsReader, SectionState } from './reader';
import type { Tok } from './tokens';

/** `ipvsadm -Ln --stats` and `--rate`: five counter columns after the address, for services and real servers alike. */

const STATS_COLUMNS = ['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'] as const;
const RATE_COLUMNS = ['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'] as const;

/** Reads the five --stats or --rate columns into a service or a real server (nothing when one is missing or bad). */
export function counterColumns(r: IpvsReader, variant: 'stats' | 'rate', cols: Tok[], lineSpan: Span, into: { stats?: IpvsStats; rate?: IpvsRate }): void {
  const names = variant === 'stats' ? STATS_COLUMNS : RATE_COLUMNS;
  const c = readCounters(r, cols, names, lineSpan);
  if (!c) return;
  const sp: Span = { start: c[0]!.span.start, end: c[4]!.span.end };
  if (variant === 'stats') into.stats = statsOf(c, sp);
  else into.rate = rateOf(c, sp);
}

/** No header said whether five numeric columns are --stats or --rate. */
export function inferCounters(r: IpvsReader, s: SectionState, at: Span): void {
  if (s.hint === 'rate' || s.hint === 'stats') {
    s.variant = s.hint;
    return;
  }
  s.variant = 'stats';
  if (!s.ambiguityReported) {
    s.ambiguityReported = true;
    r.report(
      'parse/ipvsadm-ambiguous-columns',
      "no column header: five numeric columns are read as --stats (Conns InPkts OutPkts InBytes OutBytes); paste the 'Prot LocalAddress:Port ...' header if this is --rate",
      at,
      'info',
    );
  }
}

function statsOf(c: IpvsCounter[], sp: Span): IpvsStats {
  return { conns: c[0]!, inPackets: c[1]!, outPackets: c[2]!, inBytes: c[3]!, outBytes: c[4]!, span: sp };
}

function rateOf(c: IpvsCounter[], sp: Span): IpvsRate {
  return { connsPerSecond: c[0]!, inPacketsPerSecond: c[1]!, outPacketsPerSecond: c[2]!, inBytesPerSecond: c[3]!, outBytesPerSecond: c[4]!, span: sp };
}
