import type { Span } from '../../core/span';
import { chainDoc, OPTIONS, TABLES, TARGETS } from './glossary';
import type { IptablesModel, IptRule, Token } from './model';

export interface TokenHover {
  readonly span: Span;
  readonly markdown: string;
}

const inside = (s: Span, offset: number): boolean => offset >= s.start && offset < s.end;

/** Rules of all tables sorted by position, for a binary search from an offset. */
function ruleAt(model: IptablesModel, offset: number): IptRule | undefined {
  for (const t of model.tables) {
    const rules = t.rules;
    let lo = 0;
    let hi = rules.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rules[mid]!;
      if (offset < r.span.start) hi = mid - 1;
      else if (offset > r.span.end) lo = mid + 1;
      else return r;
    }
  }
  return undefined;
}

function chainHover(token: Token, model: IptablesModel): TokenHover | undefined {
  const doc = chainDoc(token.value);
  const services = serviceNames(model, token.value);
  if (!doc && services.length === 0) return undefined;
  const lines = [`**chain \`${token.value}\`**`];
  if (doc) lines.push('', doc);
  if (services.length) lines.push('', `Serves: ${services.map((s) => `\`${s}\``).join(', ')}`);
  return { span: token.span, markdown: lines.join('\n') };
}

/** The Service names kube-proxy wrote in the comments of rules jumping to (or living in) a chain. */
function serviceNames(model: IptablesModel, chain: string): string[] {
  const names = new Set<string>();
  for (const t of model.tables) {
    for (const r of t.rules) {
      if (r.target?.name.value !== chain && r.chain.value !== chain) continue;
      for (const m of r.matches) {
        if (m.name.value !== 'comment') continue;
        const c = m.options[0]?.values[0]?.value;
        const svc = c && /^([\w.-]+\/[\w.-]+(?::[\w.-]+)?)/.exec(c)?.[1];
        if (svc) names.add(svc);
      }
    }
  }
  return [...names].slice(0, 5);
}

/** Explains the token under `offset`: table, chain, option, target. Undefined off any known token. */
export function iptablesHover(model: IptablesModel, offset: number): TokenHover | undefined {
  for (const t of model.tables) {
    if (inside(t.name.span, offset)) {
      const d = TABLES[t.name.value];
      if (d) return { span: t.name.span, markdown: `**table \`${t.name.value}\`**\n\n${d}` };
    }
    for (const c of t.chains) {
      if (inside(c.name.span, offset)) return chainHover(c.name, model);
      if (c.policy && inside(c.policy.span, offset)) {
        const counters = c.counters ? ` ${c.counters.packets} packets (${c.counters.bytes} bytes) reached the end of the chain and got this policy.` : '';
        return { span: c.policy.span, markdown: `**policy ${c.policy.value}** of built-in chain ${c.name.value}: applied to packets that no rule decided.${counters}` };
      }
    }
  }
  const rule = ruleAt(model, offset);
  if (!rule) return undefined;
  if (inside(rule.chain.span, offset)) return chainHover(rule.chain, model);
  const target = rule.target;
  if (target && inside(target.name.span, offset)) {
    const d = TARGETS[target.name.value];
    return d ? { span: target.name.span, markdown: `**target \`${target.name.value}\`**\n\n${d}` } : chainHover(target.name, model);
  }
  const options = [...rule.matches.flatMap((m) => m.options), ...(target?.options ?? [])];
  for (const o of options) {
    if (inside(o.name.span, offset)) {
      const d = OPTIONS[o.name.value];
      if (d) return { span: o.name.span, markdown: `**\`${o.name.value}\`**\n\n${d}` };
    }
  }
  for (const m of rule.matches) {
    if (m.explicit && inside(m.name.span, offset)) {
      return { span: m.name.span, markdown: `**match module \`${m.name.value}\`** (\`-m ${m.name.value}\`): the options after it belong to this extension (iptables-extensions(8)).` };
    }
  }
  return undefined;
}
