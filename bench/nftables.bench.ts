/**
 * Benchmark: a generated kube-proxy nftables-mode ruleset for 5,000 Services (~20,000 endpoints,
 * bench/generate/nftablesRuleset.ts, `nft list ruleset` form) read by us and by the reference,
 * `nft -c -f FILE` (nftables 1.0.6 inside `unshare -n`: it parses, evaluates and asks the kernel
 * to check the transaction without committing), side by side in one run. Two figures of ours:
 * - engine: parseDocument + a full lintDocument (every rule, a node of this one file) in this
 *   process, bundled as the product ships (esbuild, as scripts/build.mjs; tsx would measure its
 *   own transform); two warm-up runs, then 3 runs interleaved with the reference;
 * - cli: a cold `node dist/cli.js check --format json FILE` process, start-up included.
 * Times are wall-clock medians of 3 (nft spends most of its time in the kernel: system time).
 * Target: ratio = nft / ours above 1 for both. Run: node --import tsx bench/nftables.bench.ts [--no-fail]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintDocument } from '../server/src/engine/lint';
import { parseDocument } from '../server/src/node/document';
import { DEFAULT_SETTINGS } from '../server/src/node/settings';
import { createSnapshot } from '../server/src/node/snapshot';
import { nftablesRuleset } from './generate/nftablesRuleset';
import { finish, log, timeResult } from './lib/report';

const BUNDLED = 'KUBE_NETLINT_NFT_BENCH_BUNDLED';
const RUNS = 3;
const ROOT = join(__dirname, '..');

async function bundleAndRun(): Promise<void> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-nft-bundle-'));
  try {
    const outfile = join(dir, 'nftables.bench.cjs');
    await build({ entryPoints: [__filename], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['esbuild'], logLevel: 'warning', define: { __dirname: JSON.stringify(__dirname) } });
    const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, [BUNDLED]: '1' } });
    process.exitCode = r.status ?? 2;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const wall = (f: () => void): number => {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};

function measure(): void {
  const { text, figures } = nftablesRuleset(5000);
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-nft-bench-'));
  const file = join(dir, 'ruleset.nft');
  writeFileSync(file, text);
  log(`ruleset: ${figures.services} Services, ${figures.endpoints} endpoints, ${(text.length / 1e6).toFixed(1)} MB, ${text.split('\n').length - 1} lines`);
  let failed = false;
  try {
    const engine = (): number =>
      wall(() => {
        const doc = parseDocument({ uri: `file://${file}`, path: file, text, kind: 'nftables' });
        const reports = lintDocument(doc, createSnapshot(dir, [doc], {}), DEFAULT_SETTINGS);
        const parse = reports.filter((r) => r.ruleId.startsWith('parse/'));
        if (parse.length) {
          failed = true;
          log(`ours: ${parse.length} parse problems, first: ${parse[0]!.message}`);
        }
      });
    const cli = (): number =>
      wall(() => {
        const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'check', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
        if (r.status === 2 || r.error) {
          failed = true;
          log(`cli failed: ${r.error ? String(r.error) : r.stderr.slice(0, 500)}`);
        }
      });
    const reference = (): number =>
      wall(() => {
        const r = spawnSync('unshare', ['-n', 'nft', '-c', '-f', file], { encoding: 'utf8' });
        if (r.status !== 0) {
          failed = true;
          log(`nft -c rejects the generated ruleset: ${r.stderr.slice(0, 500)}`);
        }
      });
    engine();
    engine();
    const ours: number[] = [];
    const cold: number[] = [];
    const ref: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      ours.push(engine());
      ref.push(reference());
      cold.push(cli());
    }
    log(`engine runs ${ours.map((x) => x.toFixed(0)).join(', ')} ms; cli ${cold.map((x) => x.toFixed(0)).join(', ')} ms; nft -c ${ref.map((x) => x.toFixed(0)).join(', ')} ms`);
    finish('nftables: 5,000 Services, parse + full lint vs nft -c -f', [
      timeResult('nftables parse + full lint (engine, warm) vs nft -c -f', median(ours), median(ref), 1, { services: figures.services, endpoints: figures.endpoints }),
      timeResult('nftables check (cold CLI process) vs nft -c -f', median(cold), median(ref), 1),
    ]);
    if (failed) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Last, so the helpers above are defined when the bundle runs.
if (process.env[BUNDLED] !== '1') void bundleAndRun();
else measure();
