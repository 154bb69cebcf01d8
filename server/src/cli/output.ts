import type { Severity } from '../core/severity';
import type { LintedFile, NodeResult } from '../fleet/result';
import { summarizeFleet, type FleetSummary } from '../fleet/summary';
import { ruleDocsUrl } from '../engine/docs';
import { ruleMeta } from '../rules/catalogue';

/** The files of a run in output order (nodes in path order, files in path order within a node). */
export const filesOf = (nodes: readonly NodeResult[]): LintedFile[] => nodes.flatMap((n) => n.files);

/** Width the text format wraps details to (a terminal's own width when it has one). */
export const TEXT_WIDTH = 100;

/**
 * For people: per finding `path:line:col severity rule-id: rule title` (1-based like compilers,
 * so editors and terminals link it), then the message wrapped and indented below, then the rule's
 * docs link; a summary for humans on stderr. Messages explain the why at length, which reads
 * badly as one 600-character line; `compact` keeps the one-line form for grep and error parsers.
 */
export function formatText(nodes: readonly NodeResult[], width = TEXT_WIDTH): { stdout: string; stderr: string } {
  const results = filesOf(nodes);
  const blocks: string[] = [];
  for (const { path, findings } of results) {
    for (const r of findings) {
      const p = r.range.start;
      const lines = [`${path}:${p.line + 1}:${p.character + 1} ${r.severity} ${r.rule}: ${r.title}`];
      for (const l of wrap(r.message, width - INDENT.length)) lines.push(`${INDENT}${l}`);
      lines.push(`${INDENT}docs: ${r.docsUrl}`);
      blocks.push(lines.join('\n'));
    }
  }
  if (nodes.length > 1) blocks.push(fleetText(summarizeFleet(nodes)));
  return { stdout: blocks.length ? `${blocks.join('\n\n')}\n` : '', stderr: summary(results) };
}

/** The fleet summary for people: each rule with its node count, then the nodes that differ from the majority. */
export function fleetText(fleet: FleetSummary): string {
  const lines = [`Fleet: ${fleet.nodes.length} nodes`];
  if (fleet.byRule.length === 0) lines.push(`${INDENT}no findings on any node`);
  for (const r of fleet.byRule) lines.push(`${INDENT}${String(r.nodes).padStart(5)} node${r.nodes === 1 ? ' ' : 's'}  ${r.rule}`);
  const outliers = fleet.nodes.filter((n) => n.outlier.length > 0);
  if (outliers.length) {
    lines.push('Nodes that differ from the majority:');
    for (const n of outliers) {
      lines.push(`${INDENT}${n.path}`);
      for (const o of n.outlier) lines.push(`${INDENT}${INDENT}${o.fact}: ${o.value ?? 'not known'} (${o.majorityNodes} of ${fleet.nodes.length} nodes: ${o.majority})`);
    }
  }
  return lines.join('\n');
}

/** One line per finding, `path:line:col severity rule-id message`, for grep and editors' error parsers. */
export function formatCompact(nodes: readonly NodeResult[]): { stdout: string; stderr: string } {
  const results = filesOf(nodes);
  const lines: string[] = [];
  for (const { path, findings } of results) {
    for (const r of findings) {
      const p = r.range.start;
      lines.push(`${path}:${p.line + 1}:${p.character + 1} ${r.severity} ${r.rule} ${r.message.replace(/\s*\n\s*/g, ' ')}`);
    }
  }
  return { stdout: lines.length ? `${lines.join('\n')}\n` : '', stderr: summary(results) };
}

const INDENT = '    ';

export function summary(results: readonly LintedFile[]): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const { findings } of results) for (const r of findings) counts[r.severity]++;
  const total = counts.error + counts.warning + counts.info + counts.hint;
  return `${total} finding${total === 1 ? '' : 's'} (${counts.error} error, ${counts.warning} warning, ${counts.info} info, ${counts.hint} hint) in ${results.length} file${results.length === 1 ? '' : 's'}\n`;
}

/** Greedy word wrap to `width` columns; a word longer than the width (a URL, a rule) gets a line of its own. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (word === '') continue;
      if (line === '') line = word;
      else if (line.length + 1 + word.length <= width) line += ` ${word}`;
      else {
        out.push(line);
        line = word;
      }
    }
    out.push(line);
  }
  return out;
}

/**
 * The stable JSON contract (docs/cli.md): `files` and `findings` as always (0-based LSP ranges,
 * `file` exactly as found under the PATH given), and the fleet: `nodes` (findings count, facts,
 * what differs from the majority) and `byRule` (on how many nodes each rule fired).
 */
export function formatJson(nodes: readonly NodeResult[]): string {
  const results = filesOf(nodes);
  const fleet = summarizeFleet(nodes);
  return `${JSON.stringify({
    files: results.map(({ path, kind }) => ({ file: path, kind })),
    findings: results.flatMap(({ path, findings }) =>
      findings.map((r) => ({
        file: path,
        rule: r.rule,
        severity: r.severity,
        message: r.message,
        range: r.range,
      })),
    ),
    nodes: fleet.nodes,
    byRule: fleet.byRule,
  })}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** A path as a SARIF URI reference: `/` separators, each segment percent-encoded (spaces, `#`, `%` in names). */
export function sarifUri(path: string): string {
  return path
    .split('\\')
    .join('/')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** The key under which results carry their fingerprint; versioned so a new scheme does not collide with old alerts. */
export const SARIF_FINGERPRINT_KEY = 'kubeNetlint/v1';

/**
 * SARIF 2.1.0 for code-scanning UIs (GitHub, Azure DevOps): 1-based regions, rules with help
 * links, and `partialFingerprints` (rule + file inside the node + normalised evidence, no line
 * numbers) so an alert is tracked across runs even when the dump's lines move.
 */
export function formatSarif(nodes: readonly NodeResult[], version: string): string {
  const results = filesOf(nodes);
  const ruleIds = [...new Set(results.flatMap((r) => r.findings.map((x) => x.rule)))].sort();
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kube-netlint',
            version,
            informationUri: 'https://github.com/kube-netlint/kube-netlint',
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: ruleMeta(id)?.title ?? id },
              helpUri: ruleDocsUrl(id),
              defaultConfiguration: { level: SARIF_LEVEL[ruleMeta(id)?.severity ?? 'warning'] },
            })),
          },
        },
        results: nodes.flatMap((node) =>
          node.files.flatMap(({ path, findings }) =>
            findings.map((r) => ({
              ruleId: r.rule,
              ruleIndex: ruleIds.indexOf(r.rule),
              level: SARIF_LEVEL[r.severity],
              message: { text: r.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: sarifUri(path) },
                    region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1, endLine: r.range.end.line + 1, endColumn: r.range.end.character + 1 },
                  },
                },
              ],
              partialFingerprints: { [SARIF_FINGERPRINT_KEY]: r.fingerprint },
              properties: { node: node.path },
            })),
          ),
        ),
      },
    ],
  };
  return `${JSON.stringify(sarif)}\n`;
}
