/**
 * `manifest.json`: what the collector did, so a folder read months later (or on another machine)
 * says how it was made: every command with its argv, exit status, duration, byte counts and
 * whether its output is complete; what was missing; the collector's version, the time, the host
 * and its kernel. Missing tools are data here, never an error.
 */
import type { CaptureKind } from './plan';

export const MANIFEST_FILE = 'manifest.json';
/** Bumped when a field changes meaning; readers check it before trusting the rest. */
export const MANIFEST_SCHEMA = 1;
/** How much of a command's stderr the manifest keeps (the whole of it stays bounded by the runner). */
const STDERR_EXCERPT = 2048;

export type CommandStatus =
  /** It ran (whatever its exit status). */
  | 'ran'
  /** Its program is not installed on the node. */
  | 'missing'
  /** It did not apply (an optional back end that is not installed, the plain iptables-save when the variants exist). */
  | 'not-applicable'
  /** It was found but could not be started. */
  | 'failed-to-start';

export interface CommandRecord {
  readonly id: string;
  /** Exactly what was executed (with the `ip netns exec NAME` prefix when --netns was given). */
  readonly argv: readonly string[];
  readonly kind: CaptureKind;
  readonly status: CommandStatus;
  /** The file written, when there was output to write. */
  readonly file?: string;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly durationMs?: number;
  readonly stdoutBytes?: number;
  readonly stderrBytes?: number;
  readonly lines?: number;
  /** Output is incomplete: the size cap, the line cap (--max-conntrack) or the time limit (--timeout) stopped it. */
  readonly truncated: false | 'bytes' | 'lines' | 'timeout';
  readonly stderr?: string;
  readonly error?: string;
  readonly reason?: string;
}

export interface Manifest {
  readonly schema: number;
  readonly collector: { readonly name: 'kube-netlint'; readonly version: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly hostname: string;
  readonly kernel: string;
  readonly uid: number | null;
  readonly netns: string | null;
  readonly limits: { readonly timeoutSeconds: number; readonly maxBytes: number; readonly maxConntrack: number };
  readonly commands: readonly CommandRecord[];
  /** Programs not installed, with the commands that needed them. */
  readonly missing: readonly { readonly program: string; readonly neededBy: readonly string[] }[];
  /** First line of each tool's version output, by program. */
  readonly tools: Readonly<Record<string, string>>;
  readonly conntrack: { readonly limit: number; readonly captured: number | null; readonly total: number | null; readonly truncated: boolean };
  readonly overlayDevices: readonly string[];
  readonly notes: readonly string[];
  readonly files: readonly { readonly name: string; readonly kind: CaptureKind; readonly bytes: number }[];
}

/** A stderr excerpt fit for JSON: decoded, bounded, trailing whitespace dropped. */
export function stderrExcerpt(stderr: Buffer): string | undefined {
  const text = stderr.subarray(0, STDERR_EXCERPT).toString('utf8').trimEnd();
  if (!text) return undefined;
  return stderr.length > STDERR_EXCERPT ? `${text}…` : text;
}

/** The first non-empty line of a `--version` / `-V` output. */
export function versionLine(stdout: Buffer, stderr: Buffer): string | undefined {
  for (const source of [stdout, stderr]) {
    const line = source.subarray(0, 4096).toString('utf8').split('\n').map((l) => l.trim()).find((l) => l !== '');
    if (line) return line;
  }
  return undefined;
}

/** `conntrack -C` prints the number of entries alone on a line. */
export function conntrackCount(stdout: Buffer): number | null {
  const m = /^\s*(\d{1,12})\s*$/.exec(stdout.subarray(0, 256).toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** Missing programs grouped, in the order they were first needed. */
export function missingPrograms(records: readonly (CommandRecord & { readonly program: string })[]): Manifest['missing'] {
  const by = new Map<string, string[]>();
  for (const r of records) {
    if (r.status !== 'missing') continue;
    const list = by.get(r.program) ?? [];
    list.push(r.id);
    by.set(r.program, list);
  }
  return [...by.entries()].map(([program, neededBy]) => ({ program, neededBy }));
}

export function renderManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
