import { contains } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import { LINK_FLAGS } from '../ip-link/glossary';
import { BRIDGE_WORDS, PORT_STATES } from './glossary';
import type { BridgeLinkModel } from './model';

export function bridgeLinkHover(model: BridgeLinkModel, offset: number): TokenHover | undefined {
  for (const p of model.ports) {
    if (offset < p.span.start) return undefined;
    if (offset > p.span.end) continue;
    if (contains(p.name.span, offset)) return { span: p.name.span, markdown: `**bridge port \`${p.name.value}\`** of \`${p.master?.value ?? '?'}\`${p.hairpin ? ` · hairpin ${p.hairpin.value}` : ''}` };
    for (const f of p.flags) if (contains(f.span, offset)) return { span: f.span, markdown: `**\`${f.value}\`**: ${LINK_FLAGS[f.value] ?? 'an interface flag.'}` };
    for (const a of p.attrs) {
      const span = contains(a.key.span, offset) ? a.key.span : a.value && contains(a.value.span, offset) ? a.value.span : undefined;
      if (!span) continue;
      const state = a.key.value === 'state' && a.value ? PORT_STATES[a.value.value] : undefined;
      const word = BRIDGE_WORDS[a.key.value];
      return { span, markdown: `**\`${a.key.value}\`**${a.value ? ` = \`${a.value.value}\`` : ''}${word ? `: ${word}` : ''}${state ? ` ${state}` : ''}` };
    }
  }
  return undefined;
}

/** Ports grouped under their bridge. */
export function bridgeLinkOutline(model: BridgeLinkModel): OutlineNode[] {
  const byBridge = new Map<string, typeof model.ports[number][]>();
  for (const p of model.ports) {
    const b = p.master?.value ?? '(no master)';
    const list = byBridge.get(b);
    if (list) list.push(p);
    else byBridge.set(b, [p]);
  }
  return [...byBridge.entries()].map(([bridge, ports]) => ({
    name: bridge,
    detail: `${ports.length} ports`,
    kind: 'group' as const,
    span: { start: ports[0]!.span.start, end: ports[ports.length - 1]!.span.end },
    selection: ports[0]!.master?.span ?? ports[0]!.name.span,
    children: ports.map((p) => ({ name: p.name.value, detail: [p.hairpin ? `hairpin ${p.hairpin.value}` : undefined, p.state?.value].filter(Boolean).join(' · '), kind: 'interface' as const, span: p.span, selection: p.name.span })),
  }));
}
