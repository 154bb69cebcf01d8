import { contains, type Span } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import { COLUMNS, FORWARD, HEADERS, PROTOCOLS, SCHEDULERS } from './glossary';
import type { IpvsadmModel, IpvsRealServer, IpvsService } from './model';

function serviceName(s: IpvsService): string {
  return s.address ? `${s.protocol.value} ${s.address.text}` : `FWM ${s.fwmark?.value ?? '?'}`;
}

/** One line summarising a virtual service's real servers: weights and connections. */
export function serviceSummary(s: IpvsService): string {
  const rs = s.realServers;
  if (rs.length === 0) return 'no real servers: connections to it fail.';
  const active = rs.reduce((n, r) => n + (r.activeConn?.value ?? 0), 0);
  const inactive = rs.reduce((n, r) => n + (r.inActConn?.value ?? 0), 0);
  const draining = rs.filter((r) => r.weight?.value === 0).length;
  return `${rs.length} real server${rs.length === 1 ? '' : 's'}${draining ? ` (${draining} at weight 0, draining)` : ''}; ${active} active, ${inactive} inactive connections.`;
}

function realServerHover(r: IpvsRealServer, s: IpvsService | undefined, offset: number): TokenHover | undefined {
  if (contains(r.forward?.span, offset)) return { span: r.forward!.span, markdown: `**${r.forward!.value}** — ${FORWARD[r.forward!.value] ?? 'forwarding method.'}` };
  for (const key of ['weight', 'activeConn', 'inActConn', 'persistConn'] as const) {
    const n = r[key];
    if (contains(n?.span, offset)) return { span: n!.span, markdown: `**${n!.raw}** — ${COLUMNS[key]}${key === 'weight' && n!.value === 0 ? '\n\nThis real server is draining: kube-proxy deletes it once its connections end.' : ''}` };
  }
  for (const group of [r.stats, r.rate]) {
    if (!group || !contains(group.span, offset)) continue;
    for (const [key, c] of Object.entries(group)) {
      if (key !== 'span' && typeof c === 'object' && c && 'span' in c && contains((c as { span: Span }).span, offset)) {
        const counter = c as { span: Span; value: number; raw?: string };
        return { span: counter.span, markdown: `**${counter.raw ?? counter.value}** (${counter.value}) — ${COLUMNS[key] ?? key}` };
      }
    }
  }
  if (contains(r.address.span, offset)) return { span: r.address.span, markdown: `**real server \`${r.address.text}\`**${s ? ` of ${serviceName(s)}` : ''} — the endpoint (pod IP:targetPort) connections are forwarded to.` };
  return undefined;
}

/** Lines that are column headers: `Prot LocalAddress:Port ...`, `  -> RemoteAddress:Port ...`, `Timeout (tcp tcpfin udp): ...`, `pro expire state ...`. */
const HEADER_LINE = /^\s*(?:Prot\s+LocalAddress:Port|->\s+RemoteAddress:Port|Timeout\s+\(tcp|pro\s+expire\s+state)/;

/** The column header word under the cursor, explained (headers are not in the model: read from the line). */
function headerHover(text: string, offset: number): TokenHover | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
  let lineEnd = lineStart;
  while (lineEnd < text.length && lineEnd - lineStart < 400 && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
  const line = text.slice(lineStart, lineEnd);
  if (!HEADER_LINE.test(line)) return undefined;
  const at = offset - lineStart;
  let s = at;
  let e = at;
  while (s > 0 && !/\s/.test(line[s - 1]!)) s--;
  while (e < line.length && !/\s/.test(line[e]!)) e++;
  const raw = line.slice(s, e);
  // `(tcp` and `udp):` of the timeout line, `Timeout` itself.
  const lead = raw.length - raw.replace(/^[(]+/, '').length;
  const word = raw.replace(/^[(]+/, '').replace(/[):]+$/, '');
  const d = HEADERS[word];
  if (!d || word.length === 0) return undefined;
  return { span: { start: lineStart + s + lead, end: lineStart + s + lead + word.length }, markdown: `**${word}** — ${d}` };
}

export function ipvsadmHover(model: IpvsadmModel, offset: number, text?: string): TokenHover | undefined {
  const header = text === undefined ? undefined : headerHover(text, offset);
  if (header) return header;
  if (model.version && contains(model.version.span, offset)) {
    return { span: model.version.span, markdown: `**IPVS ${model.version.version.value.text}**${model.version.tableSize ? `, connection hash table of ${model.version.tableSize.value} buckets (ip_vs_conn_tab_bits; not a limit on connections)` : ''}.` };
  }
  for (const s of model.services) {
    if (contains(s.span, offset)) {
      if (contains(s.protocol.span, offset)) return { span: s.protocol.span, markdown: `**${s.protocol.value}** — ${PROTOCOLS[s.protocol.value.toUpperCase()] ?? 'protocol'}` };
      if (contains(s.scheduler?.span, offset)) return { span: s.scheduler!.span, markdown: `**scheduler \`${s.scheduler!.value}\`** — ${SCHEDULERS[s.scheduler!.value] ?? 'IPVS scheduler.'}` };
      if (contains(s.persistence?.span, offset)) return { span: s.persistence!.span, markdown: `**persistent ${s.persistence!.timeout?.value ?? 300}** — client affinity: a client keeps the same real server for this many seconds after its last connection (kube-proxy: \`sessionAffinity: ClientIP\`).` };
      if (contains(s.onePacket, offset)) return { span: s.onePacket!, markdown: '**ops** — one-packet scheduling: each UDP datagram is scheduled on its own.' };
      const span = s.address?.span ?? s.fwmark?.span ?? s.span;
      return { span, markdown: `**virtual service ${serviceName(s)}**${s.scheduler ? ` (${s.scheduler.value})` : ''}: ${serviceSummary(s)}` };
    }
    for (const r of s.realServers) if (contains(r.span, offset)) return realServerHover(r, s, offset);
  }
  for (const t of model.timeouts) {
    if (!contains(t.span, offset)) continue;
    const parts = [
      ['tcp', t.tcp, 'idle timeout of established TCP connections (ipvsadm default 900 s); shorter than the clients\' keepalive means idle connections are dropped'],
      ['tcpfin', t.tcpFin, 'timeout of TCP connections after FIN (default 120 s)'],
      ['udp', t.udp, 'timeout of UDP entries (default 300 s)'],
    ] as const;
    for (const [name, n, what] of parts) if (contains(n?.span, offset)) return { span: n!.span, markdown: `**${name} ${n!.value} s** — ${what}.` };
  }
  return undefined;
}

/** Virtual services with their real servers. */
export function ipvsadmOutline(model: IpvsadmModel): OutlineNode[] {
  return model.services.map((s) => {
    const last = s.realServers[s.realServers.length - 1];
    return {
      name: serviceName(s),
      detail: `${s.scheduler?.value ?? ''} ${s.realServers.length} real server${s.realServers.length === 1 ? '' : 's'}`.trim(),
      kind: 'service' as const,
      span: { start: s.span.start, end: last ? last.span.end : s.span.end },
      selection: s.address?.span ?? s.fwmark?.span ?? s.span,
      children: s.realServers.map((r) => ({
        name: r.address.text,
        detail: [r.forward?.value, r.weight ? `weight ${r.weight.value}` : undefined, r.activeConn ? `${r.activeConn.value}/${r.inActConn?.value ?? 0} conns` : undefined].filter(Boolean).join(', '),
        kind: 'server' as const,
        span: r.span,
        selection: r.address.span,
      })),
    };
  });
}
