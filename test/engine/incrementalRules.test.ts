import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from '../../server/src/core/span';
import { RuleResults } from '../../server/src/engine/incremental';
import { lintDocument, type Report } from '../../server/src/engine/lint';
import { parseDocument, type ParsedDocument } from '../../server/src/node/document';
import { DEFAULT_SETTINGS, type Settings } from '../../server/src/node/settings';
import { createSnapshot } from '../../server/src/node/snapshot';

/**
 * Rule re-runs (engine/incremental.ts): a lint that reuses the findings of rules whose inputs did
 * not change equals a fresh lint. Over the example nodes: each document is linted, then another
 * document of its node is replaced (by the same kind of file from another example node, or taken
 * away) and the document is linted again with the kept results; this must equal a lint without
 * them. A rule that read a kind of document it does not declare in `uses` would keep stale
 * findings here and fail the comparison.
 */
const EXAMPLES = join(__dirname, '..', '..', 'examples');
const nodes = readdirSync(EXAMPLES).map((name) =>
  readdirSync(join(EXAMPLES, name)).map((f) => {
    const path = join(EXAMPLES, name, f);
    return parseDocument({ uri: `file://${path}`, path, text: readFileSync(path, 'utf8') });
  }),
);
const allDocuments = nodes.flat();

const span = (s: Span): readonly number[] => [s.start, s.end];
function describe(reports: readonly Report[]): unknown {
  return reports.map((r) => ({ rule: r.ruleId, severity: r.severity, message: r.message, span: span(r.span), related: r.related.map((x) => [x.document.uri, span(x.span), x.message]), fixes: JSON.stringify(r.fixes) }));
}

/** The same kind of file from another node, under this document's name (so the node still has one of that kind), or nothing. */
function replacements(doc: ParsedDocument): (ParsedDocument | undefined)[] {
  const others = allDocuments.filter((d) => d.kind === doc.kind && d.text !== doc.text);
  return [undefined, ...others.map((o) => parseDocument({ uri: doc.uri, path: doc.path, text: o.text, kind: o.kind }))];
}

test('reusing the findings of rules whose inputs did not change equals a fresh lint, for every document of every example node', () => {
  let reran = 0;
  for (const members of nodes) {
    const known = members.filter((d) => d.kind !== 'unknown');
    for (const target of known) {
      for (const changed of known) {
        if (changed === target) continue;
        for (const replacement of replacements(changed)) {
          const results = new RuleResults();
          lintDocument(target, createSnapshot('node', known, {}), DEFAULT_SETTINGS, { results });
          const after = known.flatMap((d) => (d === changed ? (replacement ? [replacement] : []) : [d]));
          const node = createSnapshot('node', after, {});
          const before = results.counters.ran;
          const incremental = lintDocument(target, node, DEFAULT_SETTINGS, { results });
          reran += results.counters.ran - before;
          const fresh = lintDocument(target, node, DEFAULT_SETTINGS);
          assert.deepEqual(describe(incremental), describe(fresh), `${target.path} after ${changed.path} became ${replacement ? 'another file' : 'absent'}`);
        }
      }
    }
  }
  assert.ok(reran > 0, 'rules that use a changed document ran again');
});

test('a change of settings re-runs no rule: severities and off are applied to the kept findings', () => {
  // The first example document with findings.
  const cases = nodes.flatMap((m) => {
    const members = m.filter((d) => d.kind !== 'unknown');
    const node = createSnapshot('node', members, {});
    return members.map((target) => ({ target, node }));
  });
  const found = cases.find(({ target, node }) => lintDocument(target, node, DEFAULT_SETTINGS).length > 0);
  assert.ok(found, 'an example has findings');
  const { target, node } = found;
  const results = new RuleResults();
  const first = lintDocument(target, node, DEFAULT_SETTINGS, { results });
  const id = first[0]!.ruleId;
  const settings: Settings = { ...DEFAULT_SETTINGS, rules: { [id]: 'hint' } };
  const ran = results.counters.ran;
  const second = lintDocument(target, node, settings, { results });
  assert.equal(results.counters.ran, ran, 'no rule ran again');
  assert.ok(results.counters.reused > 0);
  assert.deepEqual(describe(second), describe(lintDocument(target, node, settings)));
  assert.ok(second.filter((r) => r.ruleId === id).every((r) => r.severity === 'hint'));
});

test('a sibling of another kind changes: only the rules that use that kind run again', () => {
  const members = nodes.find((m) => m.some((d) => d.kind === 'sysctl') && m.some((d) => d.kind === 'iptables'))!.filter((d) => d.kind !== 'unknown');
  const target = members.find((d) => d.kind === 'sysctl')!;
  const results = new RuleResults();
  lintDocument(target, createSnapshot('node', members, {}), DEFAULT_SETTINGS, { results });
  const firstRun = results.counters.ran;
  // The iptables dump parsed again (an edit elsewhere in it gives a new parse with the same facts).
  const iptables = members.find((d) => d.kind === 'iptables')!;
  const again = parseDocument({ uri: iptables.uri, path: iptables.path, text: iptables.text, kind: iptables.kind });
  const node = createSnapshot('node', members.map((d) => (d === iptables ? again : d)), {});
  const ranBefore = results.counters.ran;
  lintDocument(target, node, DEFAULT_SETTINGS, { results });
  const ranAgain = results.counters.ran - ranBefore;
  assert.ok(firstRun > 0);
  assert.ok(ranAgain < firstRun, `${ranAgain} of ${firstRun} sysctl rules ran again`);
});
