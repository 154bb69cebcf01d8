import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, cli, tree } from './helpers';

const paste = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', 'pastes', name), 'utf8');

describe('kube-netlint check on a pasted fragment (end to end)', () => {
  after(cleanup);

  for (const name of ['iptables-grep-kube.txt', 'iptables-wrapped-120-fragment.txt', 'iptables-mid-nat.txt']) {
    it(`${name}: findings a user can act on, no errors, at most one fragment note`, () => {
      const dir = tree({ 'iptables-save.txt': paste(name) });
      const r = cli(['check', '--format', 'json', join(dir, 'iptables-save.txt')]);
      const { findings } = JSON.parse(r.out) as { findings: { rule: string; severity: string; message: string }[] };
      assert.equal(findings.filter((f) => f.rule === 'parse/iptables-fragment').length, 1, r.out);
      assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
      assert.ok(!findings.some((f) => /appears outside a table/.test(f.message)));
    });
  }

  it('the grep paste is diagnosed: the stale KUBE-POSTROUTING rule, in text output', () => {
    const dir = tree({ 'iptables-save.txt': paste('iptables-wrapped-120-fragment.txt') });
    const r = cli(['check', join(dir, 'iptables-save.txt')]);
    assert.match(r.out, /iptables\/kube-postrouting-stale-rule/);
    assert.equal(r.out.match(/ info parse\/iptables-fragment: /g)?.length, 1);
  });
});
