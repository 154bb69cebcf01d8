import type { Located, Span } from '../../../server/src/core/span';
import type { ConntrackEntry, ConntrackField, ConntrackGroups, ConntrackModel, ConntrackTuple } from '../../../server/src/formats/conntrack/index';
import type { LineIndex } from '../../../server/src/core/lineIndex';
import { spanRenderer } from '../../helpers/golden';

/**
 * spanRenderer's rendering with a given line index: a streamed table's positions are the file's
 * and its text holds only the kept lines, so the text of a span across lines (a statistics table)
 * is not shown, only where it starts and ends.
 */
export function indexRenderer(text: string, idx: LineIndex): (s: Span) => string {
  return (s: Span) => {
    const a = idx.positionAt(s.start);
    const b = idx.positionAt(s.end);
    const slice = a.line === b.line ? text.slice(s.start, s.end) : '<lines>';
    const shown = slice.length > 60 ? `${slice.slice(0, 57)}...` : slice;
    return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1} ${JSON.stringify(shown)}`;
  };
}

/** A readable rendering of a conntrack model for golden files: every value with its span. */
export function renderConntrack(text: string, m: ConntrackModel, lines?: LineIndex): string {
  const r = lines ? indexRenderer(text, lines) : spanRenderer(text);
  const out: string[] = [];
  const loc = (l: Located<unknown>): string => `${JSON.stringify(l.value)} @ ${r(l.span)}`;
  const map = (x: ReadonlyMap<string, number>): string => [...x].map(([k, v]) => `${k}=${v}`).join(' ') || '-';
  const groups = (name: string, g: ConntrackGroups): void => {
    out.push(`  ${name}: total ${g.total}, groups ${g.groups.length}, ungrouped ${g.ungrouped}`);
    for (const grp of g.groups) {
      out.push(`    ${grp.key}: ${grp.count}`);
      for (const ex of grp.examples) out.push(`      line ${ex.line + 1}: ${r(ex.span)} key ${r(ex.key)}`);
    }
  };
  out.push(`formats: ${m.formats.join(', ') || '-'}`);
  const t = m.table;
  out.push(`table: total ${t.total}, incomplete ${t.incomplete}`);
  out.push(`  l3: ${map(t.byL3)}`);
  out.push(`  l4: ${map(t.byL4)}`);
  out.push(`  tcp states: ${map(t.byTcpState)}`);
  out.push(`  unreplied ${t.unreplied}, assured ${t.assured}, dnat ${t.dnat}, snat ${t.snat}`);
  groups('SYN_SENT [UNREPLIED] by reply src', t.synSentUnreplied);
  out.push(`  dns: udp ${t.dns.udp}, udp unreplied ${t.dns.udpUnreplied}, tcp ${t.dns.tcp}`);
  groups('udp/53 by dst', t.dns.udpByDst);
  groups('udp [UNREPLIED] without DNAT by dst', t.udpUnrepliedNoDnat);
  out.push(`events: total ${m.events.total}, ${map(m.events.byType)}`);
  for (const s of m.summaries) {
    out.push(`summary ${r(s.span)}`);
    out.push(`  version ${loc(s.version)}`);
    out.push(`  message ${loc(s.message)}`);
    if (s.count) out.push(`  count ${loc(s.count)} ${s.what} ${s.action}`);
  }
  for (const c of m.counts) out.push(`count ${loc(c)}`);
  for (const e of m.elisions) out.push(`elision ${r(e)}`);
  for (const st of m.stats) {
    out.push(`stats ${st.format} ${r(st.span)}`);
    if (st.header) out.push(`  header ${r(st.header.span)}: ${st.header.columns.map((c) => `${c.value}@${r(c.span).split(' ')[0]}`).join(' ')}`);
    for (const row of st.rows) {
      out.push(`  row ${row.index} (line ${row.line + 1})${row.cpu ? ` cpu ${loc(row.cpu)}` : ''} ${r(row.span)}`);
      for (const c of row.counters.values()) out.push(`    ${c.name.value} @ ${r(c.name.span)} = ${c.value.value} (raw ${c.raw}) @ ${r(c.value.span)}`);
    }
    out.push(`  totals: ${map(st.totals)}`);
  }
  t.sample.forEach((e, i) => renderEntry(out, r, loc, e, `sample ${i}`));
  for (const p of m.problems) out.push(`problem ${p.code} ${r(p.span)}: ${p.message}`);
  return `${out.join('\n')}\n`;
}

export function renderEntry(out: string[], r: (s: Span) => string, loc: (l: Located<unknown>) => string, e: ConntrackEntry, title: string): void {
  out.push(`${title}: line ${e.line + 1} ${r(e.span)}`);
  const opt = (name: string, l: Located<unknown> | undefined): void => {
    if (l) out.push(`  ${name} ${loc(l)}`);
  };
  opt('lineNumber', e.lineNumber);
  opt('event', e.event);
  opt('eventTime', e.eventTime);
  opt('l3', e.l3);
  opt('l3Number', e.l3Number);
  out.push(`  protocol ${loc(e.protocol)}${e.protocolInferred ? ' (inferred)' : ''}`);
  opt('protocolNumber', e.protocolNumber);
  opt('timeout', e.timeout);
  opt('state', e.state);
  const tuple = (name: string, tp: ConntrackTuple): void => {
    out.push(`  ${name} ${r(tp.span)}`);
    for (const k of ['src', 'dst', 'sport', 'dport', 'type', 'code', 'id', 'packets', 'bytes'] as const) {
      const v = tp[k];
      if (v) out.push(`    ${k} ${loc(v)}`);
    }
    if (tp.fields.length) out.push(`    fields ${tp.fields.map(fieldText).join(' ')}`);
  };
  tuple('original', e.original);
  if (e.reply) tuple('reply', e.reply);
  if (e.unreplied) out.push(`  unreplied ${r(e.unreplied)}`);
  if (e.assured) out.push(`  assured ${r(e.assured)}`);
  for (const f of e.flags) out.push(`  flag ${loc(f)}`);
  opt('mark', e.mark);
  opt('secmark', e.secmark);
  opt('secctx', e.secctx);
  opt('zone', e.zone);
  opt('use', e.use);
  for (const f of e.fields) out.push(`  field ${f.key.value} @ ${r(f.key.span)} = ${loc(f.value)}${f.number !== undefined ? ` (number ${f.number})` : ''}`);
  out.push(`  complete ${e.complete}, dnat ${e.dnat}, snat ${e.snat}`);
}

function fieldText(f: ConntrackField): string {
  return `${f.key.value}=${f.value.value}${f.number !== undefined ? '#' : ''}`;
}
