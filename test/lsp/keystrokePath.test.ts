import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BIG_DOCUMENT_CHARS, HeapMode } from '../../server/src/lsp/heap';
import { LspFrameSanitizer } from '../../server/src/lsp/frameReader';
import { PhaseTimes } from '../../server/src/lsp/phaseTimes';
import { Scheduler } from '../../server/src/lsp/scheduler';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the keystroke path (lsp/scheduler.ts idle, lsp/heap.ts, lsp/phaseTimes.ts)', () => {
  it('a key is idle until something is scheduled, and again only once the run has settled', async () => {
    const s = new Scheduler(5);
    assert.ok(s.idle('a'));
    let finish: () => void = () => undefined;
    s.schedule('a', () => new Promise<void>((resolve) => (finish = resolve)));
    assert.ok(!s.idle('a'), 'a timer is pending');
    assert.ok(s.idle('b'), 'keys are independent');
    await tick(20);
    assert.ok(!s.idle('a'), 'the run has started and not settled');
    finish();
    await tick();
    assert.ok(s.idle('a'));
    // A run that throws or rejects settles too.
    s.schedule('a', () => Promise.reject(new Error('x')), 0);
    await tick(10);
    assert.ok(s.idle('a'));
    s.schedule('a', () => undefined, 0);
    s.cancel('a');
    assert.ok(s.idle('a'), 'cancelled');
    s.dispose();
  });

  it('keeps the heap small while a big document arrives or is open, and only then', () => {
    const flags: string[] = [];
    const heap = new HeapMode((f) => flags.push(f));
    heap.incoming(1000);
    heap.received(1000);
    heap.settle([1000]);
    assert.deepEqual(flags, [], 'small messages and documents change nothing');
    heap.incoming(BIG_DOCUMENT_CHARS);
    assert.deepEqual(flags, ['--optimize-for-size'], 'set from the frame header, before the body is read');
    heap.settle([1000]);
    assert.equal(flags.length, 1, 'another document validated while the big one is still arriving');
    heap.received(BIG_DOCUMENT_CHARS);
    heap.settle([1000, BIG_DOCUMENT_CHARS]);
    assert.equal(flags.length, 1, 'open: still small');
    heap.settle([1000]);
    assert.deepEqual(flags, ['--optimize-for-size', '--no-optimize-for-size'], 'closed: back to the default');
    heap.received(BIG_DOCUMENT_CHARS);
    assert.equal(flags.at(-1), '--optimize-for-size', 'opened over IPC (no frame header)');
  });

  it('the stdio framing announces each body length before the body', async () => {
    const lengths: number[] = [];
    const s = new LspFrameSanitizer(() => undefined, (n) => lengths.push(n));
    const seenBefore: number[] = [];
    s.on('data', () => seenBefore.push(lengths.length));
    const ended = new Promise((resolve) => s.on('end', resolve));
    s.write(Buffer.from('Content-Length: 7\r\n\r\n{"a":1}Content-Length: 2\r\n\r\n{}', 'latin1'));
    s.end();
    await ended;
    assert.deepEqual(lengths, [7, 2]);
    assert.ok(seenBefore[0]! >= 1, 'the first frame was announced before anything was passed on');
  });

  it('phase times add up in order, and rule steps count as the phase rules', () => {
    const t = new PhaseTimes();
    t.phase('apply changes');
    t.rule('a');
    t.rule('b');
    t.phase('diagnostics');
    const { phases, slowestRules } = t.summary();
    assert.deepEqual(Object.keys(phases), ['apply changes', 'rules', 'diagnostics']);
    assert.deepEqual(Object.keys(slowestRules).sort(), ['a', 'b']);
    assert.match(t.toString(), /apply changes .*rules .*diagnostics .*; slowest rules: /);
  });
});
