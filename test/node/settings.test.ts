import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings } from '../../server/src/node/settings';

describe('settings from untrusted JSON', () => {
  it('keeps valid rule overrides and facts, and notes what it dropped', () => {
    const notes: string[] = [];
    const s = readSettings({ rules: { 'a/b': 'off', 'c/d': 'warning', 'e/f': 'loud', 'g/h': false }, facts: { kernelVersion: ' 5.4.0 ', kubeProxyVersion: 7 } }, notes);
    assert.deepEqual(s, { rules: { 'a/b': 'off', 'c/d': 'warning', 'g/h': 'off' }, facts: { kernelVersion: '5.4.0' } });
    assert.equal(notes.length, 2);
  });

  it('reads nodeCount as a positive whole number (number or numeric string); 0 and empty mean unset', () => {
    const notes: string[] = [];
    assert.deepEqual(readSettings({ facts: { nodeCount: 800 } }, notes).facts, { nodeCount: 800 });
    assert.deepEqual(readSettings({ facts: { nodeCount: ' 12 ' } }, notes).facts, { nodeCount: 12 });
    assert.deepEqual(readSettings({ facts: { nodeCount: 0 } }, notes).facts, {});
    assert.deepEqual(readSettings({ facts: { nodeCount: '' } }, notes).facts, {});
    assert.deepEqual(notes, []);
    for (const bad of [-3, 2.5, 'many', true]) assert.deepEqual(readSettings({ facts: { nodeCount: bad } }, notes).facts, {});
    assert.equal(notes.length, 4);
    assert.match(notes[0]!, /^facts\.nodeCount: expected a whole number of nodes, got -3$/);
  });

  it('treats anything that is not an object as defaults', () => {
    for (const raw of [null, undefined, 3, 'x', []]) assert.deepEqual(readSettings(raw), { rules: {}, facts: {} });
  });
});
