import assert from 'node:assert/strict';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { lintDocument, type Report } from '../../server/src/engine/lint';
import type { Settings } from '../../server/src/node/settings';
import { createSnapshot } from '../../server/src/node/snapshot';
import type { DocumentKind } from '../../server/src/formats/kind';
import type { EditFix, MessageData, TextEdit } from '../../server/src/rules/rule';
import { ruleMeta } from '../../server/src/rules/catalogue';
import type { DocExample } from './docExamples';
import { applyEdits } from '../../server/src/engine/fixes';

/** Applies edits to the text (non-overlapping, any order): the engine's own, as `fix` and fix-all use. */
export { applyEdits };

/**
 * Rule tests read like the dumps they are about: expected findings are drawn under the text.
 *
 *     -A POSTROUTING -j MASQUERADE
 *                       ^^^^^^^^^^ iptables/masquerade-without-random-fully
 *
 * A marker line (only blanks, then carets, then a rule id) is removed from the text and asserts a
 * finding of that rule on exactly the marked columns of the line above it. Markers may stack.
 * Nothing else may be reported by the rules under test.
 */
export interface Expected {
  readonly ruleId: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

const MARKER = /^(\s*)(\^+)\s+(\S+)\s*$/;

export function splitAnnotated(annotated: string): { text: string; expected: Expected[] } {
  const lines = annotated.split('\n');
  const kept: string[] = [];
  const expected: Expected[] = [];
  for (const line of lines) {
    const m = MARKER.exec(line);
    if (m && kept.length > 0) {
      expected.push({ ruleId: m[3]!, line: kept.length - 1, start: m[1]!.length, end: m[1]!.length + m[2]!.length });
    } else kept.push(line);
  }
  return { text: kept.join('\n'), expected };
}

export interface NodeFile {
  readonly path: string;
  readonly text: string;
  /** Read as this kind instead of detecting it (short fragments say too little to be detected). */
  readonly kind?: DocumentKind;
}

export interface RunOptions {
  readonly path?: string;
  readonly kind?: DocumentKind;
  /** Other files of the same node. */
  readonly node?: readonly NodeFile[];
  readonly settings?: Partial<Settings>;
  /** Runs only these rules (default: every rule). Parse problems are reported as always. */
  readonly only?: readonly string[];
}

/** A rule that throws fails its test: the runner's isolation is for users, not for rule tests. */
const rethrow = (ruleId: string, error: unknown): never => {
  throw new Error(`rule ${ruleId} threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
};

export function lintText(text: string, options: RunOptions = {}): { doc: ParsedDocument; reports: Report[] } {
  const path = options.path ?? 'node/dump.txt';
  const doc = parseDocument({ uri: path, path, text, ...(options.kind ? { kind: options.kind } : {}) });
  const others = (options.node ?? []).map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text, ...(f.kind ? { kind: f.kind } : {}) }));
  const settings: Settings = { rules: options.settings?.rules ?? {}, facts: options.settings?.facts ?? {} };
  const snapshot = createSnapshot('node', [doc, ...others], settings.facts);
  const only = options.only ? { onlyRules: new Set(options.only) } : {};
  return { doc, reports: lintDocument(doc, snapshot, settings, { onRuleError: rethrow, ...only }) };
}

/** Asserts that the rules named in `ruleIds` report exactly the findings drawn under the text. */
export function expectFindings(ruleIds: readonly string[], annotated: string, options: RunOptions = {}): Report[] {
  const { text, expected } = splitAnnotated(annotated);
  // Only the rules under test run (as ESLint's RuleTester does): another rule's crash or finding is not this test's business.
  const { doc, reports } = lintText(text, { only: ruleIds.filter((id) => !id.startsWith('parse/')), ...options });
  const relevant = reports.filter((r) => ruleIds.includes(r.ruleId));
  const actual = relevant.map((r) => {
    const a = doc.lines.positionAt(r.span.start);
    const b = doc.lines.positionAt(r.span.end);
    assert.equal(a.line, b.line, `finding of ${r.ruleId} spans several lines; markers cannot draw it`);
    return { ruleId: r.ruleId, line: a.line, start: a.character, end: b.character };
  });
  const key = (e: Expected): string => `${e.line}:${e.start}-${e.end} ${e.ruleId}`;
  assert.deepEqual(actual.map(key).sort(), expected.map(key).sort());
  return relevant;
}

export function onlyEditFix(report: Report): EditFix {
  const fixes = report.fixes.filter((f): f is EditFix => f.kind === 'edit');
  assert.equal(fixes.length >= 1, true, `${report.ruleId} offers no edit fix`);
  return fixes[0]!;
}

/** How a docs example (test/helpers/docExamples.ts) is linted: its name, kind, node files and facts. */
export function docExampleOptions(example: DocExample, reads: DocumentKind): RunOptions {
  return {
    path: `node/${example.path}`,
    kind: example.kind ?? reads,
    node: example.node.map((f) => ({ ...f, path: `node/${f.path}` })),
    settings: { facts: example.facts },
  };
}

/** Lints a docs example with only `ruleId` running; returns that rule's findings. */
export function lintDocExample(ruleId: string, example: DocExample, reads: DocumentKind): Report[] {
  return lintText(example.text, { ...docExampleOptions(example, reads), only: [ruleId] }).reports.filter((r) => r.ruleId === ruleId);
}

export interface StableFix {
  /** The text after the last pass. */
  readonly text: string;
  /** Passes that changed the text (0: nothing to apply). */
  readonly passes: number;
  /** The rule's findings on the final text. */
  readonly remaining: readonly Report[];
  /** Parse problems (parse/* reports) of the original and of the final text. */
  readonly problemsBefore: readonly string[];
  readonly problemsAfter: readonly string[];
}

const MAX_FIX_PASSES = 10;

/** Two edits clash when their ranges intersect, or when one inserts where the other starts (their order would be a guess). */
const clash = (a: TextEdit, b: TextEdit): boolean =>
  (a.span.start < b.span.end && b.span.start < a.span.end) || (a.span.start === b.span.start && (a.span.start === a.span.end || b.span.start === b.span.end));

export function applyFixesUntilStable(ruleId: string, text: string, options: RunOptions = {}): StableFix {
  const lint = (t: string): Report[] => lintText(t, { ...options, only: [ruleId] }).reports;
  const problems = (reports: readonly Report[]): string[] => reports.filter((r) => r.ruleId.startsWith('parse/')).map((r) => r.ruleId).sort();
  let current = text;
  let reports = lint(current);
  const problemsBefore = problems(reports);
  let passes = 0;
  for (;;) {
    const taken: TextEdit[] = [];
    for (const r of reports) {
      if (r.ruleId !== ruleId) continue;
      const fix = r.fixes.find((f): f is EditFix => f.kind === 'edit');
      if (!fix || fix.edits.some((e) => taken.some((t) => clash(e, t)))) continue;
      taken.push(...fix.edits);
    }
    const next = applyEdits(current, taken);
    if (next === current) break;
    assert.ok(passes < MAX_FIX_PASSES, `${ruleId}: fixes still change the text after ${MAX_FIX_PASSES} passes`);
    passes++;
    current = next;
    reports = lint(current);
  }
  return { text: current, passes, remaining: reports.filter((r) => r.ruleId === ruleId), problemsBefore, problemsAfter: problems(reports) };
}

/**
 * Asserts a finding's message id (ESLint's `messageId`) and, when given, its data (the keys given
 * must match; others are free), and that the data fills every placeholder of the rule's template.
 */
export function expectMessage(report: Report | undefined, messageId: string, data?: MessageData): void {
  assert.ok(report, `no finding (expected message ${messageId})`);
  assert.equal(report.messageId, messageId, `${report.ruleId}: message id (text: ${report.message})`);
  const template = ruleMeta(report.ruleId)?.messages?.[messageId];
  assert.ok(template !== undefined, `${report.ruleId} declares no message ${messageId}`);
  for (const [, name] of template.matchAll(/\{(\w+)\}/g)) assert.ok(report.data && Object.hasOwn(report.data, name!), `${report.ruleId}/${messageId}: no data for {${name}}`);
  if (data) assert.deepEqual(Object.fromEntries(Object.keys(data).map((k) => [k, report.data?.[k]])), data, `${report.ruleId}/${messageId}: data`);
}
