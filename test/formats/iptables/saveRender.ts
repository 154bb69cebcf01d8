import type { Span } from '../../../server/src/core/span';
import type { IptBasicMatch, IptOption, IptRule, IptablesModel } from '../../../server/src/formats/iptables/model';
import { spanRenderer } from '../../helpers/golden';

const MAX_PROBLEMS = 200;

/**
 * A readable rendering of a save model for golden files: the whole model, each value with its
 * span as `line:col-line:col "text"`, so a reviewer sees at once whether a position is exact.
 */
export function renderSave(text: string, m: IptablesModel): string {
  const sp = spanRenderer(text);
  const out: string[] = [];
  const loc = (v: { value: string; span: Span }): string => `${JSON.stringify(v.value)} @ ${sp(v.span)}`;
  const option = (o: IptOption): string =>
    `${o.negation ? `! ${sp(o.negation)} ` : ''}${loc(o.name)}${o.values.map((v) => `\n          = ${loc(v)}`).join('')}`;
  const basic = (label: string, b: IptBasicMatch | undefined): void => {
    if (b) out.push(`      ${label}${b.negation ? ` ! ${sp(b.negation)}` : ''} ${loc(b.value)}`);
  };
  const rule = (r: IptRule): void => {
    out.push(`    rule line ${r.line + 1} ${loc(r.command)} chain ${loc(r.chain)}`);
    if (r.counters) out.push(`      counters ${r.counters.packets}/${r.counters.bytes} @ ${sp(r.counters.span)}`);
    basic('source', r.source);
    basic('destination', r.destination);
    basic('in', r.inInterface);
    basic('out', r.outInterface);
    basic('protocol', r.protocol);
    if (r.fragment) out.push(`      fragment${r.fragment.negation ? ` ! ${sp(r.fragment.negation)}` : ''} @ ${sp(r.fragment.span)}`);
    for (const x of r.matches) {
      out.push(`      match ${loc(x.name)}${x.explicit ? '' : ' (implicit)'} span ${sp(x.span)}`);
      for (const o of x.options) out.push(`        ${option(o)}`);
    }
    if (r.target) {
      out.push(`      ${r.target.kind} ${loc(r.target.name)} span ${sp(r.target.span)}`);
      for (const o of r.target.options) out.push(`        ${option(o)}`);
    }
  };
  out.push(`variant ${m.variant}`);
  if (m.header) {
    const h = m.header;
    out.push(`header ${sp(h.span)}`);
    out.push(`  tool ${loc(h.tool)} family ${h.family}`);
    if (h.version) out.push(`  version ${loc(h.version)}`);
    if (h.backend) out.push(`  backend ${loc(h.backend)}`);
  }
  if (m.legacyTablesWarning) out.push(`legacy tables warning ${sp(m.legacyTablesWarning)}`);
  for (const t of m.tables) {
    out.push(`table ${loc(t.name)} line ${sp(t.span)} commit ${t.commit ? sp(t.commit) : 'MISSING'}`);
    for (const c of t.chains) {
      const policy = c.policy ? ` policy ${loc(c.policy)}` : '';
      const counters = c.counters ? ` counters ${c.counters.packets}/${c.counters.bytes} @ ${sp(c.counters.span)}` : '';
      out.push(`  chain ${loc(c.name)}${c.builtin ? ' builtin' : ''}${policy}${counters} (${c.rules.length} rules)`);
    }
    out.push(`  rules (${t.rules.length})`);
    for (const r of t.rules) rule(r);
  }
  out.push(`problems (${m.problems.length})`);
  for (const p of m.problems.slice(0, MAX_PROBLEMS)) out.push(`  ${p.code} ${sp(p.span)}\n    ${p.message}`);
  if (m.problems.length > MAX_PROBLEMS) out.push(`  ... ${m.problems.length - MAX_PROBLEMS} more`);
  return `${out.join('\n')}\n`;
}
