/**
 * Benchmark: the hostile corpus (bench/generate/hostile.ts, full size) and the 200 MB kube-proxy
 * dump through the built CLI, one fresh process per input (`node dist/cli.js check --format json
 * DIR`, peak RSS from /usr/bin/time), as a user would run it. Per input: wall time, peak RSS and
 * the number of findings, each figure against a fixed budget (issue 11: "each must finish in
 * seconds with bounded memory"): 10 s, and 1,200 MB (the 200 MB dump's target; 2.48 GB before).
 * Inputs are written to a temporary folder that is always removed.
 * Run: node --import tsx bench/hostile.bench.ts [--no-fail] [name ...]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIG_DUMP_SERVICES, HOSTILE_INPUTS } from './generate/hostile';
import { kubeProxyDump } from './generate/kubeProxyDump';
import { onCleanup } from './lib/cleanup';
import { REPO_ROOT } from './lib/dump';
import { noFail, significant, type BenchResult } from './lib/report';

const TIME_BUDGET_S = 10;
const RSS_BUDGET_MB = 1200;
const CLI = join(REPO_ROOT, 'dist', 'cli.js');

interface Measured {
  readonly exit: number | null;
  readonly seconds: number;
  readonly peakMB: number;
  readonly findings: number | null;
  readonly stderr: string;
}

function measure(dir: string): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, CLI, 'check', '--format', 'json', dir], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120_000 });
  const lines = (r.stderr ?? '').trimEnd().split('\n');
  const [secs, kb] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
  let findings: number | null = null;
  try {
    findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
  } catch {
    findings = null;
  }
  return { exit: r.status, seconds: secs ?? NaN, peakMB: (kb ?? NaN) / 1024, findings, stderr: lines.slice(0, -1).join('\n').slice(0, 300) };
}

function results(name: string, m: Measured, bytes: number): BenchResult[] {
  const crashed = m.exit !== 0 && m.exit !== 1;
  const extra = { exit: m.exit, findings: m.findings, inputMB: significant(bytes / 1e6), ...(crashed ? { stderr: m.stderr } : {}) };
  const time = TIME_BUDGET_S / m.seconds;
  const rss = RSS_BUDGET_MB / m.peakMB;
  return [
    { name: `hostile: ${name}: time`, ours: significant(m.seconds), reference: TIME_BUDGET_S, unit: 's', ratio: significant(time), target: 1, pass: !crashed && time >= 1, ...extra },
    { name: `hostile: ${name}: peak RSS`, ours: significant(m.peakMB), reference: RSS_BUDGET_MB, unit: 'MB', ratio: significant(rss), target: 1, pass: !crashed && rss >= 1, ...extra },
  ];
}

function main(): number {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const root = mkdtempSync(join(tmpdir(), 'kn-hostile-bench-'));
  const cleanup = onCleanup(() => rmSync(root, { recursive: true, force: true }));
  const all: BenchResult[] = [];
  try {
    const inputs = [
      ...HOSTILE_INPUTS.map((h) => ({ name: h.name, file: h.file, make: () => h.generate() })),
      { name: 'kube-proxy-dump-200mb', file: 'iptables-save.txt', make: () => Buffer.from(kubeProxyDump(BIG_DUMP_SERVICES), 'utf8') },
    ];
    for (const input of inputs) {
      if (wanted.length && !wanted.includes(input.name)) continue;
      const dir = join(root, input.name);
      mkdirSync(dir);
      const bytes = input.make();
      writeFileSync(join(dir, input.file), bytes);
      const m = measure(dir);
      rmSync(dir, { recursive: true, force: true });
      process.stderr.write(`${input.name.padEnd(40)} ${(bytes.length / 1e6).toFixed(1).padStart(6)} MB  exit ${m.exit}  ${m.seconds.toFixed(2)} s  ${m.peakMB.toFixed(0)} MB  ${m.findings ?? '?'} findings\n`);
      for (const r of results(input.name, m, bytes.length)) {
        all.push(r);
        process.stdout.write(`${JSON.stringify(r)}\n`);
      }
    }
  } finally {
    cleanup();
  }
  return all.every((r) => r.pass !== false) || noFail() ? 0 : 1;
}

process.exit(main());
