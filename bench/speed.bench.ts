/**
 * Benchmark: issue 12's speed table, every figure against its reference measured in the same run.
 * Run: node --import tsx bench/speed.bench.ts [--no-fail] [keystroke] [cli] [conntrack]
 *
 * | figure | ours | reference (same run) | target |
 * |---|---|---|---|
 * | keystroke | one-character edit -> the next publishDiagnostics of that version, p95, through
 *   the real server over stdio (`node dist/server.js --stdio`, test/helpers/lspClient.ts) | `iptables-restore
 *   --test` reading the same file (wall, in `unshare -n`) | ratio >= 10 (p95 below a tenth) |
 * | cli | `node dist/cli.js check --format json FILE`, the whole cold process (wall) | the same
 *   `iptables-restore --test` | ratio >= 1.25 (below 0.8 x) |
 * | conntrack time | `node dist/cli.js check FILE` on 1,000,000 entries (wall) | `awk '{print $4}' FILE
 *   \| sort \| uniq -c` (wall) | ratio >= 1 |
 * | conntrack memory | peak RSS of that check (`/usr/bin/time -f %M`) | 300 MB budget | ratio >= 1 |
 *
 * The dump is the 75,000-line kube-proxy dump (bench/lib/dump.ts); the table is
 * bench/lib/conntrackTable.ts. Our runs and reference runs are interleaved; times are medians of 5
 * (conntrack: 3). The keystroke figure: open the dump from a fresh folder, wait for its
 * diagnostics, make two untimed warm-up edits, then 20 spread-out rule lines get a character typed
 * into their comment and, after the diagnostics of that version, deleted again (40 samples, each
 * the time from didChange to the publishDiagnostics carrying its version: debounce, parse, lint and
 * transport included).
 * The server's memory with a 50 MB dump is server-memory.bench.ts.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, InitializedNotification, InitializeRequest } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../test/helpers/lspClient';
import { onCleanup } from './lib/cleanup';
import { writeConntrackTable } from './lib/conntrackTable';
import { kubeProxyDump, REPO_ROOT } from './lib/dump';
import { finish, log, significant, timeResult, type BenchResult } from './lib/report';
import { median, percentile } from './lib/stats';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const RUNS = 5;
const CONNTRACK_RUNS = 3;
const EDIT_LINES = 20;
const CONNTRACK_BUDGET_MB = 300;

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const want = (name: string): boolean => wanted.length === 0 || wanted.includes(name);

/** Wall time of a child process in ms, with its peak RSS in MB when run under /usr/bin/time. */
interface ChildRun {
  readonly ms: number;
  readonly peakMB: number;
}

