import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzAll, loadSeeds } from './fuzz';

/** Seeds up to this size: the big fixtures cost 30-40 ms a run and are fuzzed by `npm run fuzz`. */
const SMALL = 12_000;

/** The bounded, seeded subset of `npm run fuzz` (100,000 mutations) that `npm test` runs. */
describe('fuzz: mutated fixtures of every format through the CLI engine', () => {
  it('5,000 seeded mutations: no crash, every finding and fix inside its text', { timeout: 300_000 }, () => {
    const formats = loadSeeds(SMALL).map((s) => s.format.format);
    for (const f of ['iptables-save', 'iptables-listing', 'ipvsadm', 'conntrack', 'sysctl', 'ethtool', 'k8s']) assert.ok(formats.includes(f), `${f} has seeds`);
    const r = fuzzAll({ runs: 5_000, seed: 20_240_611, maxSeedChars: SMALL });
    assert.equal(r.length, formats.length);
  });
});
