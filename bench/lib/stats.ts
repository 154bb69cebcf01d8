/** Timing and statistics helpers shared by the benchmarks. */

/** Monotonic wall clock in milliseconds (sub-microsecond resolution). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `f` once and returns its wall time in milliseconds along with its result. */
export function timed<T>(f: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = f();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/** Async variant of `timed`. */
export async function timedAsync<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const value = await f();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

/** Median (lower of the two middle values for an even count); NaN for no samples. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/** Nearest-rank percentile (p in 0..100) of the samples; NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export interface Distribution {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly mean: number;
}

export function distribution(xs: readonly number[]): Distribution {
  const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
  return { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: xs.length ? Math.max(...xs) : NaN, mean };
}

/**
 * Summary of latency samples collected over several rounds: the median over rounds of each
 * round's p50 and p95 (robust to one noisy round), and the worst single sample seen overall.
 */
export interface RoundedDistribution {
  readonly rounds: number;
  readonly samplesPerRound: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** p95 of every round, in order, for the details. */
  readonly p95ByRound: readonly number[];
}

export function roundedDistribution(rounds: readonly (readonly number[])[]): RoundedDistribution {
  const per = rounds.map(distribution);
  return {
    rounds: rounds.length,
    samplesPerRound: rounds[0]?.length ?? 0,
    p50: median(per.map((d) => d.p50)),
    p95: median(per.map((d) => d.p95)),
    max: Math.max(...per.map((d) => d.max)),
    p95ByRound: per.map((d) => d.p95),
  };
}

/** Deterministic xorshift32 generator: every run samples the same positions. */
export function rng(seed = 0x1b873593): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n: number): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

/** Fisher-Yates shuffle with the given generator (returns a new array). */
export function shuffled<T>(xs: readonly T[], rnd: (n: number) => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** Rounds to `digits` significant decimals for JSON output (keeps small numbers readable). */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
