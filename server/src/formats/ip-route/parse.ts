import { clip, hasControl } from '../../core/chars';
import { ReadBudget } from '../../core/readBudget';
import { isPlaceholder, RedactionTally } from '../../core/redaction';
import { forEachReadLine } from '../paste';
import type { Located } from '../../core/span';
import { attr, readAttrs, words, type ArityTable, type Attr } from '../ip-link/words';
import type { IpRoute, IpRouteModel, RouteNexthop } from './model';

/** Route types iproute2 prints before the destination (rtnl_rtntype_n2a); unicast is implied. */
export const ROUTE_TYPES: ReadonlySet<string> = new Set(['unicast', 'local', 'broadcast', 'multicast', 'anycast', 'unreachable', 'blackhole', 'prohibit', 'throw', 'nat', 'xresolve']);
/** Reserved table numbers and their names (/etc/iproute2/rt_tables). */
const TABLE_NAMES: Readonly<Record<string, string>> = { '253': 'default', '254': 'main', '255': 'local' };

const ROUTE_ARITY: ArityTable = {
  flags: new Set(['onlink', 'linkdown', 'dead', 'pervasive', 'offload', 'trap', 'notify', 'rt_offload', 'rt_trap', 'rt_offload_failed', 'cache', 'cloned', 'unresolved', 'lock']),
};

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){0,3}(?:\/\d{1,2})?$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(?:\/\d{1,3})?$/;

/** Reads `ip route` output of any iproute2 version. Total and linear. */
export function parseIpRoute(text: string): IpRouteModel {
  const budget = new ReadBudget('parse/ip-route-limit', 'routes', 'ip route output');
  const routes: IpRoute[] = [];
  let last: { route: IpRoute; nexthops: RouteNexthop[] } | undefined;
  const redactions = new RedactionTally();
  // Prompts, kubectl noise, fences, elisions and a common indentation (an issue paste) are read
  // around by the shared paste layer, with one note per cause.
  const pasteNotes = forEachReadLine(text, ({ text: line, start, number }) => {
    if (budget.exhausted(number, { start, end: start + line.length })) return false;
    const ws = words(line, start);
    if (ws.length === 0) return;
    const span = { start: ws[0]!.span.start, end: ws[ws.length - 1]!.span.end };
    if (ws[0]!.value === 'nexthop' && last) {
      last.nexthops.push({ attrs: readAttrs(ws, 1, ROUTE_ARITY), span });
      last.route = { ...last.route, span: { start: last.route.span.start, end: span.end } };
      routes[routes.length - 1] = last.route;
      return;
    }
    const typed = ROUTE_TYPES.has(ws[0]!.value) && ws.length > 1;
    const dest = ws[typed ? 1 : 0]!;
    let family = destinationFamily(dest.value);
    // A destination blanked out before the paste was shared (`x.x.x.0/24`): a route to an unknown prefix, in the note.
    if (!family && isPlaceholder(dest.value)) {
      redactions.take(dest.span, dest.value);
      family = dest.value.includes(':') && !dest.value.includes('.') ? 6 : 4;
    }
    if (!family) {
      budget.report({
        code: 'parse/ip-route-syntax',
        message: hasControl(line) ? 'this line contains binary or control characters; it is not ip route output' : `'${clip(line.trim())}' is not a route (a route starts with 'default', an address or a prefix); ignored`,
        span,
        severity: 'info',
      });
      return;
    }
    budget.item();
    const attrs = readAttrs(ws, typed ? 2 : 1, ROUTE_ARITY);
    const nexthops: RouteNexthop[] = [];
    const route: IpRoute = {
      ...(typed ? { type: ws[0]! } : {}),
      destination: dest,
      family: family === 'default' ? familyOfGateway(attrs) : family,
      attrs,
      table: tableName(attr(attrs, 'table')?.value),
      nexthops,
      span,
      line: number,
    };
    routes.push(route);
    last = { route, nexthops };
  });
  const redacted = redactions.note('ip route output');
  return { routes, problems: [...pasteNotes, ...budget.finish(), ...(redacted ? [redacted] : [])] };
}

function destinationFamily(d: string): 4 | 6 | 'default' | undefined {
  if (d === 'default' || d === 'all' || d === 'any') return 'default';
  if (d.length > 64) return undefined;
  if (IPV4.test(d)) return 4;
  if (IPV6.test(d)) return 6;
  return undefined;
}

function familyOfGateway(attrs: readonly Attr[]): 4 | 6 {
  const via = attr(attrs, 'via')?.value?.value ?? attr(attrs, 'src')?.value?.value ?? '';
  return via.includes(':') ? 6 : 4;
}

function tableName(v: Located<string> | undefined): string {
  if (!v) return 'main';
  return TABLE_NAMES[v.value] ?? v.value;
}
