/**
 * Benchmark: parse a kube-proxy-style `iptables-save` dump of 5,000 services (~75,000 lines) with
 * our parser and with the reference, `iptables-restore --test` (iptables 1.8.9, nf_tables backend,
 * run inside `unshare -n`, a private throwaway network namespace), side by side in one run.
 * Run: node --import tsx bench/iptables.bench.ts [--no-fail]
 *
 * Our side runs as the product ships it: this file bundles itself with esbuild (the options of
 * scripts/build.mjs: bundle, platform node, target node20, cjs, no keepNames) into a temporary
 * directory and runs that bundle in a child `node`. Running the TypeScript through tsx measures
 * tsx's transform instead (keepNames wrappers on every function, imports turned into getters).
 *
 * Two ways the server parses a dump, each against the reference (always a fresh process):
 * - warm: the server re-parsing an open dump after an edit. Two warm-up parses, then 7 parses
 *   interleaved with 7 reference runs. Each model stays alive until the next parse has finished
 *   (as the server's cache keeps the previous version), and no collection is forced: whatever the
 *   garbage collector does during a parse is counted, in its CPU time above all. (Forcing a full
 *   collection before each parse, as this benchmark once did, is not what the server does and
 *   distorts the figure: V8 then drops the optimised parser code, whose object shapes died with
 *   the previous model, and sweeps concurrently into the measured parse.)
 * - cold: the first parse in a fresh `node` process (the user opening the file): JIT compilation
 *   included, Node's own start-up excluded. 7 runs interleaved with 7 more reference runs.
 * CPU times are user + system: `process.cpuUsage()` deltas for ours (every thread of the process:
 * garbage collector and compiler threads included), `/usr/bin/time -f '%U %S'` for the reference.
 * Wall times are reported next to them; CPU is the headline because the machine is often shared
 * and load inflates wall times by whatever else runs. Medians of 7.
 *
 * Prints one JSON line per figure (bench/lib/report.ts), with ratio = reference / ours (> 1: we
 * are faster): warm CPU and warm wall (target: ratio > 1), cold CPU and cold wall
 * (informational). Details (every run, problem counts) go to stderr. Exits 1 when our parser
 * reports a problem on the generated dump, when the reference rejects it, or when a target is
 * missed (unless --no-fail).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IptablesModel } from '../server/src/formats/iptables/model';
import { parseIptablesSave } from '../server/src/formats/iptables/parseSave';
import { kubeProxyDump } from './generate/kubeProxyDump';
import { finish, significant, type BenchResult } from './lib/report';

const BUNDLED = 'KUBE_NETLINT_IPT_BENCH_BUNDLED';
const COLD = '--cold-parse';
const RUNS = 7;

if (process.env[BUNDLED] !== '1') void bundleAndRun();
else if (process.argv[2] === COLD) coldParse(process.argv[3]!);
else measure();

/** Bundles this file as scripts/build.mjs bundles the product, then runs the bundle. */
async function bundleAndRun(): Promise<void> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-ipt-bundle-'));
  try {
    const outfile = join(dir, 'iptables.bench.cjs');
    await build({ entryPoints: [__filename], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['esbuild'], logLevel: 'warning' });
    const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, [BUNDLED]: '1' } });
    process.exitCode = r.status ?? 2;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Run {
  readonly ms: number;
  readonly cpuMs: number;
}

/** Child of a cold run: reads the dump, parses it once, prints `{ms, cpuMs, problems}`. */
function coldParse(file: string): void {
  const text = readFileSync(file, 'utf8');
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const m = parseIptablesSave(text);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, problems: m.problems.length }));
}

