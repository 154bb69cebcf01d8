import type { Severity } from '../core/severity';
import type { Span } from '../core/span';
import type { KnownKind } from '../formats/kind';
import { ALL_RULE_META, RULES } from '../rules/catalogue';
import { findingMessage, type Finding, type Fix, type MessageData, type Related, type Rule } from '../rules/rule';
import type { RuleResults } from './incremental';
import type { ParsedDocument } from '../node/document';
import { ruleDocsUrl } from './docs';
import type { Settings } from '../node/settings';
import type { NodeSnapshot } from '../node/snapshot';
import { suppressionsOf } from './editedSuppressions';
import { editLands } from '../formats/paste';

/** A finding after settings and suppressions: what every front end (LSP, CLI) renders. */
export interface Report {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  readonly message: string;
  /** The id of the message in the rule's `meta.messages`, and its data (absent for free-text findings and parse problems). */
  readonly messageId?: string;
  readonly data?: MessageData;
  readonly span: Span;
  readonly related: readonly Related[];
  readonly fixes: readonly Fix[];
  readonly docsUrl: string;
}

export interface LintOptions {
  /** Where a crashing rule is reported; the lint carries on with the other rules. */
  readonly onRuleError?: (ruleId: string, error: unknown) => void;
  /** Runs only these rules (a rule's own tests); parse problems are reported as always. */
  readonly onlyRules?: ReadonlySet<string>;
  /** Findings of earlier lints of this document, reused for rules whose inputs did not change (engine/incremental.ts). */
  readonly results?: RuleResults;
}

const metaById = new Map(ALL_RULE_META.map((m) => [m.id, m]));

/**
 * At most this many findings per rule and document; the rest are summed up in one finding of the
 * same rule. 50 MB of random bytes once gave 1.25 million findings (2.96 GB): nobody reads past the
 * first thousand of one kind, and every front end (editor, CLI, SARIF) gets the same cap.
 */
export const MAX_FINDINGS_PER_RULE = 1000;

/**
 * The findings of one rule past the cap, summed up where the first of them is. A single one is
 * reported as itself (a summary would cost as much and say less; it is often a parser's own
 * "stopped reading here" note after its 1,000 problems).
 */
/** A finding's message id and data, carried into its report. */
interface MessageRef {
  readonly messageId: string;
  readonly data?: MessageData;
}

interface Overflow {
  readonly first: Report;
  count: number;
}

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
  const suppressions = suppressionsOf(document);
  const reports: Report[] = [];
  const reported = new Map<string, number>();
  const overflow = new Map<string, Overflow>();
  // Rules a terminal broke over lines are read joined: an edit before the break would split them (formats/paste.ts; its note says so).
  const wrapped = 'wrapped' in document.model ? document.model.wrapped : undefined;
  const emit = (ruleId: string, title: string, defaultSeverity: Severity, severity: Severity | undefined, message: string, span: Span, related: readonly Related[], allFixes: readonly Fix[], id?: MessageRef): void => {
    const fixes = wrapped ? allFixes.filter((f) => f.kind !== 'edit' || f.edits.every((e) => editLands(wrapped, e.span.start, e.span.end))) : allFixes;
    const setting = settings.rules[ruleId];
    if (setting === 'off') return;
    if (suppressions.isSuppressed(ruleId, document.lines.positionAt(span.start).line)) return;
    // A user's severity setting replaces the rule's default; a finding's own downgrade (unknown fact) still applies on top.
    const base = setting ?? defaultSeverity;
    const final = severity && setting === undefined ? severity : base;
    const count = reported.get(ruleId) ?? 0;
    if (count >= MAX_FINDINGS_PER_RULE) {
      const over = overflow.get(ruleId);
      if (over) over.count++;
      else overflow.set(ruleId, { first: { ruleId, title, severity: final, message, ...id, span, related, fixes, docsUrl: ruleDocsUrl(ruleId) }, count: 1 });
      return;
    }
    reported.set(ruleId, count + 1);
    reports.push({ ruleId, title, severity: final, message, ...id, span, related, fixes, docsUrl: ruleDocsUrl(ruleId) });
  };
  const withOverflow = (): Report[] => {
    for (const [ruleId, { first, count }] of overflow) {
      if (count === 1) {
        reports.push(first);
        continue;
      }
      const message = `${count.toLocaleString('en-US')} more ${ruleId} findings in this file, from here on, are not shown: only the first ${MAX_FINDINGS_PER_RULE.toLocaleString('en-US')} per rule and file are reported.`;
      const { messageId: _id, data: _data, ...rest } = first;
      reports.push({ ...rest, message, related: [], fixes: [] });
    }
    return reports.sort((a, b) => a.span.start - b.span.start || a.ruleId.localeCompare(b.ruleId));
  };

  for (const p of document.model.problems) {
    const meta = metaById.get(p.code);
    emit(p.code, meta?.title ?? p.code, meta?.severity ?? 'error', p.severity, p.message, p.span, p.related?.map((r) => ({ document, span: r.span, message: r.message })) ?? [], []);
  }
  if (document.kind === 'unknown') return withOverflow();
  for (const rule of RULES) {
    if (rule.meta.reads !== document.kind) continue;
    if (settings.rules[rule.meta.id] === 'off') continue;
    if (options.onlyRules && !options.onlyRules.has(rule.meta.id)) continue;
    yield rule.meta.id;
    try {
      const kept = options.results?.reuse(rule.meta, document, node);
      const findings = kept ?? (rule as Rule<KnownKind>).check({ document: document as ParsedDocument<KnownKind>, node });
      const found: Finding[] = [];
      for (const f of findings) {
        if (!kept) found.push(f);
        emit(rule.meta.id, rule.meta.title, rule.meta.severity, f.severity, findingMessage(rule.meta, f), f.span, f.related ?? [], f.fixes ?? [], f.messageId === undefined ? undefined : { messageId: f.messageId, ...(f.data ? { data: f.data } : {}) });
      }
      if (!kept) options.results?.keep(rule.meta, document, node, found);
    } catch (error) {
      options.onRuleError?.(rule.meta.id, error);
    }
  }
  return withOverflow();
}
