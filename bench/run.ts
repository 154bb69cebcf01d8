/**
 * Runs the benchmarks: every bench/*.bench.ts in a child process of its own
 * (`node --import tsx <file>`), one after the other (never in parallel: the figures are
 * wall-clock times and the machine has few cores), collects the JSON lines they print, prints a
 * summary table on stderr and the JSON lines on stdout, and writes bench/results.json.
 *
 * Usage: node --import tsx bench/run.ts [filter ...] [--no-fail] [--list] [--timeout-min N]
 *   filter       run only the benchmarks whose file name contains one of the filters
 *                (e.g. `editor grammar`)
 *   --no-fail    report missed targets without failing (also passed to each benchmark)
 *   --list       list the benchmarks (after filtering) and exit
 *   --timeout-min  per-benchmark time limit in minutes (default 30)
 * Exit status: 0 all targets met (or --no-fail), 1 a target missed, 2 a benchmark crashed or
 * produced no result.
 * Builds dist/ first (`npm run build`) when dist/server.js is missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { BENCH_DIR, REPO_ROOT } from './lib/dump';
import { formatTable, normalizeLine, noFail, type BenchResult } from './lib/report';

interface Options {
  readonly filters: string[];
  readonly noFail: boolean;
  readonly list: boolean;
  readonly timeoutMs: number;
}

function parseArgs(argv: readonly string[]): Options {
  const filters: string[] = [];
  let timeoutMin = 30;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--timeout-min') {
      const v = Number(argv[++i]);
      if (!(v > 0)) throw new Error('--timeout-min needs a positive number');
      timeoutMin = v;
    } else if (a === '--no-fail' || a === '--list') continue;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else filters.push(a);
  }
  return { filters, noFail: noFail(argv), list: argv.includes('--list'), timeoutMs: timeoutMin * 60_000 };
}

interface BenchRun {
  readonly file: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly seconds: number;
  readonly results: BenchResult[];
  /** Crashed, timed out or printed no result. */
  readonly error?: string;
}

function runBench(file: string, opts: Options): Promise<BenchRun> {
  const name = basename(file, '.bench.ts');
  const args = ['--import', 'tsx', file, ...(opts.noFail ? ['--no-fail'] : [])];
  process.stderr.write(`\n=== ${name}: node ${args.join(' ')}\n`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        lines.push(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    });
    let errTail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      process.stderr.write(chunk);
      errTail = (errTail + chunk).slice(-2000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ file, exitCode: null, signal: null, seconds: (Date.now() - started) / 1000, results: [], error: `could not start: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending.trim()) lines.push(pending);
      const exitOk = code === 0;
      const results: BenchResult[] = [];
      for (const l of lines) {
        const r = normalizeLine(l.trim(), exitOk);
        if (r) results.push({ ...r, bench: name });
        else if (l.trim()) process.stderr.write(`[${name}] ${l}\n`);
      }
      const seconds = (Date.now() - started) / 1000;
      let error: string | undefined;
      if (timedOut) error = `timed out after ${opts.timeoutMs / 60_000} min`;
      else if (results.length === 0) error = `printed no result (exit ${code ?? signal}); last stderr: ${errTail.trim().split('\n').slice(-3).join(' | ')}`;
      else if (code !== 0 && code !== 1) error = `exited with ${code ?? signal}`;
      process.stderr.write(`=== ${name}: ${results.length} result(s) in ${seconds.toFixed(1)} s, exit ${code ?? signal}${error ? ` — ERROR: ${error}` : ''}\n`);
      resolve({ file, exitCode: code, signal, seconds, results, ...(error ? { error } : {}) });
    });
  });
}

function ensureBuilt(): void {
  if (existsSync(join(REPO_ROOT, 'dist', 'server.js'))) return;
  process.stderr.write('dist/server.js is missing: running `npm run build`\n');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('`npm run build` failed');
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const all = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort();
  const selected = opts.filters.length ? all.filter((f) => opts.filters.some((x) => f.includes(x))) : all;
  if (opts.list) {
    for (const f of selected) process.stdout.write(`bench/${f}\n`);
    return 0;
  }
  if (selected.length === 0) {
    process.stderr.write(`no benchmark matches ${opts.filters.join(', ')} (have: ${all.join(', ')})\n`);
    return 2;
  }
  ensureBuilt();
  const started = new Date();
  const loadBefore = loadavg();
  process.stderr.write(`benchmarks: ${selected.join(', ')} (sequential; ${cpus().length} CPUs, load average ${loadBefore.map((x) => x.toFixed(1)).join(' ')})\n`);
  const runs: BenchRun[] = [];
  for (const f of selected) runs.push(await runBench(join(BENCH_DIR, f), opts));

  const results = runs.flatMap((r) => r.results);
  const errors = runs.filter((r) => r.error);
  for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
  const crashRows: BenchResult[] = errors.map((r) => ({ name: `${basename(r.file)}: ${r.error}`, ours: NaN, reference: NaN, unit: '-', ratio: NaN, target: null, pass: false }));
  process.stderr.write(`\nSummary (ratio: higher is better; target = minimum ratio)\n${formatTable([...results, ...crashRows])}\n`);
  const loadAfter = loadavg();
  if (Math.max(...loadBefore, ...loadAfter) > cpus().length) {
    process.stderr.write(`note: the load average (${loadAfter.map((x) => x.toFixed(1)).join(' ')}) exceeded the ${cpus().length} CPUs: absolute times are inflated; ratios measured side by side are less affected\n`);
  }
  const out = join(BENCH_DIR, 'results.json');
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: started.toISOString(),
        node: process.version,
        platform: `${platform()} ${release()}`,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGB: Math.round(totalmem() / 2 ** 30),
        loadAverage: { before: loadBefore, after: loadAfter },
        argv: process.argv.slice(2),
        benches: runs.map((r) => ({ file: `bench/${basename(r.file)}`, exitCode: r.exitCode, signal: r.signal, seconds: r.seconds, ...(r.error ? { error: r.error } : {}), results: r.results })),
      },
      null,
      2,
    )}\n`,
  );
  process.stderr.write(`wrote ${out}\n`);
  const missed = results.filter((r) => r.pass === false);
  if (errors.length) {
    process.stderr.write(`${errors.length} benchmark(s) failed to run: ${errors.map((r) => basename(r.file)).join(', ')}\n`);
    return 2;
  }
  if (missed.length) {
    process.stderr.write(`${missed.length} target(s) missed${opts.noFail ? ' (--no-fail: reporting only)' : ''}: ${missed.map((r) => r.name).join('; ')}\n`);
    return opts.noFail ? 0 : 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench/run.ts: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
