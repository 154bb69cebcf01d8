/**
 * Runs one capture command: argv straight to execve (no shell, so nothing in a device name or a
 * namespace name is ever interpreted), a time limit and a size limit, and the output kept as
 * bytes. The command runs in a process group of its own so a timeout or an over-long output
 * kills everything it started, not only the first process (a tool that forks must not keep the
 * collector waiting on its pipe).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface RunLimits {
  readonly timeoutMs: number;
  /** stdout beyond this is not kept; the command is stopped. */
  readonly maxBytes: number;
  readonly maxStderrBytes: number;
  /** stdout beyond this many lines is not kept; the command is stopped (`conntrack -L`). */
  readonly maxLines?: number;
}

export interface RunResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** null when the command was killed or never started. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly durationMs: number;
  /** Why stdout is incomplete: the size cap, the line cap, or the time limit. */
  readonly truncated?: 'bytes' | 'lines' | 'timeout';
  readonly stderrTruncated: boolean;
  /** Lines of stdout kept. */
  readonly lines: number;
  /** The program could not be started (ENOENT, EACCES). */
  readonly error?: string;
}

/** Where root's tools live even when the caller's PATH lacks them (sudo, kubectl debug images). */
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The environment every command gets: a known PATH and the C locale, so outputs are in the English the readers expect. */
export function captureEnv(path = process.env['PATH'] ?? ''): NodeJS.ProcessEnv {
  return { PATH: searchDirs(path).join(delimiter), LC_ALL: 'C', LANG: 'C' };
}

function searchDirs(path: string): string[] {
  const dirs = path.split(delimiter).filter((d) => isAbsolute(d));
  for (const d of SYSTEM_DIRS) if (!dirs.includes(d)) dirs.push(d);
  return dirs;
}

/** The absolute path of an executable program, or undefined when it is not installed. */
export function findProgram(name: string, path = process.env['PATH'] ?? ''): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of searchDirs(path)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Index just past the `need`-th newline of `buf` (-1 when it has fewer), and how many it found. */
function afterNthNewline(buf: Buffer, need: number): { index: number; found: number } {
  let found = 0;
  let at = -1;
  while (found < need) {
    const nl = buf.indexOf(0x0a, at + 1);
    if (nl < 0) break;
    at = nl;
    found++;
  }
  return { index: found === need ? at + 1 : -1, found };
}

export function runCommand(argv: readonly [string, ...string[]], limits: RunLimits, env: NodeJS.ProcessEnv = captureEnv()): Promise<RunResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let lines = 0;
    let truncated: RunResult['truncated'];
    let stderrTruncated = false;
    let stopped = false;
    let done = false;

    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env, shell: false, windowsHide: true });

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        exitCode,
        signal,
        durationMs,
        ...(truncated ? { truncated } : {}),
        stderrTruncated,
        lines,
        ...(error ? { error } : {}),
      });
    };
    /** Kills the whole process group and stops reading: whatever it still writes is not wanted. */
    const stop = (why: NonNullable<RunResult['truncated']>): void => {
      if (stopped) return;
      stopped = true;
      truncated ??= why;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const timer = setTimeout(() => stop('timeout'), limits.timeoutMs);

    child.stdout!.on('data', (chunk: Buffer) => {
      if (stopped) return;
      if (limits.maxLines !== undefined && lines >= limits.maxLines) {
        // The cap was reached exactly at the end of an earlier chunk and more is coming.
        stop('lines');
        return;
      }
      let keep = chunk;
      let cut: 'bytes' | 'lines' | undefined;
      if (outBytes + keep.length > limits.maxBytes) {
        keep = keep.subarray(0, limits.maxBytes - outBytes);
        // End on a line boundary when there is one: a half line would read as a damaged entry.
        const lastNl = keep.lastIndexOf(0x0a);
        if (lastNl >= 0) keep = keep.subarray(0, lastNl + 1);
        cut = 'bytes';
      }
      if (limits.maxLines !== undefined) {
        const { index, found } = afterNthNewline(keep, limits.maxLines - lines);
        if (index >= 0) {
          if (index < keep.length) cut = 'lines';
          keep = keep.subarray(0, index);
          lines = limits.maxLines;
        } else lines += found;
      } else {
        lines += afterNthNewline(keep, Number.MAX_SAFE_INTEGER).found;
      }
      out.push(keep);
      outBytes += keep.length;
      if (cut) stop(cut);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (errBytes >= limits.maxStderrBytes) {
        stderrTruncated = true;
        return;
      }
      const keep = chunk.subarray(0, limits.maxStderrBytes - errBytes);
      if (keep.length < chunk.length) stderrTruncated = true;
      err.push(keep);
      errBytes += keep.length;
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(null, null, e.code ?? e.message));
    // After a stop the pipes are already destroyed: the exit is the end. Otherwise wait for
    // 'close', which comes once stdout and stderr are drained.
    child.on('exit', (code, signal) => {
      if (stopped) finish(code, signal);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
