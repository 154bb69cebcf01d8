import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { guessTable } from '../../../server/src/formats/iptables/fragment';
import { isComplete } from '../../../server/src/formats/iptables/query';
import { lintText } from '../../helpers/ruleTester';

const paste = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'pastes', name), 'utf8');

describe('iptables-save fragments (header-less pastes)', () => {
  it('infers the table of a line from its chain and target', () => {
    const cases: [string | undefined, string | undefined, string | undefined][] = [
      ['KUBE-SVC-NPX46M4PTMTKRN6Y', 'KUBE-SEP-6JUWJYVYCBSTBQTJ', 'nat'],
      ['KUBE-SEP-6JUWJYVYCBSTBQTJ', 'DNAT', 'nat'],
      ['KUBE-POSTROUTING', 'MASQUERADE', 'nat'],
      ['KUBE-MARK-MASQ', 'MARK', 'nat'],
      ['KUBE-SERVICES', 'REJECT', 'filter'],
      ['KUBE-SERVICES', 'KUBE-SVC-NPX46M4PTMTKRN6Y', 'nat'],
      ['FORWARD', 'KUBE-FORWARD', 'filter'],
      ['KUBE-FIREWALL', 'DROP', 'filter'],
      ['PREROUTING', 'TPROXY', 'mangle'],
      ['PREROUTING', 'NOTRACK', 'raw'],
      ['CILIUM_POST_nat', 'MASQUERADE', 'nat'],
      ['OUTPUT', 'RETURN', undefined],
    ];
    for (const [chain, target, table] of cases) assert.equal(guessTable(chain, target).table, table, `${chain} -j ${target}`);
  });

  it('reads `iptables-save | grep KUBE-` into nat and filter, with one info note and no errors', () => {
    const m = parseIptablesSave(paste('iptables-grep-kube.txt'));
    assert.deepEqual(m.problems.filter((p) => p.severity !== 'info'), []);
    const notes = m.problems.filter((p) => p.code === 'parse/iptables-fragment');
    assert.equal(notes.length, 1);
    assert.match(notes[0]!.message, /as table filter \(from .*KUBE-FORWARD.*\) and \d+ as table nat \(from .*KUBE-POSTROUTING/);
    const byName = new Map(m.tables.map((t) => [t.name.value, t]));
    assert.deepEqual([...byName.keys()].sort(), ['filter', 'nat']);
    for (const t of m.tables) {
      assert.equal(t.inferred, true);
      assert.equal(isComplete(m, t), false);
    }
    const nat = byName.get('nat')!;
    assert.ok(nat.rules.some((r) => r.chain.value === 'KUBE-SEP-6JUWJYVYCBSTBQTJ' && r.target?.name.value === 'DNAT'));
    // The REJECT rule of KUBE-SERVICES is filter's, its jumps to KUBE-SVC-* are nat's.
    assert.ok(byName.get('filter')!.rules.some((r) => r.chain.value === 'KUBE-SERVICES' && r.target?.name.value === 'REJECT'));
    assert.ok(nat.rules.some((r) => r.chain.value === 'KUBE-SERVICES' && r.target?.name.value === 'KUBE-SVC-NPX46M4PTMTKRN6Y'));
  });

  it('reads a paste that starts in the middle of *nat: the fragment ends at its COMMIT, the next table is complete', () => {
    const m = parseIptablesSave(paste('iptables-mid-nat.txt'));
    assert.deepEqual(m.problems.map((p) => p.code), ['parse/iptables-fragment']);
    const [nat, filter] = m.tables;
    assert.equal(nat!.name.value, 'nat');
    assert.ok(nat!.commit);
    assert.equal(isComplete(m, nat!), false);
    assert.equal(filter!.name.value, 'filter');
    assert.equal(isComplete(m, filter!), true);
    assert.equal(m.header?.version?.value, '1.8.7');
  });

  it('a duplicated old-form KUBE-POSTROUTING rule is still diagnosed in a fragment, with a single fragment note', () => {
    const { reports } = lintText(paste('iptables-wrapped-120-fragment.txt'), { path: 'node/iptables.txt' });
    const ids = reports.map((r) => r.ruleId);
    assert.equal(ids.filter((id) => id === 'parse/iptables-fragment').length, 1);
    assert.ok(ids.includes('iptables/kube-postrouting-stale-rule'));
    assert.deepEqual(reports.filter((r) => r.severity === 'error'), []);
  });

  it('version gates still apply to a TAB-indented CRLF paste (its header is read)', () => {
    const m = parseIptablesSave(paste('iptables-tab-indented-crlf.txt'));
    assert.equal(m.header?.version?.value, '1.6.1');
    assert.deepEqual(m.problems.map((p) => [p.code, p.message.split(' (')[0]]), [
      ['parse/paste', '11 lines are indented by a TAB'],
      ['parse/paste', "1 line printed by kubectl or the shell around the command's output: not read"],
    ]);
    assert.ok(m.tables[0]!.commit);
  });

  it('terminal-wrapped rules are read joined', () => {
    const m = parseIptablesSave(paste('iptables-wrapped-80.txt'));
    assert.deepEqual(m.problems.filter((p) => p.code !== 'parse/paste'), []);
    const rules = m.tables[0]!.rules;
    assert.equal(rules.length, 5);
    assert.equal(rules[0]!.target?.name.value, 'KUBE-POSTROUTING');
    assert.equal(rules[1]!.matches.find((x) => x.name.value === 'comment')?.options[0]?.values[0]?.value, 'kubernetes service traffic requiring SNAT');
  });
});

describe('rules that need a whole table stay silent on fragments, truncated and elided tables', () => {
  const silent = ['iptables/forward-drop-without-pod-accept', 'iptables/forward-invalid-drop', 'iptables/flannel-masquerade-without-mark-return', 'iptables/kube-postrouting-double-snat'];
  for (const name of ['iptables-grep-kube.txt', 'iptables-truncated-filter.txt', 'iptables-elided-filter.txt', 'iptables-wrapped-120-fragment.txt']) {
    it(name, () => {
      const { reports } = lintText(paste(name), { path: 'node/iptables.txt' });
      assert.deepEqual(reports.filter((r) => silent.includes(r.ruleId)).map((r) => r.ruleId), []);
      assert.deepEqual(reports.filter((r) => r.severity === 'error').map((r) => r.message), []);
    });
  }

  it('the same filter table, whole, still gets forward-drop-without-pod-accept', () => {
    const whole = paste('iptables-truncated-filter.txt') + 'COMMIT\n';
    const { reports } = lintText(whole, { path: 'node/iptables.txt' });
    assert.ok(reports.some((r) => r.ruleId === 'iptables/forward-drop-without-pod-accept'));
  });

  it('a CNI chain with rules (cali-*, CILIUM_*, FLANNEL-*, ...) is evidence of the CNI accept rules', () => {
    const text = '*filter\n:FORWARD DROP [0:0]\n:KUBE-FORWARD - [0:0]\n:cali-FORWARD - [0:0]\n-A KUBE-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT\n-A cali-FORWARD -m mark --mark 0x10000/0x10000 -j ACCEPT\nCOMMIT\n';
    const { reports } = lintText(text, { path: 'node/iptables.txt' });
    assert.deepEqual(reports.filter((r) => r.ruleId === 'iptables/forward-drop-without-pod-accept'), []);
  });
});
