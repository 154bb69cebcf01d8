import { clip, hasControl } from '../../core/chars';
import { ReadBudget } from '../../core/readBudget';
import { forEachReadLine } from '../paste';
import { attr, readAttrs, words, type ArityTable } from '../ip-link/words';
import type { IpRule, IpRuleModel } from './model';

const RULE_ARITY: ArityTable = {
  flags: new Set(['not', 'l3mdev', 'nop', 'blackhole', 'unreachable', 'prohibit', '[detached]', '[unresolved]', 'unresolved', 'protodown']),
};

/** Reads `ip rule` output (`PRIO:<tab>selector action`). Total and linear. */
export function parseIpRule(text: string): IpRuleModel {
  const budget = new ReadBudget('parse/ip-rule-limit', 'rules', 'ip rule output');
  const rules: IpRule[] = [];
  // Prompts, kubectl noise, fences, elisions and a common indentation (an issue paste) are read
  // around by the shared paste layer, with one note per cause.
  const pasteNotes = forEachReadLine(text, ({ text: line, start, number }) => {
    if (budget.exhausted(number, { start, end: start + line.length })) return false;
    const ws = words(line, start);
    if (ws.length === 0) return;
    const span = { start: ws[0]!.span.start, end: ws[ws.length - 1]!.span.end };
    const p = ws[0]!;
    const m = /^(0|[1-9]\d{0,9}):$/.exec(p.value);
    if (!m || ws.length < 2) {
      budget.report({
        code: 'parse/ip-rule-syntax',
        message: hasControl(line) ? 'this line contains binary or control characters; it is not ip rule output' : `'${clip(line.trim())}' is not an ip rule line ('PRIORITY: from ... lookup TABLE'); ignored`,
        span,
        severity: 'info',
      });
      return;
    }
    budget.item();
    const attrs = readAttrs(ws, 1, RULE_ARITY);
    const table = attr(attrs, 'lookup')?.value ?? attr(attrs, 'table')?.value;
    rules.push({
      priority: { value: Number(m[1]), span: { start: p.span.start, end: p.span.end - 1 } },
      not: attrs.some((a) => a.key.value === 'not' && !a.value),
      attrs,
      ...(table ? { table } : {}),
      span,
      line: number,
    });
  });
  return { rules, problems: [...pasteNotes, ...budget.finish()] };
}
