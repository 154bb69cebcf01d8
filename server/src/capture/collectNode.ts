/**
 * `kube-netlint collect`: runs the plan (plan.ts) one command after the other — a node under
 * trouble should not also get a burst of parallel netlink dumps — and writes one node folder
 * that `check` and the editor read as is, plus manifest.json.
 */
import { hostname, release } from 'node:os';
import { forDevice, isPlanOutput, overlayDevices, PLAN, type CaptureKind, type PlanEntry } from './plan';
import { captureEnv, findProgram, runCommand, type RunResult } from './run';
import { checkFileName, OutDirError, prepareOutDir, removePrevious, writeNew } from './write';
import { conntrackCount, MANIFEST_FILE, MANIFEST_SCHEMA, missingPrograms, renderManifest, stderrExcerpt, versionLine, type CommandRecord, type Manifest } from './manifest';

export interface CollectOptions {
  readonly out: string;
  readonly netns?: string;
  readonly maxConntrack: number;
  readonly timeoutSeconds: number;
  /** Size cap per command output (the plan may set a smaller one). */
  readonly maxBytes: number;
  readonly force: boolean;
  readonly version: string;
  /** The PATH tools are looked up in (tests point it at stubs). */
  readonly path?: string;
  /** The plan to run; the default is PLAN (tests give a small one). */
  readonly plan?: readonly PlanEntry[];
}

export interface CollectedFile {
  readonly name: string;
  readonly kind: CaptureKind;
  readonly bytes: number;
}

export interface CollectResult {
  readonly manifest: Manifest;
  readonly files: readonly CollectedFile[];
}

export const DEFAULTS = { maxConntrack: 100_000, timeoutSeconds: 20, maxBytes: 64 * 1024 * 1024 } as const;
const MAX_STDERR = 256 * 1024;
/** `ip netns` names are file names under /run/netns; this set also keeps them from reading as options. */
const NETNS_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export class CollectError extends Error {}

type Rec = CommandRecord & { readonly program: string };

