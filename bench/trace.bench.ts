/**
 * Benchmark: tracing a packet through the 75,000-line kube-proxy dump (bench/generate/kubeProxyDump.ts,
 * 5,000 Services) against the time `iptables-restore --test` (iptables 1.8.9, nf_tables backend,
 * inside `unshare -n`) takes to parse the same file, side by side in one run. The trace is what a
 * user waits for once the dump is open (the editor and the CLI hold the parsed model), so the
 * figure is the trace alone; parse + trace is reported for information.
 * Run: node --import tsx bench/trace.bench.ts [--no-fail]
 *
 * Like bench/iptables.bench.ts, this file bundles itself with esbuild (the product's build
 * options) and runs the bundle, so tsx's transform is not what is measured.
 *
 * Two packets, each traced on a freshly parsed model (first trace: rule details are read from
 * the text on first access, as in the product) and again (warm):
 * - a miss: TCP to an address no Service has, which walks every rule of KUBE-SERVICES in nat
 *   and filter (the longest walk this dump has);
 * - a NodePort: TCP to the node's address, through KUBE-NODEPORTS (2,500 rules) to a Service.
 * Medians of 7, interleaved with 7 reference runs. Target: the first trace of each packet takes
 * under a tenth of the reference parse (ratio = reference / ours >= 10).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from '../server/src/node/document';
import { traceInputs } from '../server/src/trace/inputs';
import { parsePacket } from '../server/src/trace/packet';
import { trace } from '../server/src/trace/trace';
import { kubeProxyDump } from './generate/kubeProxyDump';
import { finish, log, timeResult, type BenchResult } from './lib/report';

const BUNDLED = 'KUBE_NETLINT_TRACE_BENCH_BUNDLED';
const RUNS = 7;

async function bundleAndRun(): Promise<void> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-trace-bundle-'));
  try {
    const outfile = join(dir, 'trace.bench.cjs');
    await build({ entryPoints: [__filename], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['esbuild'], logLevel: 'warning' });
    const r = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, [BUNDLED]: '1' } });
    process.exitCode = r.status ?? 2;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Wall time of one `iptables-restore --test` run on the file, in a private network namespace. */
function reference(file: string): number | undefined {
  const fd = openSync(file, 'r');
  try {
    const t0 = now();
    const r = spawnSync('unshare', ['-n', 'iptables-restore', '--test'], { stdio: [fd, 'ignore', 'pipe'], encoding: 'utf8' });
    const ms = now() - t0;
    if (r.error || r.status !== 0) {
      log(`reference failed: ${r.error ? String(r.error) : r.stderr}`);
      return undefined;
    }
    return ms;
  } finally {
    closeSync(fd);
  }
}

function measure(): void {
  const text = kubeProxyDump(5000);
  const lines = text.split('\n').length - 1;
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-trace-bench-'));
  const file = join(dir, 'iptables-save.txt');
  writeFileSync(file, text);
  const packets = {
    miss: 'tcp 10.244.3.4:40000 -> 10.96.250.250:1',
    nodeport: 'tcp 192.0.2.7:40000 -> 172.18.0.2:30000',
  } as const;
  const local = [0xac120002];
  const times: Record<string, number[]> = { ref: [], parse: [] };
  let failed = false;
  try {
    for (let i = 0; i < RUNS; i++) {
      const ref = reference(file);
      if (ref === undefined) failed = true;
      else times['ref']!.push(ref);
      for (const [name, packet] of Object.entries(packets)) {
        const p = parsePacket(packet);
        if ('error' in p) throw new Error(p.error);
        const t0 = now();
        const doc = parseDocument({ uri: file, path: 'iptables-save.txt', text, kind: 'iptables' });
        const t1 = now();
        const inputs = traceInputs([doc], { local });
        const req = { packet: p.packet, sportGiven: true, from: name === 'miss' ? ('pod' as const) : ('external' as const) };
        const first = trace(req, inputs);
        const t2 = now();
        trace(req, inputs);
        const t3 = now();
        (times[`${name} first`] ??= []).push(t2 - t1);
        (times[`${name} warm`] ??= []).push(t3 - t2);
        (times[`${name} parse+trace`] ??= []).push(t2 - t0);
        times['parse']!.push(t1 - t0);
        if (i === 0) log(`${name}: ${first.verdict}, ${first.paths.length} path(s), ${first.paths[0]!.steps.length} steps, DNAT ${first.paths.map((x) => x.dnat).join(' ')}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [k, v] of Object.entries(times)) log(`${k}: ${v.map((x) => x.toFixed(1)).join(' ')} ms`);
  if (failed || times['ref']!.length === 0) {
    log('iptables-restore --test did not run: no reference');
    process.exitCode = 2;
    return;
  }
  const ref = median(times['ref']!);
  const results: BenchResult[] = [];
  for (const name of Object.keys(packets)) {
    results.push(timeResult(`trace (${name}, first on a fresh model) on ${lines} lines vs iptables-restore --test parse`, median(times[`${name} first`]!), ref, 10));
    results.push(timeResult(`trace (${name}, warm) on ${lines} lines vs iptables-restore --test parse`, median(times[`${name} warm`]!), ref, null));
    results.push(timeResult(`parse + trace (${name}) on ${lines} lines vs iptables-restore --test parse`, median(times[`${name} parse+trace`]!), ref, null));
  }
  finish('trace vs iptables-restore --test', results);
}

// Last, so every constant above is initialised when the bundle runs.
if (process.env[BUNDLED] !== '1') void bundleAndRun();
else measure();
