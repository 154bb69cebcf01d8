import type { CommandFix } from '../rules/rule';
import type { ParsedDocument } from '../node/document';
import type { Report } from './lint';

/**
 * Gathers every remediation command of a node into one commented shell script: the "what do I
 * run on this node" answer for observation dumps (ethtool -k, sysctl -a, conntrack -L), which are
 * never edited themselves. Identical commands suggested by several findings appear once.
 */
export function remediationScript(node: string, results: readonly { document: ParsedDocument; reports: readonly Report[] }[]): string {
  const lines = [
    '#!/bin/sh',
    `# kube-netlint remediation script for node ${node}`,
    '# Review every step before running it on the node; each is preceded by the finding that suggests it.',
    'set -eu',
    '',
  ];
  const seen = new Set<string>();
  let steps = 0;
  for (const { document, reports } of results) {
    for (const r of reports) {
      for (const fix of r.fixes.filter((f): f is CommandFix => f.kind === 'command')) {
        if (seen.has(fix.script)) continue;
        seen.add(fix.script);
        steps++;
        const p = document.lines.positionAt(r.span.start);
        lines.push(`# ${steps}. ${r.ruleId} (${document.path}:${p.line + 1})`, `#    ${fix.title}`, fix.script.trimEnd(), '');
      }
    }
  }
  if (steps === 0) lines.push('# Nothing to run: no finding of this node suggests a command.', '');
  return lines.join('\n');
}
