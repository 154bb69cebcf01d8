/**
 * Benchmark: `kube-netlint collect` on this machine, inside a network namespace made here that
 * looks like a small node (a VXLAN flannel.1, a veth pair, a kube-proxy nat table of 1,000
 * Services from bench/generate/kubeProxyDump.ts). Runs the shipped CLI
 * (`node dist/cli.js collect --netns NS --out DIR`, as a user would, Node start-up included) 5
 * times into fresh folders and reports the median wall time and the bytes written (files +
 * manifest.json). Informational: no reference, no target. Needs root and `npm run build`.
 * Run: node --import tsx bench/collect.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeProxyDump } from './generate/kubeProxyDump';
import { onCleanup } from './lib/cleanup';
import { REPO_ROOT } from './lib/dump';
import { finish, log } from './lib/report';
import { median } from './lib/stats';

const NS = `knlb-collect-${process.pid}`;
const PEER = `${NS}-p`;
const RUNS = 5;
const SERVICES = 1000;

function must(argv: readonly string[], input?: string): void {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr || r.error?.message}`);
}

function main(): void {
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-collect-bench-'));
  const cleanup = onCleanup(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    spawnSync('ip', ['netns', 'del', PEER]);
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    must(['ip', 'netns', 'add', NS]);
    must(['ip', 'netns', 'add', PEER]);
    must(['ip', '-n', NS, 'link', 'set', 'lo', 'up']);
    must(['ip', '-n', NS, 'link', 'add', 'flannel.1', 'type', 'vxlan', 'id', '1', 'dstport', '8472', 'local', '127.0.0.1', 'nolearning']);
    must(['ip', '-n', NS, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', PEER]);
    must(['ip', 'netns', 'exec', NS, 'iptables-nft-restore'], kubeProxyDump(SERVICES));
    const times: number[] = [];
    let bytes = 0;
    let files = 0;
    for (let i = 0; i < RUNS; i++) {
      const out = join(dir, `run${i}`);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [cli, 'collect', '--netns', NS, '--out', out], { encoding: 'utf8', timeout: 300_000 });
      times.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`collect failed: ${r.stderr}`);
      const names = readdirSync(out);
      files = names.length;
      bytes = names.reduce((sum, n) => sum + statSync(join(out, n)).size, 0);
    }
    const ms = median(times);
    log(`collect in namespace ${NS}: ${files} files, ${bytes} bytes, median ${ms.toFixed(0)} ms over ${RUNS} runs (${times.map((t) => t.toFixed(0)).join(', ')} ms)`);
    finish('kube-netlint collect on this machine', [
      { name: `collect wall time (network namespace, ${SERVICES}-Service nat table, CLI start-up included)`, ours: Math.round(ms), reference: NaN, unit: 'ms', ratio: NaN, target: null, pass: null, runs: RUNS },
      { name: 'collect bytes written (files + manifest.json)', ours: bytes, reference: NaN, unit: 'bytes', ratio: NaN, target: null, pass: null, files },
    ]);
  } finally {
    cleanup();
  }
}

try {
  main();
} catch (e) {
  console.error(e);
  process.exitCode = 2;
}
