import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings } from '../../server/src/engine/settings';

describe('settings from untrusted JSON', () => {
  it('keeps valid rule overrides and facts, and notes what it dropped', () => {
    const notes: string[] = [];
    const s = readSettings({ rules: { 'a/b': 'off', 'c/d': 'warning', 'e/f': 'loud', 'g/h': false }, facts: { kernelVersion: ' 5.4.0 ', kubeProxyVersion: 7 } }, notes);
    assert.deepEqual(s, { rules: { 'a/b': 'off', 'c/d': 'warning', 'g/h': 'off' }, facts: { kernelVersion: '5.4.0' } });
    assert.equal(notes.length, 2);
  });

  it('treats anything that is not an object as defaults', () => {
    for (const raw of [null, undefined, 3, 'x', []]) assert.deepEqual(readSettings(raw), { rules: {}, facts: {} });
  });
});
