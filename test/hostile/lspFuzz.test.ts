import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { SERVER_JS } from '../helpers/lspClient';
import { fuzzServer } from './lspFuzz';

/** Seeds up to this size, as the CLI subset (fuzz.test.ts); `npm run fuzz` takes them all. */
const SMALL = 12_000;

/** The bounded, seeded subset of the server fuzz that `npm run fuzz` runs at length (test/hostile/lspFuzz.ts). */
describe('fuzz: mutated fixtures edited and queried through the language server (dist/server.js over stdio)', () => {
  it('320 seeded sessions: the server stays up, answers every request in bound, and publishes what the CLI engine reports', { timeout: 120_000 }, async () => {
    assert.ok(existsSync(SERVER_JS), 'run `npm run build` first');
    const s = await fuzzServer({ sessions: 320, seed: 20_240_611, maxSeedChars: SMALL });
    assert.equal(s.sessions, 320);
    for (const f of ['iptables-save', 'iptables-listing', 'ipvsadm', 'conntrack', 'sysctl', 'ethtool', 'k8s']) assert.ok((s.byFormat[f] ?? 0) > 0, `${f} was fuzzed`);
    // The runs did reach the server's work: edits applied, requests answered, findings compared.
    assert.ok(s.changes > 1_000, `${s.changes} changes`);
    assert.ok(s.requests > 300, `${s.requests} requests`);
    assert.ok(s.diagnostics > 500, `${s.diagnostics} diagnostics compared`);
  });
});
