import assert from 'node:assert/strict';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { createSnapshot } from '../../server/src/node/snapshot';
import { lintDocument, type Report } from '../../server/src/engine/lint';
import { remediationScript } from '../../server/src/engine/remediation';

export interface EngineFile {
  readonly path: string;
  readonly text: string;
}

export interface EngineResult {
  readonly results: { document: ParsedDocument; reports: Report[] }[];
  readonly script: string;
  /** Rules that threw (`rule id: message`): the engine isolates them, the tests must not accept them. */
  readonly ruleErrors: string[];
}

/** What `kube-netlint check` / `script` do with one node, in process: parse, node facts, lint, remediation script. */
export function checkNode(name: string, files: readonly EngineFile[], context: readonly EngineFile[] = []): EngineResult {
  const ruleErrors: string[] = [];
  const documents = files.map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text }));
  // Siblings of a file given on its own: read for the node's facts, not reported (as the CLI does).
  const others = context.map((f) => parseDocument({ uri: f.path, path: f.path, text: f.text }));
  const snapshot = createSnapshot(
    name,
    [...documents, ...others].filter((d) => d.kind !== 'unknown'),
    {},
  );
  const results = documents.map((document) => ({
    document,
    reports: lintDocument(document, snapshot, { rules: {}, facts: {} }, { onRuleError: (id, e) => ruleErrors.push(`${id}: ${e instanceof Error ? e.message : String(e)}`) }),
  }));
  return { results, script: remediationScript({ name }, results), ruleErrors };
}

/** No rule crashed, every finding and related location lies inside its document, fixes edit inside the text. */
export function assertSane(r: EngineResult): void {
  assert.deepEqual(r.ruleErrors, []);
  for (const { document, reports } of r.results) {
    const n = document.text.length;
    for (const rep of reports) {
      assert.ok(rep.span.start >= 0 && rep.span.start <= rep.span.end && rep.span.end <= n, `${rep.ruleId}: span ${rep.span.start}-${rep.span.end} outside ${n}`);
      for (const fix of rep.fixes) {
        if (fix.kind !== 'edit') continue;
        for (const e of fix.edits) assert.ok(e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= n, `${rep.ruleId}: fix edit outside the text`);
      }
    }
  }
  assert.equal(typeof r.script, 'string');
}

export const reportsOf = (r: EngineResult): Report[] => r.results.flatMap((x) => x.reports);
