import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { COMMANDS } from '../core/commands';
import { renderCopyText } from '../core/shell';
import type { ParsedDocument } from '../node/document';
import type { Report } from '../engine/lint';
import { isDiagnosticData, toTextEdits } from './convert';
import { suppressionInsert } from '../engine/suppressions';
import { chooseFixes } from '../engine/fixes';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.kube-netlint`;
export const COMMAND_SHOW_DOCS = COMMANDS.showRuleDocs;
export const COMMAND_REMEDIATION_SCRIPT = COMMANDS.remediationScript;
export const COMMAND_COPY = COMMANDS.copyToClipboard;

/** What an unresolved quick fix carries: the lint it came from (document and text version) and which fix of which finding. */
export interface FixActionData {
  readonly uri: string;
  readonly version: number;
  readonly finding: number;
  readonly fix: number;
}

export function isFixActionData(v: unknown): v is FixActionData {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.uri === 'string' && typeof o.version === 'number' && Number.isSafeInteger(o.finding) && Number.isSafeInteger(o.fix);
}

/**
 * Code actions for our diagnostics: each fix the rule offered (edits, or a remediation command
 * to copy), "Disable RULE for this line" where the format has comments, and "Show documentation".
 * The diagnostic's data names its finding in the last lint of the version it was made for; an edit
 * fix is offered without its edit, which `resolveFixAction` computes when the user picks it.
 */
export function codeActions(doc: ParsedDocument, version: number, params: CodeActionParams, reports: readonly Report[]): CodeAction[] {
  const only = params.context.only;
  const wants = (kind: string): boolean => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    const data = diagnostic.data;
    if (!isDiagnosticData(data) || data.version !== version) continue;
    const report = reports[data.finding];
    if (!report || report.ruleId !== data.ruleId) continue;
    if (wants(CodeActionKind.QuickFix)) {
      report.fixes.forEach((fix, i) => {
        if (fix.kind === 'edit') {
          const id: FixActionData = { uri: doc.uri, version, finding: data.finding, fix: i };
          actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: i === 0, data: id });
        } else {
          actions.push({
            title: `${fix.title} (copy command${fix.safe ? '' : ', needs review'})`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            command: { title: fix.title, command: COMMAND_COPY, arguments: [renderCopyText(fix.steps, fix.safe ? undefined : fix.review ?? 'this fix changes more than the finding proves')] },
          });
        }
      });
      const disable = disableForLine(doc, diagnostic, data.ruleId);
      if (disable) actions.push(disable);
      actions.push({
        title: `Show documentation for ${data.ruleId}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: 'Show documentation', command: COMMAND_SHOW_DOCS, arguments: [data.ruleId] },
      });
    }
  }
  // Only on request: fix-all is a source action (on save, or the command), never offered unasked.
  if (only?.some((o) => FIX_ALL_KIND.startsWith(o))) {
    const all = fixAll(doc, reports);
    if (all) actions.push(all);
  }
  return actions;
}

/**
 * `codeAction/resolve`: the edit of a quick fix, from the server's last lint of the document. An
 * action made for another text version (the user typed since) resolves without an edit, so a
 * stale edit is never applied; the client shows nothing happening and the next request is fresh.
 */
export function resolveFixAction(action: CodeAction, last: { readonly doc: ParsedDocument; readonly version: number; readonly reports: readonly Report[] } | undefined): CodeAction {
  const id = action.data;
  if (!isFixActionData(id) || !last || last.doc.uri !== id.uri || last.version !== id.version) return action;
  const fix = last.reports[id.finding]?.fixes[id.fix];
  if (fix?.kind !== 'edit') return action;
  return { ...action, edit: { changes: { [last.doc.uri]: toTextEdits(last.doc, fix) } } };
}

function disableForLine(doc: ParsedDocument, diagnostic: Diagnostic, ruleId: string): CodeAction | undefined {
  // Placement (comment syntax, YAML block scalars, line breaks, byte order mark) is the engine's.
  const insert = suppressionInsert(doc.text, doc.lines, doc.kind, diagnostic.range.start.line, ruleId);
  if (!insert) return undefined;
  const at = doc.lines.positionAt(insert.offset);
  return {
    title: insert.coversBlock ? `Disable ${ruleId} for this YAML block` : `Disable ${ruleId} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [doc.uri]: [{ range: { start: at, end: at }, newText: insert.newText }] } },
  };
}

/** All safe edit fixes of the last lint whose edits do not overlap, applied as one edit. */
function fixAll(doc: ParsedDocument, reports: readonly Report[]): CodeAction | undefined {
  const { chosen } = chooseFixes(reports, false);
  if (chosen.length === 0) return undefined;
  return {
    title: `Apply all safe kube-netlint fixes (${chosen.length})`,
    kind: FIX_ALL_KIND,
    edit: { changes: { [doc.uri]: chosen.flatMap((f) => toTextEdits(doc, f)) } },
  };
}
