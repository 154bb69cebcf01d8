import type { Span } from '../../core/span';
import type { IpvsConnection, IpvsConnectionTable, IpvsDestinationConnections, IpvsVirtualConnections } from './model';
import { addressKey } from './query';

/**
 * A connection table (`ipvsadm -Lnc`, /proc/net/ip_vs_conn) as it is read: counts by state, by
 * virtual service and by real server, plus a bounded number of entries (the rest only counted).
 */

interface ConnAgg {
  protocol: string;
  virtual: string;
  destination?: string;
  count: number;
  byState: Map<string, number>;
  firstSeen: Span;
}

export interface ConnState {
  variant: 'connections' | 'proc-connections';
  header?: Span;
  total: number;
  byState: Map<string, number>;
  byVirtual: Map<string, ConnAgg>;
  byDestination: Map<string, ConnAgg>;
  unaggregated: number;
  entries: IpvsConnection[];
  omitted: number;
}

export function newConnState(variant: 'connections' | 'proc-connections'): ConnState {
  return {
    variant,
    total: 0,
    byState: new Map(),
    byVirtual: new Map(),
    byDestination: new Map(),
    unaggregated: 0,
    entries: [],
    omitted: 0,
  };
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Counts one entry; keeps it while the paste's entry budget lasts, aggregates it while the key budget lasts. */
export function addConn(c: ConnState, e: IpvsConnection, budget: { entries: number; keys: number }): void {
  c.total++;
  const state = e.state.value;
  bump(c.byState, state);
  const protocol = e.protocol.value;
  const virtual = addressKey(e.virtual);
  const destination = addressKey(e.destination);
  const vk = `${protocol} ${virtual}`;
  const dk = `${vk} ${destination}`;
  let v = c.byVirtual.get(vk);
  let d = c.byDestination.get(dk);
  const newKeys = (v ? 0 : 1) + (d ? 0 : 1);
  if (newKeys > budget.keys) {
    c.unaggregated++;
  } else {
    budget.keys -= newKeys;
    if (!v) {
      v = { protocol, virtual, count: 0, byState: new Map(), firstSeen: e.span };
      c.byVirtual.set(vk, v);
    }
    if (!d) {
      d = { protocol, virtual, destination, count: 0, byState: new Map(), firstSeen: e.span };
      c.byDestination.set(dk, d);
    }
    v.count++;
    bump(v.byState, state);
    d.count++;
    bump(d.byState, state);
  }
  if (budget.entries > 0) {
    budget.entries--;
    c.entries.push(e);
  } else c.omitted++;
}

export function finishConn(c: ConnState, sp: Span): IpvsConnectionTable {
  const byVirtual: IpvsVirtualConnections[] = [...c.byVirtual.values()].map((a) => ({
    protocol: a.protocol,
    virtual: a.virtual,
    count: a.count,
    byState: a.byState,
    firstSeen: a.firstSeen,
  }));
  const byDestination: IpvsDestinationConnections[] = [...c.byDestination.values()].map((a) => ({
    protocol: a.protocol,
    virtual: a.virtual,
    destination: a.destination ?? '',
    count: a.count,
    byState: a.byState,
    firstSeen: a.firstSeen,
  }));
  return {
    variant: c.variant,
    span: sp,
    ...(c.header ? { header: c.header } : {}),
    total: c.total,
    byState: c.byState,
    byVirtual,
    byDestination,
    unaggregated: c.unaggregated,
    entries: c.entries,
    omittedEntries: c.omitted,
  };
}
