import { spanRenderer } from '../../helpers/golden';
import type { Located, Span } from '../../../server/src/core/span';
import type {
  IpvsAddress,
  IpvsConnectionTable,
  IpvsCounter,
  IpvsNumber,
  IpvsRate,
  IpvsRealServer,
  IpvsService,
  IpvsStats,
  IpvsadmModel,
} from '../../../server/src/formats/ipvsadm';

/**
 * A readable rendering of an ipvsadm model for golden files: one value per line, each followed by
 * its span as `line:col-line:col "text"` so a reviewer sees at once whether positions are exact.
 */
export function renderIpvsadm(text: string, m: IpvsadmModel): string {
  const sp = spanRenderer(text);
  const out: string[] = [];
  const put = (indent: number, s: string): void => {
    out.push(`${'  '.repeat(indent)}${s}`);
  };
  const loc = (label: string, l: Located<unknown> | undefined, indent: number): void => {
    if (l) put(indent, `${label} ${JSON.stringify(l.value)} @ ${sp(l.span)}`);
  };
  const num = (label: string, n: IpvsNumber | IpvsCounter | undefined, indent: number): void => {
    if (!n) return;
    const extra = n.raw !== String(n.value) ? ` (raw ${n.raw}${'approximate' in n && n.approximate ? ', approximate' : ''})` : '';
    put(indent, `${label} ${n.value}${extra} @ ${sp(n.span)}`);
  };
  const addr = (label: string, a: IpvsAddress, indent: number): void => {
    const bits = [a.family, a.ip !== undefined ? `ip=${a.ip}` : '', a.encoding === 'hex' ? 'hex' : '', a.truncated ? 'TRUNCATED' : ''].filter(Boolean);
    put(indent, `${label} ${bits.join(' ')} @ ${sp(a.span)}`);
    put(indent + 1, `host @ ${sp(a.host.span)}`);
    num('port', a.port, indent + 1);
    loc('portName', a.portName, indent + 1);
  };
  const stats = (s: IpvsStats | undefined, indent: number): void => {
    if (!s) return;
    put(indent, `stats @ ${sp(s.span)}`);
    num('conns', s.conns, indent + 1);
    num('inPackets', s.inPackets, indent + 1);
    num('outPackets', s.outPackets, indent + 1);
    num('inBytes', s.inBytes, indent + 1);
    num('outBytes', s.outBytes, indent + 1);
  };
  const rate = (r: IpvsRate | undefined, indent: number): void => {
    if (!r) return;
    put(indent, `rate @ ${sp(r.span)}`);
    num('cps', r.connsPerSecond, indent + 1);
    num('inPps', r.inPacketsPerSecond, indent + 1);
    num('outPps', r.outPacketsPerSecond, indent + 1);
    num('inBps', r.inBytesPerSecond, indent + 1);
    num('outBps', r.outBytesPerSecond, indent + 1);
  };
  const real = (r: IpvsRealServer, indent: number): void => {
    put(indent, `real server (${r.variant}, line ${r.line + 1}) @ ${sp(r.span)}`);
    addr('address', r.address, indent + 1);
    loc('forward', r.forward, indent + 1);
    num('weight', r.weight, indent + 1);
    num('activeConn', r.activeConn, indent + 1);
    num('inActConn', r.inActConn, indent + 1);
    num('persistConn', r.persistConn, indent + 1);
    num('upperThreshold', r.upperThreshold, indent + 1);
    num('lowerThreshold', r.lowerThreshold, indent + 1);
    stats(r.stats, indent + 1);
    rate(r.rate, indent + 1);
    for (const e of r.extra) loc('extra', e, indent + 1);
  };
  const service = (s: IpvsService, indent: number): void => {
    put(indent, `service (${s.variant}, line ${s.line + 1}, ${s.family}) @ ${sp(s.span)}`);
    loc('protocol', s.protocol, indent + 1);
    if (s.address) addr('address', s.address, indent + 1);
    num('fwmark', s.fwmark, indent + 1);
    loc('scheduler', s.scheduler, indent + 1);
    for (const f of s.schedulerFlags) loc('schedulerFlag', f, indent + 1);
    if (s.persistence) {
      put(indent + 1, `persistence @ ${sp(s.persistence.span)}`);
      num('timeout', s.persistence.timeout, indent + 2);
    }
    loc('netmask', s.netmask, indent + 1);
    loc('persistenceEngine', s.persistenceEngine, indent + 1);
    if (s.onePacket) put(indent + 1, `onePacket @ ${sp(s.onePacket)}`);
    for (const f of s.otherFlags) loc('otherFlag', f, indent + 1);
    if (s.flagsSpan) put(indent + 1, `flags @ ${sp(s.flagsSpan)}`);
    stats(s.stats, indent + 1);
    rate(s.rate, indent + 1);
    for (const r of s.realServers) real(r, indent + 1);
  };
  const counts = (m: ReadonlyMap<string, number>): string => [...m].map(([k, v]) => `${k}=${v}`).join(' ');
  const conns = (c: IpvsConnectionTable, indent: number): void => {
    put(indent, `connection table (${c.variant}) total=${c.total} unaggregated=${c.unaggregated} omittedEntries=${c.omittedEntries}`);
    if (c.header) put(indent + 1, `header @ ${sp(c.header)}`);
    put(indent + 1, `byState ${counts(c.byState)}`);
    for (const v of c.byVirtual) put(indent + 1, `virtual ${v.protocol} ${v.virtual} count=${v.count} ${counts(v.byState)} first @ ${sp(v.firstSeen)}`);
    for (const d of c.byDestination) put(indent + 1, `destination ${d.protocol} ${d.virtual} -> ${d.destination} count=${d.count} ${counts(d.byState)}`);
    for (const e of c.entries) {
      put(indent + 1, `entry (line ${e.line + 1}) @ ${sp(e.span)}`);
      loc('protocol', e.protocol, indent + 2);
      num('expire', e.expire, indent + 2);
      loc('state', e.state, indent + 2);
      addr('source', e.source, indent + 2);
      addr('virtual', e.virtual, indent + 2);
      addr('destination', e.destination, indent + 2);
      loc('persistenceEngine', e.persistenceEngine, indent + 2);
      loc('persistenceData', e.persistenceData, indent + 2);
    }
  };
  const spanLine = (label: string, s: Span | undefined, indent: number): void => {
    if (s) put(indent, `${label} @ ${sp(s)}`);
  };

  m.sections.forEach((s, i) => {
    put(0, `section ${i + 1}: ${s.variant} (line ${s.line + 1})${s.resolvedNames ? ' resolvedNames' : ''} @ ${sp(s.span)}`);
    if (s.command) loc('command', s.command.text, 1);
    if (s.versionLine) {
      put(1, `versionLine @ ${sp(s.versionLine.span)}`);
      put(2, `version ${s.versionLine.version.value.parts.join('.')} @ ${sp(s.versionLine.version.span)}`);
      num('tableSize', s.versionLine.tableSize, 2);
    }
    spanLine('columnHeader', s.columnHeader, 1);
    for (const r of s.orphanRealServers) real(r, 1);
    for (const svc of s.services) service(svc, 1);
    if (s.timeouts) {
      put(1, `timeouts @ ${sp(s.timeouts.span)}`);
      num('tcp', s.timeouts.tcp, 2);
      num('tcpFin', s.timeouts.tcpFin, 2);
      num('udp', s.timeouts.udp, 2);
    }
    if (s.connections) conns(s.connections, 1);
    if (s.globalStats) {
      const g = s.globalStats;
      if (g.totals) {
        put(1, `totals @ ${sp(g.totals.span)}`);
        num('conns', g.totals.conns, 2);
        num('inPackets', g.totals.inPackets, 2);
        num('outPackets', g.totals.outPackets, 2);
        num('inBytes', g.totals.inBytes, 2);
        num('outBytes', g.totals.outBytes, 2);
      }
      if (g.rates) {
        put(1, `rates @ ${sp(g.rates.span)}`);
        num('cps', g.rates.connsPerSecond, 2);
        num('inPps', g.rates.inPacketsPerSecond, 2);
        num('outPps', g.rates.outPacketsPerSecond, 2);
        num('inBps', g.rates.inBytesPerSecond, 2);
        num('outBps', g.rates.outBytesPerSecond, 2);
      }
    }
    for (const d of s.daemons) {
      put(1, `daemon @ ${sp(d.span)}`);
      loc('role', d.role, 2);
      loc('mcastInterface', d.mcastInterface, 2);
      num('syncId', d.syncId, 2);
    }
  });
  if (m.version) put(0, `model.version ${m.version.version.value.text} @ ${sp(m.version.version.span)}`);
  for (const c of m.commands) loc('model.command', c.text, 0);
  put(0, `problems: ${m.problems.length}`);
  for (const p of m.problems) put(1, `${p.code}${p.severity ? ` (${p.severity})` : ''} @ ${sp(p.span)}: ${p.message}`);
  return `${out.join('\n')}\n`;
}
