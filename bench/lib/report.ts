/**
 * The result format every benchmark prints: one JSON line per figure on stdout, a readable table
 * on stderr. A figure is always a ratio against a reference measured (or fixed, for latency
 * budgets) in the same run; `ratio` is oriented so that higher is better and `target` is the
 * minimum ratio required (null: reported for information, never fails).
 */
import { round } from './stats';

export interface BenchResult {
  readonly name: string;
  /** Our figure (unit below). */
  readonly ours: number;
  /** The reference figure in the same unit (a competitor measured side by side, or a budget). */
  readonly reference: number;
  readonly unit: string;
  /** Higher is better: reference / ours for times. */
  readonly ratio: number;
  /** Minimum ratio required; null when the figure is informational. */
  readonly target: number | null;
  /** ratio >= target; null when there is no target. */
  readonly pass: boolean | null;
  readonly [extra: string]: unknown;
}

/** True when the command line carries `--no-fail` (report missed targets without failing). */
export function noFail(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--no-fail');
}

/** Three significant digits (ratios span 0.001 to 100). */
export const significant = (x: number): number => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(3)) : x);

/** A time compared with a reference time (both ms): ratio = reference / ours. */
export function timeResult(name: string, oursMs: number, referenceMs: number, target: number | null, extra: Record<string, unknown> = {}): BenchResult {
  const ratio = referenceMs / oursMs;
  return {
    name,
    ours: round(oursMs),
    reference: round(referenceMs),
    unit: 'ms',
    ratio: significant(ratio),
    target,
    pass: target === null ? null : ratio >= target,
    ...extra,
  };
}

const fmt = (x: unknown): string => {
  if (typeof x !== 'number') return x === null || x === undefined ? '-' : String(x);
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
};

/** Renders results as an aligned text table (for stderr). */
export function formatTable(results: readonly BenchResult[]): string {
  const rows: string[][] = [['benchmark', 'ours', 'reference', 'unit', 'ratio', 'target', 'result']];
  for (const r of results) {
    const result = r.pass === null ? 'info' : r.pass ? 'PASS' : 'FAIL';
    rows.push([r.name, fmt(r.ours), fmt(r.reference), r.unit, fmt(r.ratio), r.target === null ? '-' : `>= ${fmt(r.target)}`, result]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, c) => (c === 0 || c === 3 || c === 6 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join('\n');
}

/**
 * Prints the results (JSON lines on stdout, table on stderr) and sets the exit code: 1 when a
 * target is missed, unless `--no-fail` was given.
 */
export function finish(title: string, results: readonly BenchResult[]): void {
  for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  process.stderr.write(`\n${title}\n${formatTable(results)}\n`);
  const missed = results.filter((r) => r.pass === false);
  if (missed.length > 0) {
    process.stderr.write(`${missed.length} target(s) missed: ${missed.map((r) => r.name).join('; ')}${noFail() ? ' (--no-fail: not failing)' : ''}\n`);
    if (!noFail()) process.exitCode = 1;
  }
}

/** Milliseconds for a log line: three significant figures at most, two decimals below 10 ms. */
export const fmtMs = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Logs a detail line on stderr (stdout carries only JSON lines). */
export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

const CANONICAL = new Set(['name', 'ours', 'reference', 'unit', 'ratio', 'target', 'pass']);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Reads one stdout line of a benchmark into a result. Lines in our format are taken as they are;
 * the older shape of conntrack.bench.ts is mapped:
 *   {name, seconds, ...}                -> ours in s, no reference (informational)
 * `exitOk` (the child's exit status) decides `pass` when the line carries no verdict of its own.
 * Returns undefined for a line that is not a JSON object with a name.
 */
export function normalizeLine(line: string, exitOk: boolean): BenchResult | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(v) || typeof v.name !== 'string') return undefined;
  const name = v.name;
  if (num(v.ours) !== undefined && typeof v.unit === 'string' && 'pass' in v) {
    const target = num(v.target) ?? null;
    const pass = typeof v.pass === 'boolean' ? v.pass : null;
    return { ...v, name, ours: num(v.ours)!, reference: num(v.reference) ?? NaN, unit: v.unit, ratio: num(v.ratio) ?? NaN, target, pass };
  }
  // Canonical fields first, then the benchmark's own fields (without duplicating the canonical ones).
  const rest = Object.fromEntries(Object.entries(v).filter(([k]) => !CANONICAL.has(k)));
  if (num(v.seconds) !== undefined) {
    return { name, ours: num(v.seconds)!, reference: NaN, unit: 's', ratio: NaN, target: null, pass: exitOk ? null : false, ...rest };
  }
  return { name, ours: NaN, reference: NaN, unit: '-', ratio: NaN, target: null, pass: exitOk ? null : false, ...rest };
}
