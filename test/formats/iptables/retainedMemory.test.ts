/**
 * How much a parsed `iptables-save` dump keeps (issues 11 and 12: the CLI's peak on a 200 MB dump,
 * the server's memory with a 50 MB dump open). A rule is a row of numbers in its table's
 * `RuleStore` (saveModel.ts) and its tokens are made when asked for, so the model kept after a
 * parse is a small multiple of the text. Measured on this ~20 MB generated dump: about 1.4x the
 * text in the heap plus 0.6x in the columns (2.0x); the object model before was 3.9x. The bound
 * leaves room for V8's own variation, and fails if rules go back to keeping token objects.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { SaveRule } from '../../../server/src/formats/iptables/saveModel';
import { kubeProxyDump } from '../../../bench/generate/kubeProxyDump';

/** Retained bytes after a parse, per byte of text. */
const BOUND = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap and typed-array bytes in use after full collections. */
function retained(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('iptables-save model memory', () => {
  it(`keeps less than ${BOUND}x the text of a ~20 MB kube-proxy dump after the parse`, () => {
    const text = kubeProxyDump(12_500);
    assert.ok(text.length > 19_000_000, `${text.length}`);
    const before = retained();
    const model = parseIptablesSave(text);
    const after = retained();
    const rules = model.tables.reduce((n, t) => n + t.rules.length, 0);
    assert.ok(rules > 130_000, `${rules} rules`);
    assert.equal(model.problems.length, 0);
    const ratio = (after - before) / text.length;
    assert.ok(ratio < BOUND, `the model keeps ${((after - before) / 1e6).toFixed(1)} MB for ${(text.length / 1e6).toFixed(1)} MB of text (${ratio.toFixed(2)}x, bound ${BOUND}x)`);
    // Reading every rule's values keeps nothing more (tokens are made on access), and details are kept for a bounded number of rules.
    let chars = 0;
    for (const t of model.tables) for (const r of t.rules) chars += r.chain.value.length + (r.target?.name.value.length ?? 0) + (r.destination?.value.value.length ?? 0);
    for (const t of model.tables) for (const r of t.rules) void r.matches;
    const read = retained();
    assert.ok(chars > 0);
    assert.ok((read - before) / text.length < BOUND, `after reading every rule: ${((read - before) / text.length).toFixed(2)}x`);
    const kept = model.tables.flatMap((t) => t.rules).filter((r) => r instanceof SaveRule && r.det !== undefined).length;
    assert.ok(kept > 0 && kept <= 8192 * model.tables.length, `${kept} rules keep their details`);
    assert.ok(model.tables.length > 0); // the model stays reachable up to here
  });
});
