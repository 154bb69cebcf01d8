import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { Severity } from '../core/severity';
import type { ParsedDocument } from '../node/document';
import type { Report } from '../engine/lint';
import type { EditFix } from '../rules/rule';
import { ruleDocsHref } from '../engine/docs';

/** The only place engine values become LSP values. */

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Carried in `Diagnostic.data`: which finding of which lint this is (its index in the reports of the
 * server's last lint of that text version). The fixes stay on the server, once: code actions look
 * them up by this id and `codeAction/resolve` computes the edits, so nothing stale is ever applied.
 */
export interface DiagnosticData {
  readonly ruleId: string;
  readonly version: number;
  readonly finding: number;
}

export function toDiagnostic(doc: ParsedDocument, report: Report, version: number, finding: number): Diagnostic {
  const related: DiagnosticRelatedInformation[] = report.related.map((r) => ({
    location: { uri: r.document.uri, range: r.document.lines.range(r.span.start, r.span.end) },
    message: r.message,
  }));
  const data: DiagnosticData = { ruleId: report.ruleId, version, finding };
  return {
    range: doc.lines.range(report.span.start, report.span.end),
    severity: SEVERITY[report.severity],
    code: report.ruleId,
    // The page shipped in the extension, so the code link opens offline (GitHub when it is missing).
    codeDescription: { href: ruleDocsHref(report.ruleId) },
    source: 'kube-netlint',
    message: report.message,
    ...(related.length ? { relatedInformation: related } : {}),
    data,
  };
}

export function isDiagnosticData(v: unknown): v is DiagnosticData {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.ruleId === 'string' && typeof o.version === 'number' && Number.isSafeInteger(o.finding);
}

export function toTextEdits(doc: ParsedDocument, fix: EditFix): LspTextEdit[] {
  return fix.edits.map((e) => ({ range: doc.lines.range(e.span.start, e.span.end), newText: e.newText }));
}
