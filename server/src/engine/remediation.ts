import { commentLine, renderCommentedOut, stepLines } from '../core/shell';
import { pushAll } from '../core/arrays';
import type { ParsedDocument } from '../node/document';
import { nodePath } from '../node/nodePath';
import type { NodeSnapshot } from '../node/snapshot';
import type { CommandFix } from '../rules/rule';
import type { Report } from './lint';

/**
 * Gathers every remediation command of a node into one commented shell script: the "what do I
 * run on this node" answer for observation dumps (ethtool -k, sysctl -a, conntrack -L), which are
 * never edited themselves. Identical fixes suggested by several findings appear once.
 *
 * Only safe fixes run. A fix that needs review (destructive, or resting on what the dump cannot
 * prove) is written commented out under its reason: uncommenting it is the user's decision.
 * Every line is rendered by core/shell.ts: commands from typed arguments, everything else (node
 * and file names, titles, reasons) as comment lines that no character can end.
 */
/** The node a script is for: its name for the header, its folder so files are named by their path in it. */
export type ScriptNode = Pick<NodeSnapshot, 'name' | 'root'>;

export function remediationScript(node: ScriptNode, results: readonly { document: ParsedDocument; reports: readonly Report[] }[]): string {
  const lines = [
    '#!/bin/sh',
    commentLine(`kube-netlint remediation script for node ${node.name}`),
    commentLine('Review every step before running it on the node; each is preceded by the finding that suggests it.'),
    commentLine('Steps marked NEEDS REVIEW are commented out: they delete or replace state, or rest on evidence the dump cannot prove.'),
    'set -eu',
    '',
  ];
  const seen = new Set<string>();
  let steps = 0;
  let held = 0;
  for (const { document, reports } of results) {
    for (const r of reports) {
      for (const fix of r.fixes.filter((f): f is CommandFix => f.kind === 'command')) {
        const key = JSON.stringify([fix.steps, fix.safe]);
        if (seen.has(key)) continue;
        seen.add(key);
        steps++;
        const p = document.lines.positionAt(r.span.start);
        lines.push(commentLine(`${steps}. ${r.ruleId} (${nodePath(document, node)}:${p.line + 1})`), commentLine(`   ${fix.title}`));
        if (fix.safe) pushAll(lines, fix.steps.flatMap(stepLines));
        else {
          held++;
          lines.push(commentLine(`   NEEDS REVIEW, not run: ${fix.review ?? 'this fix changes more than the finding proves'}.`));
          pushAll(lines, renderCommentedOut(fix.steps));
        }
        lines.push('');
      }
    }
  }
  if (steps === 0) lines.push(commentLine('Nothing to run: no finding of this node suggests a command.'), '');
  else if (held > 0) lines.push(commentLine(`${held} of ${steps} steps need review and are commented out above.`), '');
  return lines.join('\n');
}
