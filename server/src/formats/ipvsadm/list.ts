import type { Located, Span } from '../../core/span';
import { pushAll } from '../../core/arrays';
import { hexToDotted } from './address';
import type { IpvsPersistence } from './model';
import { INT, readInt } from './numbers';
import type { IpvsReader, Mutable, RsState, SvcState } from './reader';
import { clip, span, splitList, type Tok } from './tokens';

/**
 * `ipvsadm -Ln` (and /proc/net/ip_vs, which has the same columns): a service's scheduler and
 * flags, a real server's Forward, Weight, ActiveConn and InActConn; also the integer columns of
 * `--thresholds` and `--persistent-conn`.
 */

const FORWARD_NAMES: ReadonlyMap<string, string> = new Map([
  ['masq', 'Masq'],
  ['route', 'Route'],
  ['tunnel', 'Tunnel'],
  ['local', 'Local'],
  ['fullnat', 'FullNat'],
  ['snat', 'SNat'],
]);

export function serviceFlags(r: IpvsReader, svc: SvcState, rest: Tok[], lineSpan: Span, proc: boolean): void {
  const sched = rest[0];
  if (!sched) {
    r.report('parse/ipvsadm-truncated', 'virtual service line ends before the scheduler (truncated paste?)', lineSpan);
    return;
  }
  svc.scheduler = { value: sched.text, span: span(sched) };
  const flags = rest.slice(1);
  if (flags.length) svc.flagsSpan = { start: flags[0]!.start, end: flags[flags.length - 1]!.end };
  const other: Located<string>[] = [];
  const schedFlags: Located<string>[] = [];
  for (let j = 0; j < flags.length; j++) {
    const t = flags[j]!;
    if (t.text.startsWith('(') && t.text.endsWith(')') && t.text.length > 2) {
      pushAll(schedFlags, splitList(t.text.slice(1, -1), t.start + 1));
    } else if (t.text === 'persistent') {
      const n = flags[j + 1];
      const pers: Mutable<IpvsPersistence> = { span: span(t) };
      if (n && INT.test(n.text)) {
        pers.timeout = { value: Number(n.text), raw: n.text, span: span(n) };
        pers.span = { start: t.start, end: n.end };
        j++;
        const m = flags[j + 1];
        if (proc && m && /^[0-9A-F]{8}$/.test(m.text)) {
          svc.netmask = { value: svc.family === 'ipv6' ? String(parseInt(m.text, 16)) : hexToDotted(m.text), span: span(m) };
          j++;
        }
      } else {
        r.report('parse/ipvsadm-truncated', "'persistent' is not followed by its timeout", span(t));
      }
      svc.persistence = pers;
    } else if (t.text === 'mask' || t.text === 'pe') {
      const n = flags[j + 1];
      if (!n) {
        r.report('parse/ipvsadm-truncated', `'${t.text}' is not followed by its value`, span(t));
        continue;
      }
      if (t.text === 'mask') svc.netmask = { value: n.text, span: span(n) };
      else svc.persistenceEngine = { value: n.text, span: span(n) };
      j++;
    } else if (t.text === 'ops') {
      svc.onePacket = span(t);
    } else {
      other.push({ value: t.text, span: span(t) });
    }
  }
  svc.schedulerFlags = schedFlags;
  svc.otherFlags = other;
}

export function listColumns(r: IpvsReader, rs: RsState, cols: Tok[], lineSpan: Span): void {
  const names = ['Forward', 'Weight', 'ActiveConn', 'InActConn'];
  const fw = cols[0];
  if (!fw) {
    r.report('parse/ipvsadm-truncated', `row ends after the address: ${names.join(', ')} missing (truncated paste?)`, lineSpan);
    return;
  }
  const known = FORWARD_NAMES.get(fw.text.toLowerCase());
  if (known) rs.forward = { value: known, span: span(fw) };
  else if (/^[A-Za-z]+$/.test(fw.text)) {
    rs.forward = { value: fw.text, span: span(fw) };
    r.syntax(`unknown forwarding method '${clip(fw.text)}' (expected Masq, Route, Tunnel, Local or FullNat)`, span(fw), 'warning');
  } else {
    r.syntax(`expected the forwarding method (Masq, Route, Tunnel, Local, FullNat), found '${clip(fw.text)}'`, span(fw));
  }
  const keys = ['weight', 'activeConn', 'inActConn'] as const;
  for (let i = 0; i < 3; i++) {
    const t = cols[i + 1];
    if (!t) {
      r.report('parse/ipvsadm-truncated', `row ends early: ${names.slice(i + 1).join(', ')} missing (truncated paste?)`, lineSpan);
      return;
    }
    const n = readInt(r, t, names[i + 1]!);
    if (n) rs[keys[i]!] = n;
  }
  rs.extra = cols.slice(4).map((t) => ({ value: t.text, span: span(t) }));
}

/** `--thresholds` and `--persistent-conn` rows: four integer columns after the address. */
export function thresholdColumns(r: IpvsReader, v: 'thresholds' | 'persistent-conn', rs: RsState, cols: Tok[], lineSpan: Span): void {
  const names = v === 'thresholds' ? ['Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn'] : ['Weight', 'PersistConn', 'ActiveConn', 'InActConn'];
  const keys = v === 'thresholds' ? (['upperThreshold', 'lowerThreshold', 'activeConn', 'inActConn'] as const) : (['weight', 'persistConn', 'activeConn', 'inActConn'] as const);
  for (let i = 0; i < 4; i++) {
    const t = cols[i];
    if (!t) {
      r.report('parse/ipvsadm-truncated', `row ends early: ${names.slice(i).join(', ')} missing (truncated paste?)`, lineSpan);
      break;
    }
    const n = readInt(r, t, names[i]!);
    if (n) rs[keys[i]!] = n;
  }
  for (const t of cols.slice(4)) r.syntax(`unexpected '${clip(t.text)}' after the InActConn column`, span(t));
}