/** Runs argv with `stdinFile` as its stdin (or none), stdout discarded; `okStatus` are the exit codes that mean success. */
function runChild(argv: readonly string[], stdinFile: string | undefined, okStatus: readonly number[]): ChildRun {
  const fd = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { stdio: [fd, 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    // /usr/bin/time prints "Command exited with non-zero status N" before its own line.
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const status = /exited with non-zero status (\d+)/.exec(r.stderr)?.[1];
    const code = status === undefined ? (r.status ?? -1) : Number(status);
    if (r.error || !okStatus.includes(code)) throw new Error(`${argv.join(' ')} failed (${code}): ${r.error ? String(r.error) : r.stderr.slice(-2000)}`);
    return { ms, peakMB: Number(last) / 1024 };
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
}

const restore = (file: string): ChildRun => runChild(['unshare', '-n', 'iptables-restore', '--test'], file, [0]);
// check exits 1 when it reports warnings or errors: that is a result, not a failure.
const check = (file: string, json: boolean): ChildRun => runChild([process.execPath, CLI, 'check', ...(json ? ['--format', 'json'] : []), file], undefined, [0, 1]);

function cliFigure(file: string, lines: number, generator: string): BenchResult[] {
  check(file, true); // warm the page cache and the file system, as for the reference below
  restore(file);
  const ours: number[] = [];
  const ref: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(check(file, true).ms);
    ref.push(restore(file).ms);
  }
  log(`cli: ours ${ours.map((x) => x.toFixed(0)).join(' ')} ms; iptables-restore --test ${ref.map((x) => x.toFixed(0)).join(' ')} ms`);
  return [
    timeResult(`cli: check --format json, ${lines.toLocaleString('en-US')}-line dump, whole process vs iptables-restore --test (target: below 0.8x)`, median(ours), median(ref), 1 / 0.8, {
      runs: ours.map(Math.round),
      referenceRuns: ref.map(Math.round),
      dump: generator,
    }),
  ];
}

function conntrackFigures(dir: string): BenchResult[] {
  const file = join(dir, 'conntrack.txt');
  const bytes = writeConntrackTable(file);
  const pipeline = ['sh', '-c', `awk '{print $4}' "$1" | sort | uniq -c > /dev/null`, 'sh', file];
  runChild(pipeline, undefined, [0]);
  const ours: ChildRun[] = [];
  const ref: number[] = [];
  for (let i = 0; i < CONNTRACK_RUNS; i++) {
    ours.push(check(file, false));
    ref.push(runChild(pipeline, undefined, [0]).ms);
  }
  const peak = Math.max(...ours.map((r) => r.peakMB));
  log(`conntrack: ours ${ours.map((r) => `${r.ms.toFixed(0)} ms / ${r.peakMB.toFixed(0)} MB`).join(', ')}; awk | sort | uniq -c ${ref.map((x) => x.toFixed(0)).join(' ')} ms`);
  const extra = { fileMB: Number((bytes / 1e6).toFixed(1)), entries: 1_000_000, table: 'bench/lib/conntrackTable.ts' };
  return [
    timeResult("conntrack: check, 1M entries vs awk '{print $4}' | sort | uniq -c (target: no slower)", median(ours.map((r) => r.ms)), median(ref), 1, { ...extra, runs: ours.map((r) => Math.round(r.ms)), referenceRuns: ref.map(Math.round) }),
    {
      name: 'conntrack: check, 1M entries, peak RSS vs a 300 MB budget',
      ours: Math.round(peak),
      reference: CONNTRACK_BUDGET_MB,
      unit: 'MB',
      ratio: significant(CONNTRACK_BUDGET_MB / peak),
      target: 1,
      pass: peak <= CONNTRACK_BUDGET_MB,
      ...extra,
    },
  ];
}

async function keystrokeFigure(dir: string, file: string, text: string, lines: number, generator: string): Promise<BenchResult[]> {
  const client = new TestClient();
  const stop = onCleanup(() => client.kill());
  try {
    await client.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
    client.connection.sendNotification(InitializedNotification.type, {});
    const uri = pathToFileURL(file).href;
    let version = 1;
    const t0 = performance.now();
    client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'iptables', version, text } });
    await client.waitForDiagnostics(uri, (p) => p.version === version, 600_000);
    const openMs = performance.now() - t0;
    const edit = async (line: number, character: number, insert: boolean): Promise<number> => {
      version++;
      const v = version;
      const range = { start: { line, character }, end: { line, character: insert ? character : character + 1 } };
      const started = performance.now();
      client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: v }, contentChanges: [{ range, text: insert ? 'x' : '' }] });
      await client.waitForDiagnostics(uri, (p) => p.version === v, 120_000);
      return performance.now() - started;
    };
    // Rule lines with a comment, spread evenly over the dump: a character typed into the comment and deleted again.
    const all = text.split('\n');
    const commented: { line: number; character: number }[] = [];
    all.forEach((l, i) => {
      const at = l.indexOf('--comment "');
      if (l.startsWith('-A ') && at >= 0) commented.push({ line: i, character: at + '--comment "'.length });
    });
    const targets = Array.from({ length: EDIT_LINES }, (_, k) => commented[Math.floor(((k + 0.5) * commented.length) / EDIT_LINES)]!);
    // Warm-up (untimed), as every benchmark here: two edits of other lines, so the first timed edit
    // does not pay for compiling the re-reader and the rules' second pass.
    for (const t of [commented[1]!, commented[commented.length - 2]!]) {
      await edit(t.line, t.character, true);
      await edit(t.line, t.character, false);
    }
    const samples: number[] = [];
    for (const t of targets) {
      samples.push(await edit(t.line, t.character, true));
      samples.push(await edit(t.line, t.character, false));
    }
    const ref: number[] = [];
    for (let i = 0; i < RUNS; i++) ref.push(restore(file).ms);
    const p95 = percentile(samples, 95);
    log(`keystroke: open -> diagnostics ${openMs.toFixed(0)} ms; edits p50 ${percentile(samples, 50).toFixed(0)} p95 ${p95.toFixed(0)} max ${Math.max(...samples).toFixed(0)} ms; iptables-restore --test ${ref.map((x) => x.toFixed(0)).join(' ')} ms`);
    return [
      timeResult(`keystroke: one-character edit -> fresh diagnostics (LSP stdio, p95), ${lines.toLocaleString('en-US')}-line dump vs iptables-restore --test (target: below 0.1x)`, p95, median(ref), 10, {
        p50: Math.round(percentile(samples, 50)),
        max: Math.round(Math.max(...samples)),
        samples: samples.map(Math.round),
        referenceRuns: ref.map(Math.round),
        openToDiagnosticsMs: Math.round(openMs),
        dump: generator,
      }),
    ];
  } finally {
    stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-speed-'));
  const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const dump = kubeProxyDump(75_000);
    const nodeDir = join(dir, 'node');
    const file = join(nodeDir, 'iptables-save.txt');
    // A folder of its own: the server reads the open file's folder for the node's facts.
    mkdirSync(nodeDir);
    writeFileSync(file, dump.text);
    const results: BenchResult[] = [];
    if (want('keystroke')) results.push(...(await keystrokeFigure(nodeDir, file, dump.text, dump.lines, dump.generator)));
    if (want('cli')) results.push(...cliFigure(file, dump.lines, dump.generator));
    if (want('conntrack')) results.push(...conntrackFigures(dir));
    finish('Speed (issue 12): ratios against references measured in this run', results);
  } finally {
    removeDir();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});
