import type { Line } from '../../core/lines';
import type { Span } from '../../core/span';
import { parseVersion } from '../../core/version';
import type { IpvsCommand, IpvsNumber, IpvsTableVariant, IpvsVariant, IpvsVersionLine } from './model';
import type { IpvsReader } from './reader';
import { clip, span, type Tok } from './tokens';

/**
 * Lines that are not rows, shared by the variants: a shell prompt or `#` command (its command
 * hints which variant follows), an elision, the `IP Virtual Server version` line, and the column
 * headers that say which table variant the rows below are.
 */

export const PROMPT = /^(?:\[[^\]]*\]|[A-Za-z0-9_.-]+@[A-Za-z0-9_.:~/-]*)\s*[#$]\s*/;
const HEADER_VARIANTS: ReadonlyMap<string, IpvsTableVariant> = new Map([
  ['Scheduler Flags', 'list'],
  ['Conns InPkts OutPkts InBytes OutBytes', 'stats'],
  ['CPS InPPS OutPPS InBPS OutBPS', 'rate'],
  ['Uthreshold Lthreshold ActiveConn InActConn', 'thresholds'],
  ['Weight PersistConn ActiveConn InActConn', 'persistent-conn'],
]);

export function elision(r: IpvsReader, span: Span): void {
  r.report('parse/ipvsadm-elided', "lines were left out here ('...'): the dump is incomplete, rows below may belong to a service not shown", span, 'info');
  const c = r.cur;
  if (c) {
    r.extend(c, span);
    r.flushOrphans(c);
    c.current = undefined;
    c.afterElision = true;
  }
}

export function promptOrComment(r: IpvsReader, l: Line, first: Tok, lineSpan: Span): void {
  const rel = first.start - l.start;
  const rest = l.text.slice(rel);
  let body: string;
  let bodyStart: number;
  if (first.text === '$' || first.text === '#') {
    body = rest.slice(1);
    bodyStart = first.start + 1;
  } else {
    const m = PROMPT.exec(rest.slice(0, 400));
    if (!m) return;
    body = rest.slice(m[0].length);
    bodyStart = first.start + m[0].length;
  }
  const lead = body.length - body.trimStart().length;
  const cmd = body.trim();
  // A '#' line that is not a shell command is a comment (ipvsadm-save files, notes).
  if (first.text === '#' && !/^(?:sudo\s+)?(?:ipvsadm|cat|watch)\b/.test(cmd)) return;
  if (!cmd) return;
  r.close();
  const command: IpvsCommand = { text: { value: cmd, span: { start: bodyStart + lead, end: bodyStart + lead + cmd.length } }, span: lineSpan };
  r.commands.push(command);
  r.pendingCommand = command;
  const hint = hintFromCommand(cmd);
  r.pendingHint = hint;
}

export function versionLine(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  const s = r.open('table', undefined, lineSpan, line);
  const vt = toks[4];
  if (!vt) {
    r.report('parse/ipvsadm-truncated', "the 'IP Virtual Server version' line ends before the version number", lineSpan);
    return;
  }
  const v = parseVersion(vt.text);
  if (!v) {
    r.syntax(`'${clip(vt.text)}' is not a version number`, span(vt));
    return;
  }
  let tableSize: IpvsNumber | undefined;
  const st = toks[5];
  if (st) {
    const m = /^\(size=(\d{1,12})\)$/.exec(st.text);
    if (m) {
      const numStart = st.start + '(size='.length;
      tableSize = { value: Number(m[1]), raw: m[1]!, span: { start: numStart, end: numStart + m[1]!.length } };
    } else r.syntax(`expected '(size=N)' after the version, found '${clip(st.text)}'`, span(st));
  }
  for (const t of toks.slice(6)) r.syntax(`unexpected '${clip(t.text)}' after the IPVS version line`, span(t));
  const vl: IpvsVersionLine = { span: lineSpan, version: { value: v, span: span(vt) }, ...(tableSize ? { tableSize } : {}) };
  s.versionLine = vl;
  r.version ??= vl;
}

export function columnHeader(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  const names = toks.slice(2).map((t) => t.text).join(' ');
  const variant = HEADER_VARIANTS.get(names);
  let s = r.cur;
  if (!(s && s.kind === 'table' && s.variant !== 'save' && !s.header && s.services.length === 0 && s.orphans.length === 0)) {
    s = r.open('table', undefined, lineSpan, line);
  }
  r.extend(s, lineSpan);
  s.header = lineSpan;
  if (variant) {
    s.variant = variant;
  } else {
    r.syntax(`unknown column header '${clip(names)}': expected 'Scheduler Flags', 'Conns InPkts OutPkts InBytes OutBytes', 'CPS InPPS OutPPS InBPS OutBPS', ...`, lineSpan);
  }
}

export function realServerHeader(r: IpvsReader, toks: Tok[], lineSpan: Span, line: number): void {
  let s = r.cur;
  if (!(s && s.kind === 'table' && s.variant !== 'save' && s.services.length === 0 && s.orphans.length === 0)) {
    s = r.open('table', undefined, lineSpan, line);
  }
  r.extend(s, lineSpan);
  s.header = { start: s.header?.start ?? lineSpan.start, end: lineSpan.end };
  if (s.variant === undefined && toks.some((t) => t.text === 'Forward')) s.variant = 'list';
}

function hintFromCommand(cmd: string): IpvsVariant | undefined {
  if (cmd.includes('/proc/net/ip_vs_stats')) return 'proc-stats';
  if (cmd.includes('/proc/net/ip_vs_conn')) return 'proc-connections';
  if (cmd.includes('/proc/net/ip_vs')) return 'proc';
  if (!cmd.includes('ipvsadm')) return undefined;
  if (cmd.includes('ipvsadm-save')) return 'save';
  const words = cmd.split(/\s+/);
  if (words.includes('--stats')) return 'stats';
  if (words.includes('--rate')) return 'rate';
  if (words.includes('--thresholds')) return 'thresholds';
  if (words.includes('--persistent-conn')) return 'persistent-conn';
  if (words.includes('--timeout')) return 'timeout';
  if (words.includes('--daemon')) return 'daemon';
  if (words.includes('--connection') || words.some((w) => /^-[A-Za-z]*c[A-Za-z]*$/.test(w) && /[lL]/.test(w))) return 'connections';
  if (words.some((w) => /^-[A-Za-z]*S[A-Za-z]*$/.test(w)) || words.includes('--save')) return 'save';
  return undefined;
}
