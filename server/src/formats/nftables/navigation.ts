import { contains, type Span } from '../../core/span';
import type { OutlineNode } from '../features';
import type { NftablesModel } from './model';
import { siteAt, siteIndex, siteKey } from './query';

/** Tables → chains (base chains with hook and priority), sets, maps, flowtables and objects. */
export function nftablesOutline(m: NftablesModel): OutlineNode[] {
  return m.tables.map((t) => {
    const children: OutlineNode[] = [
      ...t.chains
        .filter((c) => !c.implicit)
        .map((c): OutlineNode => ({
          name: c.name.value,
          kind: 'chain',
          detail: c.base ? `${c.base.type.value} ${c.base.hook.value} priority ${c.base.priority.text}${c.base.policy ? ` policy ${c.base.policy.value}` : ''}` : `${c.rules.length} rules`,
          span: widen(c.span, c.name.span),
          selection: c.name.span,
        })),
      ...t.sets
        .filter((s) => !s.implicit)
        .map((s): OutlineNode => ({ name: s.name.value, kind: 'group', detail: `${s.kind}, ${s.elements.length} elements`, span: widen(s.span, s.name.span), selection: s.name.span })),
      ...t.flowtables.map((f): OutlineNode => ({ name: f.name.value, kind: 'section', detail: 'flowtable', span: widen(f.span, f.name.span), selection: f.name.span })),
      ...t.objects.map((o): OutlineNode => ({ name: o.name.value, kind: 'counter', detail: o.type.value, span: widen(o.span, o.name.span), selection: o.name.span })),
    ];
    children.sort((a, b) => a.selection.start - b.selection.start);
    return { name: `${t.family.value} ${t.name.value}`, kind: 'table', span: widen(t.span, t.name.span), selection: t.name.span, children };
  });
}

/** The outline's span must contain its selection (script form: a rule can name a chain declared later). */
function widen(span: Span, selection: Span): Span {
  return { start: Math.min(span.start, selection.start), end: Math.max(span.end, selection.end) };
}

/** The chain's or set's declaration for a `jump`/`goto`/`: goto`/`@name` (or a declaration) under the cursor. */
export function nftablesDefinition(m: NftablesModel, offset: number): Span[] {
  const s = siteAt(m, offset);
  if (!s) return [];
  return (siteIndex(m).byName.get(siteKey(s)) ?? []).filter((x) => x.declaration).map((x) => x.span);
}

/** Every use of the chain or set under the cursor (and its declaration when asked). */
export function nftablesReferences(m: NftablesModel, offset: number, includeDeclaration: boolean): Span[] {
  const s = siteAt(m, offset);
  if (!s || !contains(s.span, offset)) return [];
  return (siteIndex(m).byName.get(siteKey(s)) ?? []).filter((x) => includeDeclaration || !x.declaration).map((x) => x.span);
}
