/**
 * Benchmark: parse a kube-proxy-style `iptables-save` dump of 5,000 services (~75,000 lines) with
 * our parser and with the reference, `iptables-restore --test` (iptables 1.8.9, nf_tables backend,
 * run inside `unshare -n`, a private throwaway network namespace), side by side in one run.
 * Run: node --import tsx bench/iptables.bench.ts
 * Prints one JSON line on stdout:
 *   {"name":"iptables-save 75k lines","lines":N,"oursMs":..,"referenceMs":..,"ratio":..}
 * ratio = reference / ours (> 1: we are faster). Medians of 5 runs, alternating; ours after two
 * warm-up runs, each measured run starting from a garbage-collected heap.
 * Details (every run, problem counts) go to stderr. Exits 1 when our parser reports a problem on
 * the generated dump, when the reference rejects it, or when ratio <= 1.
 */
import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIptablesSave } from '../server/src/formats/iptables/parseSave';
import { kubeProxyDump } from './generate/kubeProxyDump';

const RUNS = 5;
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

function reference(): number | undefined {
  const fd = openSync(file, 'r');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('unshare', ['-n', 'iptables-restore', '--test'], { stdio: [fd, 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.error || r.status !== 0) {
      console.error(`reference failed: ${r.error ? String(r.error) : r.stderr}`);
      return undefined;
    }
    return ms;
  } finally {
    closeSync(fd);
  }
}

function ours(): { ms: number; problems: number; rules: number } {
  gc();
  const t0 = process.hrtime.bigint();
  const m = parseIptablesSave(text);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, problems: m.problems.length, rules: m.tables.reduce((n, t) => n + t.rules.length, 0) };
}

const warm = ours();
ours(); // second warm-up: the optimising compiler has seen every path by now
const oursRuns: number[] = [];
const refRuns: number[] = [];
let failed = warm.problems !== 0;
for (let k = 0; k < RUNS; k++) {
  oursRuns.push(ours().ms);
  const r = reference();
  if (r === undefined) failed = true;
  else refRuns.push(r);
}
rmSync(dir, { recursive: true, force: true });

const oursMs = median(oursRuns);
const referenceMs = refRuns.length ? median(refRuns) : NaN;
const ratio = referenceMs / oursMs;
console.error(`text ${(text.length / 1e6).toFixed(1)} MB, ${lines} lines, ${warm.rules} rules, ${warm.problems} problems (warm-up ${warm.ms.toFixed(1)} ms)`);
console.error(`ours ms: ${oursRuns.map((x) => x.toFixed(1)).join(' ')}; reference ms: ${refRuns.map((x) => x.toFixed(1)).join(' ')}`);
console.log(JSON.stringify({ name: 'iptables-save 75k lines', lines, oursMs: Number(oursMs.toFixed(1)), referenceMs: Number(referenceMs.toFixed(1)), ratio: Number(ratio.toFixed(2)) }));
if (failed || !(ratio > 1)) process.exitCode = 1;
