import type { Span } from '../../core/span';
import type { IpvsTimeouts } from './model';
import { readInt } from './numbers';
import type { IpvsReader, Mutable } from './reader';
import { clip, span, type Tok } from './tokens';

/** `ipvsadm -L --timeout`: `Timeout (tcp tcpfin udp): 900 120 300`, a section of one line. */

export function timeoutLine(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  const s = r.open('timeout', 'timeout', lineSpan, line);
  const label = toks.slice(1, 4).map((t) => t.text).join(' ');
  if (label !== '(tcp tcpfin udp):') {
    r.syntax(`expected 'Timeout (tcp tcpfin udp): TCP TCPFIN UDP', found '${clip(label)}'`, lineSpan);
    s.timeouts = { span: lineSpan };
    r.close();
    return;
  }
  const names = ['tcp', 'tcpFin', 'udp'] as const;
  const t: Mutable<IpvsTimeouts> = { span: lineSpan };
  const missing: string[] = [];
  names.forEach((n, i) => {
    const tok = toks[4 + i];
    if (!tok) {
      missing.push(n === 'tcpFin' ? 'tcpfin' : n);
      return;
    }
    const v = readInt(r, tok, `the ${n === 'tcpFin' ? 'tcpfin' : n} timeout`);
    if (v) t[n] = v;
  });
  if (missing.length) {
    r.report('parse/ipvsadm-truncated', `the timeout line ends early: ${missing.join(', ')} missing (truncated paste?)`, lineSpan);
  }
  for (const x of toks.slice(7)) r.syntax(`unexpected '${clip(x.text)}' after the three timeouts`, span(x));
  s.timeouts = t;
  r.close();
}
