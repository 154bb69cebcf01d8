import { parseDocument } from '../node/document';
import { lintDocument } from '../engine/lint';
import type { Settings } from '../node/settings';
import { remediationScript } from '../engine/remediation';
import { createSnapshot } from '../node/snapshot';
import { ALL_RULE_META } from '../rules/catalogue';
import { parseArgs, USAGE, type CheckArgs } from './args';
import { collectNodes, ReadError } from './collect';
import { formatCompact, formatJson, formatSarif, formatText, type FileResult } from './output';

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
  }
}

function check(command: 'check' | 'script', args: CheckArgs, out: (s: string) => void, err: (s: string) => void): number {
  let nodes;
  try {
    nodes = collectNodes(args.paths);
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
    const snapshot = createSnapshot(
      node.name,
      documents.filter((d) => d.kind !== 'unknown'),
      settings.facts,
    );
    for (const document of documents) {
      const reports = lintDocument(document, snapshot, settings, {
        onRuleError: (id, e) => err(`kube-netlint: internal error in rule ${id} on ${document.path}: ${e instanceof Error ? e.message : String(e)}\n`),
      });
      results.push({ document, reports });
    }
    scripts.push(remediationScript(node.name, results.slice(first)));
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
