/**
 * Benchmark: `kube-netlint check` over a fleet of 200 node folders, linted in worker threads (one
 * per core, the default) against the same work one folder at a time (`--jobs 1`), both through the
 * built CLI (dist/cli.js) in a fresh process, in one run.
 * Run: node --import tsx bench/fleet.bench.ts [--no-fail]   (needs `npm run build`; `npm run bench` does it)
 *
 * Each generated node folder holds a kube-proxy `iptables-save` of about 5,000 rules
 * (bench/generate/kubeProxyDump.ts, 470 Services: 4,995 `-A` lines), a `sysctl -a` of about 1,000
 * keys with the node's kernel (one node in twenty on another kernel, so the fleet summary has
 * outliers to find) and a `conntrack -S` with one line per CPU. JSON output (the whole contract,
 * fleet summary included) goes to a file; both runs must write the same bytes.
 * Target: the parallel run is faster by at least 1 + 0.5 x (cores - 1) (1.5 on this 2-core
 * machine, which other work shares); the figure is reported with the core count.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeProxyDump } from './generate/kubeProxyDump';
import { REPO_ROOT } from './lib/dump';
import { onCleanup } from './lib/cleanup';
import { finish, log, timeResult } from './lib/report';

const NODES = 200;
const SERVICES = 470;
const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function sysctlDump(kernel: string): string {
  const lines = [`kernel.osrelease = ${kernel}`, 'net.ipv4.ip_forward = 1', 'net.bridge.bridge-nf-call-iptables = 1', 'net.netfilter.nf_conntrack_max = 262144'];
  for (let i = 0; lines.length < 1000; i++) lines.push(`net.ipv4.conf.veth${i.toString(16).padStart(8, '0')}.rp_filter = ${i % 3 === 0 ? 2 : 0}`);
  return `${lines.join('\n')}\n`;
}

function conntrackStats(cpus: number, seed: number): string {
  return Array.from({ length: cpus }, (_, c) => `cpu=${c}   \tfound=${seed % 97} invalid=${(seed * 7 + c) % 5000} insert=0 insert_failed=${c === 0 ? seed % 3 : 0} drop=0 early_drop=0 error=0 search_restart=${(seed + c) % 700}\n`).join('');
}

function makeFleet(dir: string): void {
  const iptables = kubeProxyDump(SERVICES);
  for (let n = 0; n < NODES; n++) {
    const node = join(dir, `node-${String(n).padStart(3, '0')}`);
    mkdirSync(node);
    writeFileSync(join(node, 'iptables-save.txt'), iptables);
    writeFileSync(join(node, 'sysctl-a.txt'), sysctlDump(n % 20 === 7 ? '5.4.0-26-generic' : '6.1.0-18-amd64'));
    writeFileSync(join(node, 'conntrack-S.txt'), conntrackStats(4, n));
  }
}

/** Wall time of one CLI run; its JSON output goes to `out`. */
function timeCheck(dir: string, jobs: number | undefined, out: string): number {
  const args = [CLI, 'check', '--format', 'json', '--fail-on', 'never', ...(jobs === undefined ? [] : ['--jobs', String(jobs)]), dir];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`kube-netlint check exited ${r.status}: ${r.stderr}`);
  writeFileSync(out, r.stdout);
  return ms;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-fleet-bench-'));
  const dispose = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const nodes = join(dir, 'nodes');
    mkdirSync(nodes);
    makeFleet(nodes);
    const cores = availableParallelism();
    log(`fleet: ${NODES} node folders (${SERVICES} Services, ~5,000 rules each), ${cores} cores`);
    const serialMs = timeCheck(nodes, 1, join(dir, 'serial.json'));
    log(`one folder at a time: ${(serialMs / 1000).toFixed(1)} s`);
    const parallelMs = timeCheck(nodes, undefined, join(dir, 'parallel.json'));
    log(`worker threads: ${(parallelMs / 1000).toFixed(1)} s`);
    const serial = readFileSync(join(dir, 'serial.json'));
    const same = serial.equals(readFileSync(join(dir, 'parallel.json')));
    if (!same) throw new Error('the parallel run wrote other output than the serial run');
    const json = JSON.parse(serial.toString('utf8')) as { findings: unknown[]; nodes: { outlier: unknown[] }[] };
    finish('Fleet check: worker threads vs one folder at a time', [
      timeResult(`check ${NODES} node folders (${cores} worker threads vs --jobs 1)`, parallelMs, serialMs, 1 + 0.5 * (cores - 1), {
        cores,
        nodes: NODES,
        findings: json.findings.length,
        outlierNodes: json.nodes.filter((n) => n.outlier.length > 0).length,
        identicalOutput: same,
      }),
    ]);
  } finally {
    dispose();
  }
}

main();
