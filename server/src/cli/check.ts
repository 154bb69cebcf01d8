import { severityRank, type Severity } from '../core/severity';
import { remediationScript } from '../engine/remediation';
import { lintNode, type NodeInput } from '../fleet/lintNode';
import type { NodeResult } from '../fleet/result';
import type { CheckArgs, FailOn } from './checkArgs';
import { gather } from './gather';
import { formatHtml } from './html';
import type { CliIO } from './io';
import { formatCompact, formatJson, formatSarif, formatText } from './output';
import { lintParallel, lintSerial, workerCount } from './pool';
import { progressOn } from './progress';

declare const KUBE_NETLINT_VERSION: string | undefined;
export const VERSION = typeof KUBE_NETLINT_VERSION === 'string' ? KUBE_NETLINT_VERSION : 'dev';

/** check and script only report: big conntrack tables are read in chunks (cli/streamFile.ts). */
const REPORT_ONLY = { stream: true } as const;

/** Whether findings of this severity fail the run under `--fail-on` (default: warning, as before the flag). */
export function fails(severity: Severity, failOn: FailOn = 'warning'): boolean {
  return failOn !== 'never' && severityRank(severity) <= severityRank(failOn);
}

/** Writes the results in the format asked for; returns the exit status. */
function report(nodes: readonly NodeResult[], args: CheckArgs, io: CliIO): number {
  for (const n of nodes) for (const e of n.ruleErrors) io.err(`kube-netlint: internal error in rule ${e}\n`);
  if (args.format === 'json') io.out(formatJson(nodes));
  else if (args.format === 'sarif') io.out(formatSarif(nodes, VERSION));
  else if (args.format === 'html') io.out(formatHtml(nodes, VERSION));
  else {
    const t = args.format === 'compact' ? formatCompact(nodes) : formatText(nodes);
    io.out(t.stdout);
    io.err(t.stderr);
  }
  return nodes.some((n) => n.files.some((f) => f.findings.some((x) => fails(x.severity, args.failOn)))) ? 1 : 0;
}

function progressFor(nodes: readonly NodeInput[], io: CliIO): (i: number) => void {
  const progress = progressOn(io.err, io.stderrIsTTY, io.columns);
  let done = 0;
  if (nodes.length > 0) progress.update(0, nodes.length, nodes[0]!.name);
  return (i) => {
    done++;
    if (done === nodes.length) progress.end();
    else progress.update(done, nodes.length, nodes[i]!.name);
  };
}

/** `check` in this thread (the synchronous `run`, used by tests and by `collect --check`). */
export function checkSync(args: CheckArgs, io: CliIO): number {
  const g = gather(args, io, REPORT_ONLY);
  if (typeof g === 'number') return g;
  return report(lintSerial(g.nodes, g.settingsOf, progressFor(g.nodes, io)), args, io);
}

/** `check` with the node folders spread over worker threads (one per core, or --jobs). */
export async function checkAsync(args: CheckArgs, io: CliIO): Promise<number> {
  const g = gather(args, io, REPORT_ONLY);
  if (typeof g === 'number') return g;
  const results = await lintParallel(g.nodes, g.settingsOf, workerCount(g.nodes.length, args.jobs), progressFor(g.nodes, io));
  return report(results, args, io);
}

/** `script`: each node's remediation commands as one shell script. */
export function script(args: CheckArgs, io: CliIO): number {
  const g = gather(args, io, REPORT_ONLY);
  if (typeof g === 'number') return g;
  const scripts = g.nodes.map((node) => {
    const { results, ruleErrors, snapshot } = lintNode(node, g.settingsOf(node));
    for (const e of ruleErrors) io.err(`kube-netlint: internal error in rule ${e}\n`);
    return remediationScript(snapshot, results);
  });
  io.out(scripts.join('\n'));
  return 0;
}
