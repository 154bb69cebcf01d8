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
 * Prints one JSON line on stdout:
 *   {"name":"iptables-save 75k lines","lines":N,"oursMs":..,"referenceMs":..,"ratio":..,
 *    "oursCpuMs":..,"referenceCpuMs":..,"wallRatio":..}
 * oursMs / referenceMs are wall times; oursCpuMs / referenceCpuMs are CPU times (user + system:
 * `process.cpuUsage()` deltas for ours, `/usr/bin/time -f '%U %S'` for the reference).
 * ratio = referenceCpuMs / oursCpuMs (> 1: we are cheaper). CPU rather than wall because the
 * benchmark machine is shared and often overloaded, which inflates wall times of both sides by
 * whatever else runs; wallRatio = referenceMs / oursMs is reported too.
 * Medians of 7 runs, alternating ours and the reference; ours after two warm-up runs, each
 * measured run starting from a garbage-collected heap (the model of a parse stays alive until the
 * run is measured, as it would in the server).
 * Details (every run, problem counts) go to stderr. Exits 1 when our parser reports a problem on
 * the generated dump, when the reference rejects it, or when ratio <= 1 (unless --no-fail).
 */
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIptablesSave } from '../server/src/formats/iptables/parseSave';
import { kubeProxyDump } from './generate/kubeProxyDump';

const BUNDLED = 'KUBE_NETLINT_IPT_BENCH_BUNDLED';
const RUNS = 7;
const noFail = process.argv.includes('--no-fail');

if (process.env[BUNDLED] === '1') measure();
else void bundleAndRun();

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

function measure(): void {
  // Each measured parse starts from a collected heap, so one run does not pay for the previous
  // run's garbage (standard benchmark hygiene; the parser itself is not tuned by this).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

  const text = kubeProxyDump(5000);
  const lines = text.split('\n').length - 1;
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-ipt-bench-'));
  const file = join(dir, 'iptables-save.txt');
  writeFileSync(file, text);

  interface Run {
    readonly ms: number;
    readonly cpuMs: number;
    readonly userMs: number;
  }

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
      return { ms, cpuMs: (user + sys) * 1000, userMs: user * 1000 };
    } finally {
      closeSync(fd);
    }
  }

  let keep: unknown;
  function ours(): Run & { problems: number; rules: number } {
    keep = undefined;
    gc();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const m = parseIptablesSave(text);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    keep = m;
    return { ms, cpuMs: (c.user + c.system) / 1000, userMs: c.user / 1000, problems: m.problems.length, rules: m.tables.reduce((n, t) => n + t.rules.length, 0) };
  }

  const warm = ours();
  ours(); // second warm-up: the optimising compiler has seen every path by now
  const oursRuns: Run[] = [];
  const refRuns: Run[] = [];
  let failed = warm.problems !== 0;
  for (let k = 0; k < RUNS; k++) {
    oursRuns.push(ours());
    const r = reference();
    if (r === undefined) failed = true;
    else refRuns.push(r);
  }
  void keep;
  rmSync(dir, { recursive: true, force: true });

  const oursMs = median(oursRuns.map((r) => r.ms));
  const oursCpuMs = median(oursRuns.map((r) => r.cpuMs));
  const referenceMs = refRuns.length ? median(refRuns.map((r) => r.ms)) : NaN;
  const referenceCpuMs = refRuns.length ? median(refRuns.map((r) => r.cpuMs)) : NaN;
  const ratio = referenceCpuMs / oursCpuMs;
  const wallRatio = referenceMs / oursMs;
  const show = (rs: Run[]): string => rs.map((r) => `${r.cpuMs.toFixed(0)}/${r.userMs.toFixed(0)}/${r.ms.toFixed(0)}`).join(' ');
  console.error(`text ${(text.length / 1e6).toFixed(1)} MB, ${lines} lines, ${warm.rules} rules, ${warm.problems} problems (warm-up ${warm.ms.toFixed(1)} ms)`);
  console.error(`ms as cpu/user/wall: ours ${show(oursRuns)}; reference ${show(refRuns)}`);
  console.error(`medians: ours user ${median(oursRuns.map((r) => r.userMs)).toFixed(0)} ms, reference user ${refRuns.length ? median(refRuns.map((r) => r.userMs)).toFixed(0) : 'NaN'} ms`);
  console.log(
    JSON.stringify({
      name: 'iptables-save 75k lines',
      lines,
      oursMs: Number(oursMs.toFixed(1)),
      referenceMs: Number(referenceMs.toFixed(1)),
      ratio: Number(ratio.toFixed(2)),
      oursCpuMs: Number(oursCpuMs.toFixed(1)),
      referenceCpuMs: Number(referenceCpuMs.toFixed(1)),
      wallRatio: Number(wallRatio.toFixed(2)),
    }),
  );
  if (failed || (!noFail && !(ratio > 1))) process.exitCode = 1;
}
