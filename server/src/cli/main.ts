import { parseDocument } from '../node/document';
import { lintDocument } from '../engine/lint';
import type { Settings } from '../node/settings';
import { remediationScript } from '../engine/remediation';
import { createSnapshot } from '../node/snapshot';
import { ALL_RULE_META } from '../rules/catalogue';
import { parseArgs, USAGE, type CheckArgs, type CollectArgs } from './args';
import { collectNode, CollectError, DEFAULTS } from '../capture/collectNode';
import { isKnownKind } from '../formats/kind';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { collectNodes, ReadError } from './collect';
import { formatCompact, formatJson, formatSarif, formatText, type FileResult } from './output';
import { runTrace, wantsColour } from './trace';

declare const KUBE_NETLINT_VERSION: string | undefined;

/** Runs the CLI; returns the exit status. Separated from process handling so tests call it directly. */
export function run(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): number {
  const parsed = parseArgs(argv);
  switch (parsed.command) {
    case 'help':
      out(`${USAGE}\n`);
      return 0;
    case 'version':
      out(`${typeof KUBE_NETLINT_VERSION === 'string' ? KUBE_NETLINT_VERSION : 'dev'}\n`);
      return 0;
    case 'rules':
      for (const m of ALL_RULE_META) out(`${m.id.padEnd(48)} ${m.severity.padEnd(8)} ${m.title}\n`);
      return 0;
    case 'error':
      err(`kube-netlint: ${parsed.message}\n${USAGE.split('\n')[0]}\n`);
      return 2;
    case 'check':
    case 'script':
      return check(parsed.command, parsed.args, out, err);
    case 'trace':
      return runTrace(parsed.argv, { out, err, colour: wantsColour() });
    case 'collect':
      err('kube-netlint: collect waits on the commands it runs: call runAsync\n');
      return 2;
  }
}

/** Like `run`, for every command including `collect` (which waits on processes); the binary uses this. */
export async function runAsync(argv: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const parsed = parseArgs(argv);
  return parsed.command === 'collect' ? collect(parsed.args, out, err) : run(argv, out, err);
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
  return check('check', { ...args.checkArgs, paths }, out, err);
}

function check(command: 'check' | 'script', args: CheckArgs, out: (s: string) => void, err: (s: string) => void): number {
  let nodes;
  try {
    nodes = collectNodes(args.paths, (note) => err(`kube-netlint: skipped ${note.path}: ${note.reason}\n`));
  } catch (e) {
    if (e instanceof ReadError) {
      err(`kube-netlint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const settings: Settings = {
    rules: {},
    facts: {
      ...(args.kernel ? { kernelVersion: args.kernel } : {}),
      ...(args.kubeProxyVersion ? { kubeProxyVersion: args.kubeProxyVersion } : {}),
      ...(args.nodeCount ? { nodeCount: args.nodeCount } : {}),
    },
  };
  const results: FileResult[] = [];
  const scripts: string[] = [];
  for (const node of nodes) {
    const first = results.length;
    const documents = node.files.map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text }));
    // The siblings of a file given on its own count for the node's facts, as in the editor; only given files are reported.
    const context = node.context.map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text }));
    const snapshot = createSnapshot(
      node.name,
      [...documents, ...context].filter((d) => d.kind !== 'unknown'),
      settings.facts,
    );
    for (const document of documents) {
      const reports = lintDocument(document, snapshot, settings, {
        onRuleError: (id, e) => err(`kube-netlint: internal error in rule ${id} on ${document.path}: ${e instanceof Error ? e.message : String(e)}\n`),
      });
      results.push({ document, reports });
    }
    // Only `script` prints it: `check` used to build every node's script and throw it away.
    if (command === 'script') scripts.push(remediationScript(node.name, results.slice(first)));
  }
  if (command === 'script') {
    out(scripts.join('\n'));
    return 0;
  }
  if (args.format === 'json') out(formatJson(results));
  else if (args.format === 'sarif') out(formatSarif(results, typeof KUBE_NETLINT_VERSION === 'string' ? KUBE_NETLINT_VERSION : 'dev'));
  else {
    const t = args.format === 'compact' ? formatCompact(results) : formatText(results);
    out(t.stdout);
    err(t.stderr);
  }
  const failing = results.some((r) => r.reports.some((x) => x.severity === 'error' || x.severity === 'warning'));
  return failing ? 1 : 0;
}
