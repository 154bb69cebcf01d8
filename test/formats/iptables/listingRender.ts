import { spanRenderer } from '../../helpers/golden';
import type { Span } from '../../../server/src/core/span';
import type { IptBasicMatch, IptOption } from '../../../server/src/formats/iptables/model';
import type { IptablesListingModel, ListingColumns, ListingCounters } from '../../../server/src/formats/iptables/parseListing';

/**
 * A readable rendering of a listing model for golden files: every value with its span as
 * `line:col-line:col "text"`, so a reviewer sees at once whether a position is exact.
 */
export function renderListing(text: string, m: IptablesListingModel): string {
  const sp = spanRenderer(text);
  const out: string[] = [];
  const put = (indent: number, s: string): void => {
    out.push(`${'  '.repeat(indent)}${s}`);
  };
  const counters = (label: string, c: ListingCounters | undefined, indent: number): void => {
    if (!c) return;
    const approx = c.approximate ? ' approximate' : '';
    put(indent, `${label} packets=${c.packets} bytes=${c.bytes}${approx} @ ${sp(c.span)}`);
    put(indent + 1, `printed ${JSON.stringify(c.packetsText.value)} @ ${sp(c.packetsText.span)} / ${JSON.stringify(c.bytesText.value)} @ ${sp(c.bytesText.span)}`);
  };
  const neg = (n: Span | undefined): string => (n ? ` negated by ${sp(n)}` : '');
  const basic = (label: string, b: IptBasicMatch | undefined, indent: number): void => {
    if (b) put(indent, `${label} ${JSON.stringify(b.value.value)} @ ${sp(b.value.span)}${neg(b.negation)}`);
  };
  const option = (o: IptOption, indent: number): void => {
    put(indent, `${o.name.value} (name @ ${sp(o.name.span)})${neg(o.negation)} option @ ${sp(o.span)}`);
    for (const v of o.values) put(indent + 1, `value ${JSON.stringify(v.value)} @ ${sp(v.span)}`);
  };
  const columns = (c: ListingColumns, indent: number): void => {
    const parts: string[] = [];
    for (const k of ['num', 'pkts', 'bytes', 'target', 'prot', 'opt', 'in', 'out', 'source', 'destination'] as const) {
      const t = c[k];
      parts.push(t ? `${k}=${t.value}` : `${k}=-`);
    }
    put(indent, `columns ${parts.join(' ')}`);
    if (c.text) put(indent + 1, `text @ ${sp(c.text.span)}`);
  };

  put(0, `variant ${m.variant}`);
  if (m.legacyTablesWarning) put(0, `legacyTablesWarning @ ${sp(m.legacyTablesWarning)}`);
  for (const t of m.tables) {
    put(0, `table ${t.name.value} (name @ ${sp(t.name.span)}) @ ${sp(t.span)}`);
    put(1, `inferred by ${t.inference.method}: ${t.inference.reason}`);
    put(1, `candidates [${t.inference.candidates.join(', ')}]`);
    for (const e of t.inference.evidence.slice(0, 5)) put(2, `evidence @ ${sp(e)}`);
    if (t.inference.evidence.length > 5) put(2, `... ${t.inference.evidence.length - 5} more evidence spans`);
    for (const c of t.chains) {
      const bits = [c.builtin ? 'builtin' : 'user', c.policy ? `policy ${c.policy.value} @ ${sp(c.policy.span)}` : '', c.references !== undefined ? `references ${c.references}` : ''].filter(Boolean);
      put(1, `chain ${c.name.value} (${bits.join(', ')}) name @ ${sp(c.name.span)}`);
      put(2, `line @ ${sp(c.span)}`);
      counters('policy counters', c.counters, 2);
      for (const r of c.rules) {
        put(2, `rule line ${r.line + 1}${r.number !== undefined ? ` num ${r.number}` : ''} chain=${r.chain.value} command=${r.command.value} @ ${sp(r.command.span)}`);
        put(3, `span @ ${sp(r.span)}`);
        columns(r.columns, 3);
        counters('counters', r.counters, 3);
        basic('protocol', r.protocol, 3);
        if (r.fragment) put(3, `fragment @ ${sp(r.fragment.span)}${neg(r.fragment.negation)}`);
        basic('in', r.inInterface, 3);
        basic('out', r.outInterface, 3);
        basic('source', r.source, 3);
        basic('destination', r.destination, 3);
        for (const mt of r.matches) {
          put(3, `match ${mt.name.value} (name @ ${sp(mt.name.span)}) @ ${sp(mt.span)}`);
          for (const o of mt.options) option(o, 4);
        }
        if (r.target) {
          put(3, `target ${r.target.kind} ${r.target.name.value} @ ${sp(r.target.name.span)} (span @ ${sp(r.target.span)})`);
          for (const o of r.target.options) option(o, 4);
        } else put(3, `no target`);
      }
    }
  }
  put(0, `problems ${m.problems.length}`);
  for (const p of m.problems) put(1, `${p.code}${p.severity ? ` (${p.severity})` : ''}: ${p.message} @ ${sp(p.span)}`);
  return `${out.join('\n')}\n`;
}