function measure(): void {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const text = kubeProxyDump(5000);
  const lines = text.split('\n').length - 1;
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-ipt-bench-'));
  const file = join(dir, 'iptables-save.txt');
  writeFileSync(file, text);
  let failed = false;

  function reference(): Run | undefined {
    const fd = openSync(file, 'r');
    try {
      const t0 = process.hrtime.bigint();
      const r = spawnSync('/usr/bin/time', ['-f', '%U %S', 'unshare', '-n', 'iptables-restore', '--test'], { stdio: [fd, 'ignore', 'pipe'], encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.error || r.status !== 0) {
        console.error(`reference failed: ${r.error ? String(r.error) : r.stderr}`);
        return undefined;
      }
      const last = r.stderr.trim().split('\n').pop() ?? '';
      const [user, sys] = last.split(' ').map(Number);
      if (user === undefined || sys === undefined || !Number.isFinite(user) || !Number.isFinite(sys)) {
        console.error(`reference: cannot read CPU times from '${last}'`);
        return undefined;
      }
      return { ms, cpuMs: (user + sys) * 1000 };
    } finally {
      closeSync(fd);
    }
  }

  // The previous model stays alive until the next parse has finished, as in the server's cache.
  let model: IptablesModel | undefined;
  function warm(): Run & { problems: number; rules: number } {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const m = parseIptablesSave(text);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    model = m;
    return { ms, cpuMs: (c.user + c.system) / 1000, problems: m.problems.length, rules: m.tables.reduce((n, t) => n + t.rules.length, 0) };
  }

  function cold(): Run | undefined {
    const r = spawnSync(process.execPath, [__filename, COLD, file], { encoding: 'utf8', env: process.env });
    try {
      const v = JSON.parse(r.stdout) as Run & { problems: number };
      if (v.problems !== 0) failed = true;
      return v;
    } catch {
      console.error(`cold parse failed: ${r.stderr}`);
      return undefined;
    }
  }

  /** Runs ours and the reference alternately, RUNS times each. */
  function sideBySide(ours: () => Run | undefined): { ours: Run[]; reference: Run[] } {
    const o: Run[] = [];
    const ref: Run[] = [];
    for (let k = 0; k < RUNS; k++) {
      const a = ours();
      if (a) o.push(a);
      else failed = true;
      const b = reference();
      if (b) ref.push(b);
      else failed = true;
    }
    return { ours: o, reference: ref };
  }

  const first = warm();
  warm(); // second warm-up: the optimising compiler has seen every path by now
  failed ||= first.problems !== 0;
  const w = sideBySide(warm);
  void model;
  const c = sideBySide(cold);
  rmSync(dir, { recursive: true, force: true });

  const show = (rs: Run[]): string => rs.map((r) => `${r.cpuMs.toFixed(0)}/${r.ms.toFixed(0)}`).join(' ');
  console.error(`text ${(text.length / 1e6).toFixed(1)} MB, ${lines} lines, ${first.rules} rules, ${first.problems} problems (first parse ${first.ms.toFixed(1)} ms)`);
  console.error(`ms as cpu/wall: warm ${show(w.ours)}; reference ${show(w.reference)}`);
  console.error(`ms as cpu/wall: cold ${show(c.ours)}; reference ${show(c.reference)}`);
  const figure = (name: string, unit: 'CPU' | 'wall', runs: { ours: Run[]; reference: Run[] }, target: number | null): BenchResult => {
    const pick = (r: Run): number => (unit === 'CPU' ? r.cpuMs : r.ms);
    const ours = median(runs.ours.map(pick));
    const reference = runs.reference.length ? median(runs.reference.map(pick)) : NaN;
    const ratio = reference / ours;
    return {
      name: `iptables-save 75k lines: ${name} parse ${unit} time vs iptables-restore --test`,
      ours: Number(ours.toFixed(1)),
      reference: Number(reference.toFixed(1)),
      unit: `ms ${unit}`,
      ratio: significant(ratio),
      target,
      pass: target === null ? null : !failed && ratio > target,
      lines,
      rules: first.rules,
      oursRuns: runs.ours.map((r) => Number(pick(r).toFixed(1))),
      referenceRuns: runs.reference.map((r) => Number(pick(r).toFixed(1))),
    };
  };
  finish('iptables-save parse vs iptables-restore --test', [
    figure('warm', 'CPU', w, 1),
    figure('warm', 'wall', w, 1),
    figure('cold', 'CPU', c, null),
    figure('cold', 'wall', c, null),
  ]);
  if (failed) process.exitCode = 1;
}
