import { contains } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import { ANNOTATIONS, FEATURES } from './glossary';
import type { EthtoolModel } from './model';

export function ethtoolHover(model: EthtoolModel, offset: number): TokenHover | undefined {
  for (const iface of model.interfaces) {
    if (contains(iface.name.span, offset) && iface.name.value) {
      const on = iface.features.filter((f) => f.state.value === 'on').length;
      return { span: iface.name.span, markdown: `**interface \`${iface.name.value}\`**: ${iface.features.length} features, ${on} on.${/^(?:flannel\.\d+|vxlan)/.test(iface.name.value) ? ' A VXLAN overlay device (flannel).' : ''}` };
    }
    for (const f of iface.features) {
      if (offset < f.span.start || offset > f.span.end) continue;
      if (contains(f.name.span, offset)) {
        const d = FEATURES[f.canonical];
        const state = `${f.state.value}${f.fixed ? ' (fixed)' : ''}${f.requested ? ` (requested ${f.requested})` : ''}`;
        return { span: f.name.span, markdown: `**\`${f.canonical}\`**: ${state}${f.parent ? ` — part of \`${f.parent}\`` : ''}${d ? `\n\n${d}` : ''}` };
      }
      if (f.annotation && contains(f.annotation.span, offset)) return { span: f.annotation.span, markdown: ANNOTATIONS[f.annotation.value] ?? '' };
      if (contains(f.state.span, offset)) {
        const change = f.fixed ? 'The driver does not let it change.' : `Change with \`ethtool -K ${iface.name.value || 'IFACE'} ${f.canonical} ${f.state.value === 'on' ? 'off' : 'on'}\`.`;
        return { span: f.state.span, markdown: `\`${f.canonical}\` is **${f.state.value}**. ${change}` };
      }
    }
  }
  return undefined;
}

/** Interfaces, each with its feature groups (a group line and its indented sub-features). */
export function ethtoolOutline(model: EthtoolModel): OutlineNode[] {
  return model.interfaces.map((iface) => {
    const last = iface.features[iface.features.length - 1];
    const groups: OutlineNode[] = [];
    for (const f of iface.features) {
      if (f.parent) continue;
      const kids = iface.features.filter((c) => c.parent === f.canonical);
      const end = kids.length ? kids[kids.length - 1]!.span.end : f.span.end;
      groups.push({ name: f.canonical, detail: f.state.value, kind: 'key', span: { start: f.span.start, end }, selection: f.name.span });
    }
    return {
      name: iface.name.value || '(no header)',
      detail: `${iface.features.length} features`,
      kind: 'interface' as const,
      span: { start: iface.header.start, end: last ? last.span.end : iface.header.end },
      selection: iface.name.span,
      children: groups,
    };
  });
}
