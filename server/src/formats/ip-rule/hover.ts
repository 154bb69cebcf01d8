import { contains } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import { DEFAULT_RULES, RULE_WORDS } from './glossary';
import type { IpRuleModel } from './model';

export function ipRuleHover(model: IpRuleModel, offset: number): TokenHover | undefined {
  for (const r of model.rules) {
    if (offset < r.span.start) return undefined;
    if (offset > r.span.end) continue;
    if (contains(r.priority.span, offset)) {
      const d = DEFAULT_RULES.find((x) => x.priority === r.priority.value && x.table === r.table?.value);
      return { span: r.priority.span, markdown: `**priority ${r.priority.value}**: rules are tried from the lowest priority up until one's table has a route.${d ? ` This is a default rule: ${d.what}.` : ''}` };
    }
    for (const a of r.attrs) {
      const span = contains(a.key.span, offset) ? a.key.span : a.value && contains(a.value.span, offset) ? a.value.span : undefined;
      if (!span) continue;
      const word = RULE_WORDS[a.key.value];
      return { span, markdown: `**\`${a.key.value}\`**${a.value ? ` = \`${a.value.value}\`` : ''}${word ? `: ${word}` : ''}` };
    }
  }
  return undefined;
}

export function ipRuleOutline(model: IpRuleModel): OutlineNode[] {
  return model.rules.map((r) => ({ name: `${r.priority.value}`, detail: r.table ? `lookup ${r.table.value}` : r.attrs.map((a) => a.key.value).join(' '), kind: 'key' as const, span: r.span, selection: r.priority.span }));
}
