import { contains } from '../../core/span';
import type { OutlineNode, TokenHover } from '../features';
import { ROUTE_WORDS } from './glossary';
import type { IpRoute, IpRouteModel } from './model';

function routeAt(model: IpRouteModel, offset: number): IpRoute | undefined {
  const rs = model.routes;
  let lo = 0;
  let hi = rs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = rs[mid]!.span;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else return rs[mid];
  }
  return undefined;
}

export function ipRouteHover(model: IpRouteModel, offset: number): TokenHover | undefined {
  const r = routeAt(model, offset);
  if (!r) return undefined;
  if (r.type && contains(r.type.span, offset)) return { span: r.type.span, markdown: `**route type \`${r.type.value}\`**: ${ROUTE_WORDS[r.type.value] ?? ''}` };
  if (contains(r.destination.span, offset)) {
    const d = r.destination.value;
    const what = d === 'default' ? ROUTE_WORDS.default! : `${d.includes('/') ? 'prefix' : 'host'} \`${d}\``;
    return { span: r.destination.span, markdown: `**destination** ${what} · IPv${r.family} · table \`${r.table}\`` };
  }
  for (const a of [...r.attrs, ...r.nexthops.flatMap((n) => n.attrs)]) {
    const span = contains(a.key.span, offset) ? a.key.span : a.value && contains(a.value.span, offset) ? a.value.span : undefined;
    if (!span) continue;
    const word = ROUTE_WORDS[a.key.value];
    return { span, markdown: `**\`${a.key.value}\`**${a.value ? ` = \`${a.value.value}\`` : ''}${word ? `: ${word}` : ''}` };
  }
  return undefined;
}

/** Routes grouped by table, in the order tables first appear. */
export function ipRouteOutline(model: IpRouteModel): OutlineNode[] {
  const byTable = new Map<string, IpRoute[]>();
  for (const r of model.routes) {
    const key = `${r.table}\u0000${r.family}`;
    const list = byTable.get(key);
    if (list) list.push(r);
    else byTable.set(key, [r]);
  }
  return [...byTable.entries()].map(([key, routes]) => {
    const [table, family] = key.split('\u0000');
    const first = routes[0]!;
    const lastRoute = routes[routes.length - 1]!;
    return {
      name: `table ${table} (IPv${family})`,
      detail: `${routes.length} routes`,
      kind: 'table' as const,
      // Tables interleave in `table all` output; the group covers its first to last route.
      span: { start: first.span.start, end: lastRoute.span.end },
      selection: first.destination.span,
      children: routes.map((r) => ({ name: `${r.type ? `${r.type.value} ` : ''}${r.destination.value}`, detail: r.attrs.filter((a) => a.key.value === 'dev' || a.key.value === 'via').map((a) => `${a.key.value} ${a.value?.value ?? ''}`).join(' '), kind: 'key' as const, span: r.span, selection: r.destination.span })),
    };
  });
}