export async function collectNode(opts: CollectOptions, log: (line: string) => void = () => {}): Promise<CollectResult> {
  if (opts.netns !== undefined && !NETNS_NAME.test(opts.netns)) throw new CollectError(`--netns expects a namespace name from \`ip netns list\`, not ${JSON.stringify(opts.netns)}`);
  const startedAt = new Date();
  const env = captureEnv(opts.path);
  const find = (program: string): string | undefined => findProgram(program, opts.path);
  let prefix: string[] = [];
  if (opts.netns !== undefined) {
    const ip = find('ip');
    if (!ip) throw new CollectError('--netns needs the ip program (iproute2), which is not installed');
    prefix = [ip, 'netns', 'exec', opts.netns];
  }
  const plan = opts.plan ?? PLAN;
  try {
    prepareOutDir(opts.out, opts.force);
    if (opts.force) removePrevious(opts.out, (name) => name === MANIFEST_FILE || isPlanOutput(plan, name));
  } catch (e) {
    if (e instanceof OutDirError) throw new CollectError(e.message);
    throw e;
  }

  const records: Rec[] = [];
  const files: CollectedFile[] = [];
  const tools: Record<string, string> = {};
  const notes: string[] = [];
  let ipLink: Buffer | undefined;
  let devices: readonly string[] = [];
  let captured: number | null = null;
  let ctTruncated = false;
  let total: number | null = null;

  const runOne = async (entry: PlanEntry): Promise<void> => {
    const program = entry.argv[0];
    const resolved = find(program);
    const base = { id: entry.id, kind: entry.kind, program, truncated: false as const };
    if (entry.applies.when === 'if-installed' && !resolved) {
      records.push({ ...base, argv: entry.argv, status: 'not-applicable', reason: `${program} is not installed` });
      return;
    }
    if (entry.applies.when === 'unless-installed') {
      const present = entry.applies.programs.filter((p) => find(p));
      if (present.length) {
        records.push({ ...base, argv: entry.argv, status: 'not-applicable', reason: `captured through ${present.join(', ')}` });
        return;
      }
    }
    if (!resolved) {
      records.push({ ...base, argv: entry.argv, status: 'missing', reason: `${program} is not installed` });
      log(`  ${entry.id}: ${program} not installed (recorded)`);
      return;
    }
    const argv: [string, ...string[]] = [...prefix, resolved, ...entry.argv.slice(1)] as [string, ...string[]];
    const r = await runCommand(
      argv,
      {
        timeoutMs: opts.timeoutSeconds * 1000,
        maxBytes: entry.maxBytes !== undefined ? Math.min(entry.maxBytes, opts.maxBytes) : opts.maxBytes,
        maxStderrBytes: MAX_STDERR,
        ...(entry.lineCap === 'max-conntrack' ? { maxLines: opts.maxConntrack } : {}),
      },
      env,
    );
    const stderr = stderrExcerpt(r.stderr);
    const ran: Rec = {
      ...base,
      argv,
      status: r.error ? 'failed-to-start' : 'ran',
      exitCode: r.exitCode,
      signal: r.signal,
      durationMs: Math.round(r.durationMs * 10) / 10,
      stdoutBytes: r.stdout.length,
      stderrBytes: r.stderr.length,
      lines: r.lines,
      truncated: r.truncated ?? false,
      ...(stderr ? { stderr } : {}),
      ...(r.error ? { error: r.error } : {}),
    };
    log(`  ${entry.id}: exit ${r.exitCode ?? r.signal ?? r.error}, ${r.stdout.length} bytes, ${ran.durationMs} ms${r.truncated ? ` (truncated: ${r.truncated})` : ''}`);
    if (entry.id === 'ip-link') ipLink = r.stdout;
    if (entry.lineCap === 'max-conntrack') {
      captured = r.lines;
      ctTruncated = r.truncated !== undefined;
    }
    if ('manifest' in entry.output) {
      if (entry.output.manifest === 'tools') {
        const v = r.exitCode === 0 ? versionLine(r.stdout, r.stderr) : undefined;
        if (v) tools[program] = v;
      } else if (r.exitCode === 0) total = conntrackCount(r.stdout);
      records.push(ran);
      return;
    }
    const content = fileContent(entry, r);
    if (content.length === 0) {
      records.push(ran);
      return;
    }
    const name = entry.output.file;
    try {
      const bytes = writeNew(opts.out, name, content);
      files.push({ name, kind: entry.kind, bytes });
      records.push({ ...ran, file: name });
    } catch (e) {
      if (!(e instanceof OutDirError)) throw e;
      notes.push(`${entry.id}: not written: ${e.message}`);
      records.push(ran);
    }
  };

  for (const entry of plan) {
    if (entry.applies.when !== 'per-overlay-device') {
      await runOne(entry);
      continue;
    }
    if (ipLink === undefined) {
      notes.push(`${entry.id}: no \`ip -d link\` capture, so no overlay device to inspect`);
      continue;
    }
    const found = overlayDevices(ipLink.toString('utf8'));
    devices = found.devices;
    for (const d of found.refused) notes.push(`${entry.id}: overlay device ${JSON.stringify(d)} skipped: its name is not safe as a file name`);
    for (const device of found.devices) {
      const concrete = forDevice(entry, device);
      if ('file' in concrete.output) checkFileName(concrete.output.file);
      await runOne(concrete);
    }
  }

  const finishedAt = new Date();
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    collector: { name: 'kube-netlint', version: opts.version },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    hostname: hostname(),
    kernel: release(),
    uid: typeof process.getuid === 'function' ? process.getuid() : null,
    netns: opts.netns ?? null,
    limits: { timeoutSeconds: opts.timeoutSeconds, maxBytes: opts.maxBytes, maxConntrack: opts.maxConntrack },
    commands: records.map(({ program: _program, ...rest }) => rest),
    missing: missingPrograms(records),
    tools,
    conntrack: { limit: opts.maxConntrack, captured, total, truncated: ctTruncated },
    overlayDevices: devices,
    notes,
    files,
  };
  writeNew(opts.out, MANIFEST_FILE, renderManifest(manifest));
  return { manifest, files };
}

/** The bytes saved for one command: stdout, with stderr placed where the file's readers look for it. */
function fileContent(entry: PlanEntry, r: RunResult): Buffer {
  // A failure's message belongs to the manifest, not to a file that would read as an empty dump.
  if (r.stdout.length === 0 && r.exitCode !== 0) return r.stdout;
  if (r.stderr.length === 0 || entry.stderr === 'manifest') return r.stdout;
  if (entry.stderr === 'append') {
    const sep = r.stdout.length > 0 && r.stdout[r.stdout.length - 1] !== 0x0a ? '\n' : '';
    return Buffer.concat([r.stdout, Buffer.from(sep), r.stderr]);
  }
  const comments = r.stderr
    .toString('utf8')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .map((l) => (l.startsWith('#') ? l : `# ${l}`));
  return Buffer.concat([Buffer.from(comments.map((l) => `${l}\n`).join('')), r.stdout]);
}
