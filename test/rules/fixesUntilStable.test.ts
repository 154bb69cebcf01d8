import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyFixesUntilStable } from '../helpers/ruleTester';

const RULE = 'iptables/masquerade-without-random-fully';
const SAVE = `*nat
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE
-A POSTROUTING -s 10.245.0.0/16 -j SNAT --to-source 192.0.2.1
COMMIT
`;

/** The helper the catalogue meta-test relies on: fixes applied as "fix all" would, re-linted until nothing changes. */
describe('applyFixesUntilStable', () => {
  it('applies every finding\'s edit in one pass, re-lints, and stops when the rule is silent', () => {
    const r = applyFixesUntilStable(RULE, SAVE);
    assert.equal(r.passes, 1);
    assert.deepEqual(r.remaining, []);
    assert.equal(r.text, SAVE.replace('-j MASQUERADE\n', '-j MASQUERADE --random-fully\n').replace('192.0.2.1\n', '192.0.2.1 --random-fully\n'));
    assert.deepEqual(r.problemsBefore, r.problemsAfter);
  });

  it('reports zero passes and the findings when there is nothing to apply (an observation gets commands, not edits)', () => {
    const listing = 'Chain POSTROUTING (policy ACCEPT 0 packets, 0 bytes)\n pkts bytes target     prot opt in     out     source               destination\n    0     0 MASQUERADE  all  --  *      *       10.244.0.0/16       !10.244.0.0/16\n';
    const r = applyFixesUntilStable(RULE, listing, { path: 'node/iptables-t-nat-L.txt' });
    assert.equal(r.passes, 0);
    assert.equal(r.text, listing);
    assert.equal(r.remaining.length, 1);
  });
});
