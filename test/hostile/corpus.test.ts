import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HOSTILE_INPUTS } from '../../bench/generate/hostile';
import { assertSane, checkNode, reportsOf, type EngineResult } from './engine';

/**
 * Every input of the hostile corpus (bench/generate/hostile.ts) goes through the CLI engine
 * (parse, node facts, every rule, the remediation script) at the size that once crashed, hung or
 * blew up (random bytes at a fifth of it, to keep `npm test` light; `npm run bench` runs them all
 * at full size and records time and memory). The time limit is a hang detector, not a benchmark.
 */
const SCALE: Record<string, number> = { 'random-bytes-50mb': 0.2 };
const RANDOM_AFTER_SCALE = 0.1;

const has = (r: EngineResult, rule: string, message: RegExp): boolean => reportsOf(r).some((x) => x.ruleId === rule && message.test(x.message));

/** What each input must now get, beyond "no crash, no hang, findings inside the text". */
const EXPECT: Record<string, (r: EngineResult) => void> = {
  'deep-json-configmap': (r) => assert.ok(has(r, 'parse/k8s-embedded', /deeper than 100 levels/), 'the embedded config is refused for its depth'),
  'deep-flow-yaml': (r) => assert.ok(has(r, 'parse/k8s-yaml', /deeper than 100 levels/)),
  'deep-block-yaml': (r) => assert.ok(has(r, 'parse/k8s-yaml', /deeper than 100 levels/)),
  'yaml-annotation-brackets': (r) => assert.ok(has(r, 'parse/k8s-yaml', /deeper than 100 levels/)),
  'yaml-annotation-quotes': (r) => {
    assert.ok(has(r, 'parse/k8s-yaml', /not YAML/));
    assert.ok(reportsOf(r).length <= 5, `${reportsOf(r).length} findings`);
  },
  'yaml-anchors-aliases': (r) => assert.equal(r.results[0]!.document.kind, 'k8s'),
  'osrelease-5dot': (r) => assert.ok(!reportsOf(r).some((x) => x.message.length > 2000), 'no message quotes the 10 MB value'),
  'uname-5dot': (r) => assert.ok(!reportsOf(r).some((x) => x.message.length > 2000)),
  'random-bytes-50mb': (r) => assert.ok(has(r, 'parse/unknown-format', /does not recognise/)),
};

describe('hostile corpus through the CLI engine', () => {
  for (const input of HOSTILE_INPUTS) {
    it(`${input.name} (once: ${input.before})`, { timeout: 60_000 }, () => {
      const scale = SCALE[input.name] ?? (input.name.startsWith('random-after-') ? RANDOM_AFTER_SCALE : 1);
      const text = input.generate(scale).toString('utf8');
      const started = Date.now();
      const r = checkNode(input.name, [{ path: `${input.name}/${input.file}`, text }]);
      // A hang detector (the test runner cannot interrupt synchronous code): each took 1 s or less
      // on the reference machine, the anchors input 56 s before.
      assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
      assertSane(r);
      // No format lists more than its problem cap (1,000) plus a few notes and rule findings.
      assert.ok(reportsOf(r).length <= 1100, `${reportsOf(r).length} findings`);
      EXPECT[input.name]?.(r);
    });
  }
});
