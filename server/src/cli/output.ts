import type { ParsedDocument } from '../node/document';
import type { Report } from '../engine/lint';
import type { Severity } from '../core/severity';
import { ruleDocsUrl } from '../engine/docs';
import { ruleMeta } from '../rules/catalogue';

export interface FileResult {
  readonly document: ParsedDocument;
  readonly reports: readonly Report[];
}

/** Width the text format wraps details to (a terminal's own width when it has one). */
export const TEXT_WIDTH = 100;

/**
 * For people: per finding `path:line:col severity rule-id: rule title` (1-based like compilers,
 * so editors and terminals link it), then the message wrapped and indented below, then the rule's
 * docs link; a summary for humans on stderr. Messages explain the why at length, which reads
 * badly as one 600-character line; `compact` keeps the one-line form for grep and error parsers.
 */
export function formatText(results: readonly FileResult[], width = TEXT_WIDTH): { stdout: string; stderr: string } {
  const blocks: string[] = [];
  for (const { document, reports } of results) {
    for (const r of reports) {
      const p = document.lines.positionAt(r.span.start);
      const lines = [`${document.path}:${p.line + 1}:${p.character + 1} ${r.severity} ${r.ruleId}: ${r.title}`];
      for (const l of wrap(r.message, width - INDENT.length)) lines.push(`${INDENT}${l}`);
      lines.push(`${INDENT}docs: ${r.docsUrl}`);
      blocks.push(lines.join('\n'));
    }
  }
  return { stdout: blocks.length ? `${blocks.join('\n\n')}\n` : '', stderr: summary(results) };
}

/** One line per finding, `path:line:col severity rule-id message`, for grep and editors' error parsers. */
export function formatCompact(results: readonly FileResult[]): { stdout: string; stderr: string } {
  const lines: string[] = [];
  for (const { document, reports } of results) {
    for (const r of reports) {
      const p = document.lines.positionAt(r.span.start);
      lines.push(`${document.path}:${p.line + 1}:${p.character + 1} ${r.severity} ${r.ruleId} ${r.message.replace(/\s*\n\s*/g, ' ')}`);
    }
  }
  return { stdout: lines.length ? `${lines.join('\n')}\n` : '', stderr: summary(results) };
}

const INDENT = '    ';

function summary(results: readonly FileResult[]): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const { reports } of results) for (const r of reports) counts[r.severity]++;
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

/** The stable JSON contract: 0-based LSP positions, `file` exactly as found under the PATH given. */
export function formatJson(results: readonly FileResult[]): string {
  return `${JSON.stringify({
    files: results.map(({ document }) => ({ file: document.path, kind: document.kind })),
    findings: results.flatMap(({ document, reports }) =>
      reports.map((r) => ({
        file: document.path,
        rule: r.ruleId,
        severity: r.severity,
        message: r.message,
        range: document.lines.range(r.span.start, r.span.end),
      })),
    ),
  })}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0 for code-scanning UIs (GitHub, Azure DevOps): 1-based regions, rules with help links. */
export function formatSarif(results: readonly FileResult[], version: string): string {
  const ruleIds = [...new Set(results.flatMap((r) => r.reports.map((x) => x.ruleId)))].sort();
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
        results: results.flatMap(({ document, reports }) =>
          reports.map((r) => {
            const a = document.lines.positionAt(r.span.start);
            const b = document.lines.positionAt(r.span.end);
            return {
              ruleId: r.ruleId,
              ruleIndex: ruleIds.indexOf(r.ruleId),
              level: SARIF_LEVEL[r.severity],
              message: { text: r.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: document.path.split('\\').join('/') },
                    region: { startLine: a.line + 1, startColumn: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 },
                  },
                },
              ],
            };
          }),
        ),
      },
    ],
  };
  return `${JSON.stringify(sarif)}\n`;
}
