/**
 * A big ruleset keeps a small model (textModel.ts): a generated kube-proxy ruleset of ~4 MB
 * (3,000 Services, ~12,000 endpoints) retains less than 6 times its text after the parse, and
 * again after a full lint has asked for the statements of every rule (they are let go once the
 * lint's job ends). Before the text model the parse kept 15 times the text. Retained = heap used
 * after a full garbage collection, minus the same before the parse (the text itself excluded).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { nftablesRuleset } from '../../../bench/generate/nftablesRuleset';
import { lintDocument } from '../../../server/src/engine/lint';
import { isKind, parseDocument } from '../../../server/src/node/document';
import { DEFAULT_SETTINGS } from '../../../server/src/node/settings';
import { createSnapshot } from '../../../server/src/node/snapshot';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** A new macrotask: V8 keeps `WeakRef` targets until the job that made them ends. */
const nextJob = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
const heapUsed = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe('nftables model memory', () => {
  it('retains less than 6x a 4 MB ruleset after the parse and after a full lint', async (t) => {
    const { text } = nftablesRuleset(3000);
    assert.ok(text.length > 3.5e6 && text.length < 5e6, `${text.length} bytes`);
    const path = '/nonexistent/kube-netlint-memory/ruleset.nft';
    await nextJob();
    const before = heapUsed();
    const doc = parseDocument({ uri: `file://${path}`, path, text, kind: 'nftables' });
    await nextJob();
    const parsed = heapUsed() - before;
    if (!isKind(doc, 'nftables')) throw new Error(`read as ${doc.kind}`);
    assert.deepEqual(doc.model.problems, []);
    const reports = lintDocument(doc, createSnapshot('/nonexistent/kube-netlint-memory', [doc], {}), DEFAULT_SETTINGS);
    assert.equal(reports.filter((r) => r.ruleId.startsWith('parse/')).length, 0);
    await nextJob();
    const linted = heapUsed() - before;
    const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;
    const info = `text ${mb(text.length)}, after parse ${mb(parsed)} (${(parsed / text.length).toFixed(2)}x), after lint ${mb(linted)} (${(linted / text.length).toFixed(2)}x)`;
    t.diagnostic(info);
    assert.ok(parsed < 6 * text.length, info);
    assert.ok(linted < 6 * text.length, info);
    // The model is still whole: every rule reads its statements.
    let rules = 0;
    for (const t of doc.model.tables) for (const c of t.chains) for (const r of c.rules) if (r.statements.length > 0) rules++;
    assert.ok(rules > 30000, `${rules} rules`);
  });
});
