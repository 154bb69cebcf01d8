import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fingerprints, normaliseEvidence } from '../../server/src/fleet/fingerprint';
import { lintNodePlain } from '../../server/src/fleet/lintNode';
import { cleanup, cli, tree } from '../cli/helpers';

after(cleanup);

const SAVE = (extra: string, counters = '[0:0]'): string => `*nat\n:POSTROUTING ACCEPT [0:0]\n${extra}${counters} -A POSTROUTING -j MASQUERADE\nCOMMIT\n`;

describe('fingerprints', () => {
  it('do not depend on line numbers, counters or spacing, but on rule, file inside the node and evidence', () => {
    const a = lintNodePlain({ name: 'a', files: [{ path: 'a/iptables-save.txt', text: SAVE('') }], context: [] }, { rules: {}, facts: {} });
    const b = lintNodePlain({ name: 'other/b', files: [{ path: 'other/b/iptables-save.txt', text: SAVE('-A POSTROUTING -s 10.0.0.0/8 -j RETURN\n', '[12:3456]') }], context: [] }, { rules: {}, facts: {} });
    const fa = a.files[0]!.findings.find((f) => f.rule === 'iptables/masquerade-without-random-fully')!;
    const fb = b.files[0]!.findings.find((f) => f.rule === 'iptables/masquerade-without-random-fully')!;
    assert.notEqual(fa.range.start.line, fb.range.start.line);
    assert.equal(fa.fingerprint, fb.fingerprint, 'same problem, same file name, two nodes, other line and counters');
    assert.deepEqual(fb.evidence, ['[12:3456] -A POSTROUTING -j MASQUERADE']);
    assert.equal(normaliseEvidence(['[1:2]  -A X   -j Y', '-c 5 6 -A X -j Y']), '-A X -j Y\n-A X -j Y');
    const [x, y, z] = fingerprints('iptables-save.txt', [
      { rule: 'r', evidence: ['-A X -j Y'] },
      { rule: 'r', evidence: ['-A X  -j Y'] },
      { rule: 'r', evidence: ['-A X -j Z'] },
    ]);
    assert.equal(x!.replace(/:0$/, ''), y!.replace(/:1$/, ''), 'equal evidence: one hash, told apart by an ordinal');
    assert.notEqual(x!.split(':')[0], z!.split(':')[0]);
    assert.notEqual(fingerprints('ipt-2.txt', [{ rule: 'r', evidence: ['-A X -j Y'] }])[0], x, 'another file, another fingerprint');
  });
});

describe('kube-netlint diff BEFORE AFTER', () => {
  const KERNEL = (v: string): string => `kernel.osrelease = ${v}\n`;

  it('reports findings that appeared and resolved (matched without line numbers) and facts that changed; exit 1 when something appeared', () => {
    const dir = tree({
      'before/iptables-save.txt': SAVE('-A OLD -j ACCEPT\n'),
      'before/sysctl-a.txt': KERNEL('5.4.0-26-generic'),
      'after/iptables-save.txt': `*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.0.0.0/8 -j RETURN\n[7:8] -A POSTROUTING -j MASQUERADE\n-A NOPE -j ACCEPT\nCOMMIT\n`,
      'after/sysctl-a.txt': KERNEL('6.1.0-18-amd64'),
    });
    const r = cli(['diff', '--format', 'json', join(dir, 'before'), join(dir, 'after')]);
    assert.equal(r.code, 1, r.err);
    const d = JSON.parse(r.out) as { appeared: { rule: string; file: string }[]; resolved: { rule: string }[]; unchanged: number; facts: { fact: string; before: string; after: string }[] };
    assert.deepEqual(d.appeared.map((f) => f.rule), ['parse/iptables-undeclared-chain']);
    assert.equal(d.appeared[0]!.file, join(dir, 'after/iptables-save.txt'));
    assert.deepEqual(d.resolved.map((f) => f.rule), ['parse/iptables-undeclared-chain'], 'chain OLD is gone');
    assert.equal(d.unchanged, 1, 'the MASQUERADE finding moved a line down, got counters, and is unchanged');
    assert.deepEqual(d.facts, [{ fact: 'kernel', before: '5.4.0-26-generic', after: '6.1.0-18-amd64' }]);
    const text = cli(['diff', join(dir, 'before'), join(dir, 'after')]);
    assert.match(text.out, /^fact kernel: 5\.4\.0-26-generic -> 6\.1\.0-18-amd64$/m);
    assert.match(text.out, /^Appeared \(1\):\n\+ .*after\/iptables-save\.txt:5:4 warning parse\/iptables-undeclared-chain/m);
    assert.match(text.out, /^Resolved \(1\):\n- .*before\/iptables-save\.txt:3:4 warning parse\/iptables-undeclared-chain/m);
    assert.match(text.out, /^1 appeared, 1 resolved, 1 unchanged$/m);
    // --fail-on: only what appeared at or above it fails.
    assert.equal(cli(['diff', '--fail-on', 'error', join(dir, 'before'), join(dir, 'after')]).code, 0);
    // Backwards: nothing appeared that fails, the undeclared chain is resolved.
    const back = JSON.parse(cli(['diff', '--format', 'json', join(dir, 'after'), join(dir, 'before')]).out) as { resolved: { rule: string }[] };
    assert.ok(back.resolved.some((f) => f.rule === 'parse/iptables-undeclared-chain'));
  });

  it('the same capture twice: nothing appeared or resolved, exit 0; usage errors exit 2', () => {
    const dir = tree({ 'n/iptables-save.txt': SAVE(''), 'fleet/a/x.txt': SAVE(''), 'fleet/b/x.txt': SAVE('') });
    const same = cli(['diff', join(dir, 'n'), join(dir, 'n')]);
    assert.equal(same.code, 0);
    assert.match(same.out, /^0 appeared, 0 resolved, 1 unchanged$/m);
    assert.equal(cli(['diff', join(dir, 'n')]).code, 2);
    const many = cli(['diff', join(dir, 'fleet'), join(dir, 'n')]);
    assert.equal(many.code, 2);
    assert.match(many.err, /holds 2 node folders/);
  });
});
