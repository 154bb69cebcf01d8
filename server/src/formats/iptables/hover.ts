import { contains, type Span } from '../../core/span';
import type { TokenHover } from '../features';
import { BACKENDS, chainDoc, OPTIONS, TABLES, TARGETS, TOOLS } from './glossary';
import type { IptablesHeader, IptablesModel, IptRule, IptTable, Token } from './model';
import { endpointShares, formatShare, ruleIndex, serviceOf } from './navigation';
import { versionGatesOf } from './versionGates';

/** The rule under `offset` and its table (rules are in file order, so a binary search finds it). */
function ruleAt(model: IptablesModel, offset: number): { rule: IptRule; table: IptTable } | undefined {
  for (const t of model.tables) {
    const rules = t.rules;
    let lo = 0;
    let hi = rules.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rules[mid]!;
      if (offset < r.span.start) hi = mid - 1;
      else if (offset > r.span.end) lo = mid + 1;
      else return { rule: r, table: t };
    }
  }
  return undefined;
}

function chainHover(token: Token, table: IptTable): TokenHover | undefined {
  const doc = chainDoc(token.value);
  const service = serviceOf(table, token.value);
  const idx = ruleIndex(table);
  const rules = idx.inChain.get(token.value)?.length ?? 0;
  const callers = idx.jumpingTo.get(token.value)?.length ?? 0;
  if (!doc && !service && rules === 0 && callers === 0) return undefined;
  const lines = [`**chain \`${token.value}\`** (${table.name.value} table)${service ? ` → Service \`${service}\`` : ''}`];
  if (doc) lines.push('', doc);
  const endpoints = /^KUBE-(?:SVC|SVL)-/.test(token.value) ? endpointShares(table, token.value) : [];
  if (endpoints.length > 0) {
    lines.push('', '| endpoint | share of new connections |', '|---|---|');
    for (const e of endpoints) lines.push(`| \`${e.destination ?? e.chain}\` | ${formatShare(e.share)} |`);
  }
  lines.push('', `${rules} rule${rules === 1 ? '' : 's'}; jumped to from ${callers} rule${callers === 1 ? '' : 's'}.`);
  return { span: token.span, markdown: lines.join('\n') };
}

/** The header's tool, version (with what it means for the version gates) and backend. */
function headerHover(h: IptablesHeader, offset: number): TokenHover | undefined {
  if (contains(h.tool.span, offset)) {
    const d = TOOLS[h.tool.value];
    return d ? { span: h.tool.span, markdown: `**\`${h.tool.value}\`**\n\n${d}` } : undefined;
  }
  if (h.version && contains(h.version.span, offset)) {
    const backend = h.backend?.value;
    const notes = versionGatesOf(h).map((g) => g.note);
    const lines = [`**iptables ${h.version.value}**${backend ? ` (${backend})` : ''}: the iptables that wrote this dump. kube-netlint uses it for its version gates (the iptables version of this node).`];
    lines.push('', notes.length > 0 ? notes.join('\n\n') : 'No known iptables problem in this release.');
    return { span: h.version.span, markdown: lines.join('\n') };
  }
  if (h.backend && contains(h.backend.span, offset)) {
    return { span: h.backend.span, markdown: `**backend \`${h.backend.value}\`**\n\n${BACKENDS[h.backend.value]}` };
  }
  return undefined;
}

/** Explains the token under `offset`: header, table, chain, option, target. Undefined off any known token. */
/**
 * The effective share of new connections that a kube-proxy endpoint rule sends to its endpoint:
 * rule i jumps with probability p_i of what reaches it, so it gets p_i · Π_{j<i}(1 − p_j).
 */
function probabilityHover(rule: IptRule, table: IptTable, span: Span): TokenHover | undefined {
  const shares = endpointShares(table, rule.chain.value);
  const k = shares.findIndex((e) => e.rule === rule);
  if (k < 0) return undefined;
  const e = shares[k]!;
  const p = rule.matches.flatMap((m) => m.options).find((o) => o.name.value === '--probability')?.values[0]?.value ?? '1';
  const to = e.destination ? ` (${e.destination})` : '';
  const left = shares.slice(0, k).reduce((n, x) => n - x.share, 1);
  return {
    span,
    markdown: `**\`--probability ${p}\`**: of the new connections that reach this rule, ${p} jump to ${e.chain}${to}. ${k === 0 ? 'It is the first endpoint rule, so this endpoint' : `The ${k} endpoint rule${k === 1 ? '' : 's'} above it ${k === 1 ? 'takes' : 'take'} ${formatShare(1 - left)} first, so this endpoint`} gets **${formatShare(e.share)}** of the Service's new connections (endpoint ${k + 1} of ${shares.length}).`,
  };
}

export function iptablesHover(model: IptablesModel, offset: number): TokenHover | undefined {
  if (model.header && contains(model.header.span, offset)) return headerHover(model.header, offset);
  if (model.legacyTablesWarning && contains(model.legacyTablesWarning, offset)) {
    return {
      span: model.legacyTablesWarning,
      markdown: '**Legacy tables present**: iptables-nft found rules in the legacy (x_tables) backend too. This dump shows only the nf_tables half of the node\'s rules; run `iptables-legacy-save` for the other (iptables/mixed-backends).',
    };
  }
  for (const t of model.tables) {
    if (contains(t.name.span, offset)) {
      const d = TABLES[t.name.value];
      if (d) return { span: t.name.span, markdown: `**table \`${t.name.value}\`**\n\n${d}` };
    }
    for (const c of t.chains) {
      if (contains(c.name.span, offset)) return chainHover(c.name, t);
      if (c.policy && contains(c.policy.span, offset)) {
        const counters = c.counters ? ` ${c.counters.packets} packets (${c.counters.bytes} bytes) reached the end of the chain and got this policy.` : '';
        return { span: c.policy.span, markdown: `**policy ${c.policy.value}** of built-in chain ${c.name.value}: applied to packets that no rule decided.${counters}` };
      }
    }
  }
  const at = ruleAt(model, offset);
  if (!at) return undefined;
  const { rule, table } = at;
  if (contains(rule.chain.span, offset)) return chainHover(rule.chain, table);
  const target = rule.target;
  if (target && contains(target.name.span, offset)) {
    const d = TARGETS[target.name.value];
    return d ? { span: target.name.span, markdown: `**target \`${target.name.value}\`**\n\n${d}` } : chainHover(target.name, table);
  }
  const options = [...rule.matches.flatMap((m) => m.options), ...(target?.options ?? [])];
  for (const o of options) {
    // `--probability 0.33333` is conditional on the rules above it not having jumped: say the share it gives (the inlay notes' sum).
    if (o.name.value === '--probability' && (contains(o.name.span, offset) || o.values.some((v) => contains(v.span, offset)))) {
      const hover = probabilityHover(rule, table, o.span);
      if (hover) return hover;
    }
    if (contains(o.name.span, offset)) {
      const d = OPTIONS[o.name.value];
      if (d) return { span: o.name.span, markdown: `**\`${o.name.value}\`**\n\n${d}` };
    }
  }
  for (const m of rule.matches) {
    if (m.explicit && contains(m.name.span, offset)) {
      return { span: m.name.span, markdown: `**match module \`${m.name.value}\`** (\`-m ${m.name.value}\`): the options after it belong to this extension (iptables-extensions(8)).` };
    }
  }
  return undefined;
}
