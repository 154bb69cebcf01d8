import type { Severity } from '../core/severity';
import type { Span } from '../core/span';
import type { KnownKind } from '../formats/kind';
import { ALL_RULE_META, RULES } from '../rules/catalogue';
import type { Fix, Related, Rule } from '../rules/rule';
import type { ParsedDocument } from '../node/document';
import { ruleDocsUrl } from './docs';
import type { Settings } from '../node/settings';
import type { NodeSnapshot } from '../node/snapshot';
import { findSuppressions } from './suppressions';

/** A finding after settings and suppressions: what every front end (LSP, CLI) renders. */
export interface Report {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related: readonly Related[];
  readonly fixes: readonly Fix[];
  readonly docsUrl: string;
}

export interface LintOptions {
  /** Where a crashing rule is reported; the lint carries on with the other rules. */
  readonly onRuleError?: (ruleId: string, error: unknown) => void;
}

const metaById = new Map(ALL_RULE_META.map((m) => [m.id, m]));

/** Lints a document in one go (CLI, tests). */
export function lintDocument(document: ParsedDocument, node: NodeSnapshot, settings: Settings, options: LintOptions = {}): Report[] {
  const steps = lintSteps(document, node, settings, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The lint as steps, one per rule: the language server runs them between other work (a new
 * keystroke stops a lint of a text that is already stale); `lintDocument` runs them in one go.
 */
export function* lintSteps(document: ParsedDocument, node: NodeSnapshot, settings: Settings, options: LintOptions = {}): Generator<string, Report[]> {
  const suppressions = findSuppressions(document.text);
  const reports: Report[] = [];
  const emit = (ruleId: string, title: string, defaultSeverity: Severity, severity: Severity | undefined, message: string, span: Span, related: readonly Related[], fixes: readonly Fix[]): void => {
    const setting = settings.rules[ruleId];
    if (setting === 'off') return;
    if (suppressions.isSuppressed(ruleId, document.lines.positionAt(span.start).line)) return;
    // A user's severity setting replaces the rule's default; a finding's own downgrade (unknown fact) still applies on top.
    const base = setting ?? defaultSeverity;
    const final = severity && setting === undefined ? severity : base;
    reports.push({ ruleId, title, severity: final, message, span, related, fixes, docsUrl: ruleDocsUrl(ruleId) });
  };

  for (const p of document.model.problems) {
    const meta = metaById.get(p.code);
    emit(p.code, meta?.title ?? p.code, meta?.severity ?? 'error', p.severity, p.message, p.span, [], []);
  }
  if (document.kind === 'unknown') return reports;
  for (const rule of RULES) {
    if (rule.meta.reads !== document.kind) continue;
    if (settings.rules[rule.meta.id] === 'off') continue;
    yield rule.meta.id;
    try {
      const findings = (rule as Rule<KnownKind>).check({ document: document as ParsedDocument<KnownKind>, node });
      for (const f of findings) {
        emit(rule.meta.id, rule.meta.title, rule.meta.severity, f.severity, f.message, f.span, f.related ?? [], f.fixes ?? []);
      }
    } catch (error) {
      options.onRuleError?.(rule.meta.id, error);
    }
  }
  return reports.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
}
