import type { Span } from '../../core/span';
import type { ConntrackEntry, ConntrackEntryRef, ConntrackModel, ConntrackStatCounter, ConntrackStatsTable } from './model';
import { parseConntrackEntry } from './parse';

/**
 * Questions rules and hovers ask of a conntrack model, answered the same way for every spelling:
 * counters of `conntrack -S` and `/proc/net/stat/nf_conntrack` (their names changed across kernels),
 * their growth across snapshots, and one entry's fields read again from its line.
 */

/** Spellings of one counter across kernels and tools (`conntrack -S` vs the proc table header). */
export const COUNTER_ALIASES: Readonly<Record<string, readonly string[]>> = {
  clash_resolve: ['clash_resolve', 'clashres'],
  chaintoolong: ['chaintoolong', 'chainlength'],
};

const aliases = (name: string): readonly string[] => COUNTER_ALIASES[name] ?? [name];

/** The sum over CPUs of a counter in one table, or undefined when the table does not print it. */
export function total(table: ConntrackStatsTable, name: string): number | undefined {
  for (const n of aliases(name)) {
    const v = table.totals.get(n);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The counter on one row (any spelling). */
export function counter(row: { readonly counters: ReadonlyMap<string, ConntrackStatCounter> }, name: string): ConntrackStatCounter | undefined {
  for (const n of aliases(name)) {
    const c = row.counters.get(n);
    if (c) return c;
  }
  return undefined;
}

/** The first row (CPU) whose counter is above zero: where a finding about that counter points. */
export function firstNonZero(table: ConntrackStatsTable, name: string): ConntrackStatCounter | undefined {
  for (const row of table.rows) {
    const c = counter(row, name);
    if (c && c.value.value > 0) return c;
  }
  return undefined;
}

/**
 * The latest statistics table (snapshot) that prints the counter. A paste of two `conntrack -S`
 * runs holds two tables; the last one is the newest state.
 */
export function latestTable(model: ConntrackModel, name: string): ConntrackStatsTable | undefined {
  for (let i = model.stats.length - 1; i >= 0; i--) {
    const t = model.stats[i]!;
    if (total(t, name) !== undefined) return t;
  }
  return undefined;
}

/** How a cumulative counter moved between the first and the last snapshot in the document. */
export interface Growth {
  readonly snapshots: number;
  readonly first: number;
  readonly last: number;
}

/** Undefined unless the document holds two or more snapshots that print the counter. */
export function growth(model: ConntrackModel, name: string): Growth | undefined {
  const values: number[] = [];
  for (const t of model.stats) {
    const v = total(t, name);
    if (v !== undefined) values.push(v);
  }
  if (values.length < 2) return undefined;
  return { snapshots: values.length, first: values[0]!, last: values[values.length - 1]! };
}

/**
 * The first `key=value` of an entry, as text: for `src`, `dst`, `sport`, `dport` that is the ORIGINAL
 * tuple (conntrack prints it first). A plain scan of one line, much cheaper than re-parsing the entry,
 * for rules that look at one example per group of up to MAX_GROUPS groups.
 */
export function firstField(text: string, span: Span, key: string): string | undefined {
  const needle = `${key}=`;
  let at = text.indexOf(needle, span.start);
  while (at >= 0 && at < span.end) {
    const before = at === span.start ? 32 : text.charCodeAt(at - 1);
    if (before === 32 || before === 9) {
      let end = at + needle.length;
      while (end < span.end && text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 9) end++;
      return text.slice(at + needle.length, end);
    }
    at = text.indexOf(needle, at + 1);
  }
  return undefined;
}

/** Re-reads one entry of a group in full (bounded: rules only look at a few examples). */
export function readEntry(document: { readonly text: string }, ref: ConntrackEntryRef): ConntrackEntry | undefined {
  return parseConntrackEntry(document.text.slice(ref.span.start, ref.span.end), ref.span.start).entry;
}
