import { contains, type Located, type Span } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import { COUNTERS, FIELDS, FLAGS, PROTOCOLS, STATES } from './glossary';
import type { ConntrackEntry, ConntrackModel, ConntrackTuple } from './model';
import { parseConntrackEntry } from './parse';

function lineAround(text: string, offset: number): { line: string; start: number } {
  let start = offset;
  while (start > 0 && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 13) start--;
  let end = offset;
  while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
  return { line: text.slice(start, end), start };
}

/** What the original/reply tuples say happened to the connection: DNAT, SNAT, both, or neither. */
export function natSummary(e: ConntrackEntry): string {
  const o = e.original;
  const r = e.reply;
  if (!r) return 'No reply tuple.';
  const parts: string[] = [];
  if (e.dnat) parts.push(`**DNAT**: sent to \`${o.dst?.value}:${o.dport?.value ?? ''}\`, answered by \`${r.src?.value}:${r.sport?.value ?? ''}\` (a Service address translated to an endpoint)`);
  if (e.snat) parts.push(`**SNAT/MASQUERADE**: source \`${o.src?.value}:${o.sport?.value ?? ''}\` rewritten to \`${r.dst?.value}:${r.dport?.value ?? ''}\``);
  return parts.length ? parts.join('; ') + '.' : 'No NAT: the reply tuple is the original reversed.';
}

function tupleHover(t: ConntrackTuple, which: 'original' | 'reply', e: ConntrackEntry, offset: number): TokenHover | undefined {
  for (const f of t.fields) {
    if (!contains(f.span, offset)) continue;
    const direction = which === 'original' ? 'Original direction (the first packet, before NAT)' : 'Reply direction (what return traffic looks like)';
    const what = FIELDS[f.key.value] ?? `\`${f.key.value}\``;
    return { span: f.span, markdown: `**${f.key.value}=${f.value.value}** — ${what}\n\n${direction}. ${natSummary(e)}` };
  }
  return undefined;
}

function located(l: Located<unknown> | undefined): Span | undefined {
  return l?.span;
}

/** Re-parses the entry line under the cursor (the model keeps aggregates, not every entry). */
export function conntrackHover(model: ConntrackModel, offset: number, text: string): TokenHover | undefined {
  for (const table of model.stats) {
    if (!contains(table.span, offset)) continue;
    for (const row of table.rows) {
      if (!contains(row.span, offset)) continue;
      for (const c of row.counters.values()) {
        if (contains(c.name.span, offset) || contains(c.value.span, offset)) {
          const d = COUNTERS[c.name.value];
          return { span: { start: Math.min(c.name.span.start, c.value.span.start), end: Math.max(c.name.span.end, c.value.span.end) }, markdown: `**${c.name.value}** = ${c.value.value}${c.raw !== String(c.value.value) ? ` (\`${c.raw}\`)` : ''}${row.cpu ? ` on CPU ${row.cpu.value}` : ''}${d ? `\n\n${d}` : ''}` };
        }
      }
    }
  }
  const { line, start } = lineAround(text, offset);
  const { entry: e } = parseConntrackEntry(line, start);
  if (!e) return undefined;
  if (contains(located(e.protocol), offset) || contains(located(e.l3), offset)) {
    const span = contains(located(e.l3), offset) ? e.l3!.span : e.protocol.span;
    const name = contains(located(e.l3), offset) ? e.l3!.value : e.protocol.value;
    return { span, markdown: `**${name}** — ${PROTOCOLS[name] ?? 'protocol'}` };
  }
  if (contains(located(e.timeout), offset)) {
    const s = e.timeout!.value;
    const human = s >= 86400 ? `${(s / 86400).toFixed(1)} days` : s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
    return { span: e.timeout!.span, markdown: `**expires in ${human}** (${s} s) unless traffic refreshes the entry.` };
  }
  if (contains(located(e.state), offset)) return { span: e.state!.span, markdown: `**${e.state!.value}** — ${STATES[e.state!.value] ?? 'TCP conntrack state.'}` };
  for (const f of e.flags) {
    if (contains(f.span, offset)) return { span: f.span, markdown: FLAGS[f.value] ?? `\`[${f.value}]\`` };
  }
  const t = tupleHover(e.original, 'original', e, offset) ?? (e.reply && tupleHover(e.reply, 'reply', e, offset));
  if (t) return t;
  for (const f of e.fields) {
    if (contains(f.span, offset)) return { span: f.span, markdown: `**${f.key.value}=${f.value.value}** — ${FIELDS[f.key.value] ?? 'field'}` };
  }
  return undefined;
}

/** A summary outline: entries per protocol and TCP state, and the statistics tables. */
export function conntrackOutline(model: ConntrackModel): OutlineNode[] {
  const out: OutlineNode[] = [];
  const t = model.table;
  const first = t.sample[0];
  if (first && t.total > 0) {
    const at = first.span;
    out.push({
      name: `${t.total} entries`,
      detail: `${t.unreplied} unreplied, ${t.assured} assured`,
      kind: 'section',
      span: at,
      selection: at,
      children: [
        ...[...t.byL4.entries()].map(([p, n]) => ({ name: p, detail: `${n}`, kind: 'group' as const, span: at, selection: at })),
        ...[...t.byTcpState.entries()].map(([s, n]) => ({ name: s, detail: `${n}`, kind: 'key' as const, span: at, selection: at })),
      ],
    });
  }
  for (const s of model.stats) {
    out.push({
      name: s.format === 'stats-proc' ? '/proc/net/stat/nf_conntrack' : 'conntrack -S',
      detail: `${s.rows.length} CPU rows`,
      kind: 'section',
      span: s.span,
      selection: s.header?.span ?? s.rows[0]?.span ?? s.span,
      children: s.rows.map((r) => ({ name: r.cpu ? `cpu=${r.cpu.value}` : `row ${r.index}`, kind: 'counter' as const, span: r.span, selection: r.cpu?.span ?? r.span })),
    });
  }
  return out;
}
