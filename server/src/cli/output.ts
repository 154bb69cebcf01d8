import type { ParsedDocument } from '../engine/document';
import type { Report } from '../engine/lint';
import type { Severity } from '../core/severity';

export interface FileResult {
  readonly document: ParsedDocument;
  readonly reports: readonly Report[];
}

/** `path:line:col severity rule-id message`, 1-based like compilers, then a summary for humans on stderr. */
export function formatText(results: readonly FileResult[]): { stdout: string; stderr: string } {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const { document, reports } of results) {
    for (const r of reports) {
      const p = document.lines.positionAt(r.span.start);
      lines.push(`${document.path}:${p.line + 1}:${p.character + 1} ${r.severity} ${r.ruleId} ${r.message}`);
      counts[r.severity]++;
    }
  }
  const total = counts.error + counts.warning + counts.info + counts.hint;
  const summary = `${total} finding${total === 1 ? '' : 's'} (${counts.error} error, ${counts.warning} warning, ${counts.info} info, ${counts.hint} hint) in ${results.length} file${results.length === 1 ? '' : 's'}`;
  return { stdout: lines.length ? `${lines.join('\n')}\n` : '', stderr: `${summary}\n` };
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
