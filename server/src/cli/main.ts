import type { CollectArgs } from './args';
import { parseArgs, USAGE } from './args';
import { collectNode, CollectError, DEFAULTS } from '../capture/collectNode';
import { isKnownKind } from '../formats/kind';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { checkAsync, checkSync, script } from './check';
import { diffCommand } from './diffCommand';
import { explain } from './explain';
import { fixCommand } from './fix';
import { cliIO, type IOOverrides } from './io';
import { formatRules } from './rulesList';
import { runTrace, wantsColour } from './trace';

declare const KUBE_NETLINT_VERSION: string | undefined;

/** Runs the CLI; returns the exit status. Separated from process handling so tests call it directly. */
export function run(argv: readonly string[], out: (s: string) => void, err: (s: string) => void, io: IOOverrides = {}): number {
  const parsed = parseArgs(argv);
  const cio = cliIO(out, err, io);
  switch (parsed.command) {
    case 'help':
      out(`${USAGE}\n`);
      return 0;
    case 'version':
      out(`${typeof KUBE_NETLINT_VERSION === 'string' ? KUBE_NETLINT_VERSION : 'dev'}\n`);
      return 0;
    case 'rules':
      out(formatRules(parsed.format));
      return 0;
    case 'explain':
      return explain(parsed.rule, cio);
    case 'error':
      err(`kube-netlint: ${parsed.message}\n${USAGE.split('\n')[0]}\n`);
      return 2;
    case 'check':
      return checkSync(parsed.args, cio);
    case 'script':
      return script(parsed.args, cio);
    case 'fix':
      return fixCommand(parsed.args, cio);
    case 'diff':
      return diffCommand(parsed.args, cio);
    case 'trace':
      return runTrace(parsed.argv, { out, err, colour: wantsColour() });
    case 'collect':
      err('kube-netlint: collect waits on the commands it runs: call runAsync\n');
      return 2;
  }
}

/**
 * Like `run`, for every command: `collect` waits on the commands it runs, and `check` lints many
 * node folders in worker threads (one per core). The binary uses this.
 */
export async function runAsync(argv: readonly string[], out: (s: string) => void, err: (s: string) => void, io: IOOverrides = {}): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.command === 'collect') return collect(parsed.args, out, err);
  if (parsed.command === 'check') return checkAsync(parsed.args, cliIO(out, err, io));
  return run(argv, out, err, io);
}

/** `collect`: capture this node into a folder; with --check, lint the dumps kube-netlint reads, as `check` would. */
async function collect(args: CollectArgs, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (process.platform !== 'linux') {
    err('kube-netlint: collect runs on the Linux node itself\n');
    return 2;
  }
  const dir = args.out ?? `kube-netlint-${hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) err('kube-netlint: not running as root: most captures (iptables-save, conntrack, nft) will fail and be recorded as such\n');
  let result;
  try {
    result = await collectNode(
      {
        out: dir,
        ...(args.netns !== undefined ? { netns: args.netns } : {}),
        maxConntrack: args.maxConntrack ?? DEFAULTS.maxConntrack,
        timeoutSeconds: args.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
        maxBytes: DEFAULTS.maxBytes,
        force: args.force,
        version: typeof KUBE_NETLINT_VERSION === 'string' ? KUBE_NETLINT_VERSION : 'dev',
      },
      (line) => err(`${line}\n`),
    );
  } catch (e) {
    if (e instanceof CollectError) {
      err(`kube-netlint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const { manifest, files } = result;
  const missing = manifest.missing.map((m) => m.program);
  err(`kube-netlint: wrote ${files.length} files and manifest.json to ${dir}${missing.length ? ` (not installed: ${missing.join(', ')})` : ''}\n`);
  if (!args.check) return 0;
  // Only the dumps kube-netlint reads: manifest.json and the captures without a format yet would each be an "unknown format" note.
  const paths = files.filter((f) => isKnownKind(f.kind)).map((f) => join(dir, f.name));
  if (paths.length === 0) {
    err('kube-netlint: nothing to check: no capture produced a dump kube-netlint reads\n');
    return 2;
  }
  return checkSync({ ...args.checkArgs, paths }, cliIO(out, err));
}
