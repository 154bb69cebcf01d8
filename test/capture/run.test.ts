import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram, runCommand, type RunLimits } from '../../server/src/capture/run';

const LIMITS: RunLimits = { timeoutMs: 10_000, maxBytes: 1 << 20, maxStderrBytes: 1 << 16 };
let dir: string;

function stub(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

/** Whether a process is still alive (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe('capture runner', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kn-run-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps stdout and stderr apart, with the exit status', async () => {
    const p = stub('both', 'echo out; echo err >&2; exit 3');
    const r = await runCommand([p], LIMITS);
    assert.equal(r.stdout.toString(), 'out\n');
    assert.equal(r.stderr.toString(), 'err\n');
    assert.equal(r.exitCode, 3);
    assert.equal(r.truncated, undefined);
    assert.equal(r.lines, 1);
  });

  it('passes arguments to the program as they are: no shell ever reads them', async () => {
    const marker = join(dir, 'pwned');
    const r = await runCommand(['/usr/bin/printf', '%s|', `$(touch ${marker})`, '; touch x', '`id`'], LIMITS);
    assert.equal(r.stdout.toString(), `$(touch ${marker})|; touch x|\`id\`|`);
    assert.ok(!existsSync(marker));
  });

  it('stops a command at the time limit, and everything it started with it', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const p = stub('sleeper', `echo started; sleep 30 & echo $! > ${pidFile}; wait`);
    const started = Date.now();
    const r = await runCommand([p], { ...LIMITS, timeoutMs: 400 });
    const took = Date.now() - started;
    assert.equal(r.truncated, 'timeout');
    assert.equal(r.exitCode, null);
    assert.equal(r.signal, 'SIGKILL');
    assert.equal(r.stdout.toString(), 'started\n', 'what came before the limit is kept');
    assert.ok(took < 5000, `returned after ${took} ms`);
    const child = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 50 && alive(child); i++) await new Promise((res) => setTimeout(res, 20));
    assert.ok(!alive(child), 'the backgrounded sleep was killed with its process group');
  });

  it('caps stdout at the size limit, on a line boundary, and stops the command', async () => {
    const r = await runCommand(['/usr/bin/yes', 'abcdefg'], { ...LIMITS, maxBytes: 10_000 });
    assert.equal(r.truncated, 'bytes');
    assert.ok(r.stdout.length <= 10_000 && r.stdout.length > 9_990, `${r.stdout.length} bytes`);
    assert.equal(r.stdout.length % 8, 0, 'whole lines only');
    assert.equal(r.lines, r.stdout.length / 8);
  });

  it('caps stdout at a number of lines (conntrack -L under --max-conntrack), and says so only when more came', async () => {
    const cut = await runCommand(['/usr/bin/seq', '1', '100000'], { ...LIMITS, maxLines: 10 });
    assert.equal(cut.stdout.toString(), '1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
    assert.equal(cut.truncated, 'lines');
    assert.equal(cut.lines, 10);
    const exact = await runCommand(['/usr/bin/seq', '1', '10'], { ...LIMITS, maxLines: 10 });
    assert.equal(exact.truncated, undefined);
    assert.equal(exact.lines, 10);
    assert.equal(exact.exitCode, 0);
  });

  it('caps stderr too', async () => {
    const p = stub('noisy', 'i=0; while [ $i -lt 2000 ]; do echo "error line $i" >&2; i=$((i+1)); done');
    const r = await runCommand([p], { ...LIMITS, maxStderrBytes: 100 });
    assert.equal(r.stderr.length, 100);
    assert.ok(r.stderrTruncated);
  });

  it('reports a program that cannot be started instead of throwing', async () => {
    const r = await runCommand([join(dir, 'no-such-program')], LIMITS);
    assert.equal(r.error, 'ENOENT');
    assert.equal(r.exitCode, null);
  });

  it('finds programs on the given PATH and in the system directories, and reports missing ones', () => {
    const p = stub('kn-fake-tool', 'true');
    assert.equal(findProgram('kn-fake-tool', dir), p);
    assert.equal(findProgram('kn-fake-tool', '/nonexistent'), undefined);
    const sh = findProgram('sh', '');
    assert.ok(sh !== undefined && /^\/(?:usr\/)?s?bin\/sh$/.test(sh), `sh found through the system directories with an empty PATH: ${sh}`);
    assert.equal(findProgram('kn-surely-not-installed-anywhere', dir), undefined);
    writeFileSync(join(dir, 'not-executable'), 'x');
    assert.equal(findProgram('not-executable', dir), undefined);
  });
});
