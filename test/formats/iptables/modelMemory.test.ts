import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIptables } from '../../../server/src/formats/iptables';
import type { IptRule } from '../../../server/src/formats/iptables/model';
import { ruleIndex } from '../../../server/src/formats/iptables/navigation';
import { ruleComment } from '../../../server/src/formats/iptables/query';
import { SaveRule } from '../../../server/src/formats/iptables/saveModel';
import { ruleKey } from '../../../server/src/rules/iptables/support';
import { kubeProxyDump } from '../../../bench/generate/kubeProxyDump';

/** What a big dump keeps after a lint (issue 11: the 200 MB dump's peak memory). */
describe('iptables model memory', () => {
  const byFilter = (rules: readonly IptRule[], pick: (r: IptRule) => string | undefined): Map<string, IptRule[]> => {
    const m = new Map<string, IptRule[]>();
    for (const r of rules) {
      const k = pick(r);
      if (k === undefined) continue;
      m.set(k, [...(m.get(k) ?? []), r]);
    }
    return m;
  };

  it('ruleIndex lists every rule of each chain and every jump, in file order, at their exact size', () => {
    // A chain declared twice, rules of an undeclared chain (not in any chain object), an empty chain.
    const text = ['*filter', ':INPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]', ':A - [0:0]', ':E - [0:0]',
      '-A INPUT -j A', '-A A -s 1.2.3.4 -j B', '-A B -j ACCEPT', '-A INPUT -j B', '-A A -j ACCEPT', '-A U -j A', '-A B -j A', 'COMMIT', ''].join('\n');
    const t = parseIptables(text).tables[0]!;
    const idx = ruleIndex(t);
    assert.deepEqual([...idx.inChain.keys()].sort(), ['A', 'B', 'INPUT', 'U']);
    for (const [k, list] of byFilter(t.rules, (r) => r.chain.value)) assert.deepEqual(idx.inChain.get(k), list, k);
    for (const [k, list] of byFilter(t.rules, (r) => r.target?.name.value)) assert.deepEqual(idx.jumpingTo.get(k), list, k);
    for (const list of [...idx.inChain.values(), ...idx.jumpingTo.values()]) assert.ok(list.every((r) => r !== undefined) && list.length > 0);
    // A chain's own list is shared, not copied.
    const input = t.chains.find((c) => c.name.value === 'INPUT')!;
    assert.equal(idx.inChain.get('INPUT'), input.rules);
  });

  it("a comment or a comparison key read from a save rule does not keep the rule's details", () => {
    const m = parseIptables(kubeProxyDump(20));
    const rules = m.tables.flatMap((t) => t.rules).filter((r): r is SaveRule => r instanceof SaveRule);
    assert.ok(rules.length > 100);
    const comments = rules.map(ruleComment);
    const keys = rules.map(ruleKey);
    assert.ok(comments.filter(Boolean).length > 50);
    assert.ok(rules.every((r) => r.det === undefined), 'details kept after ruleComment/ruleKey');
    // The same answers as from the kept details.
    assert.deepEqual(rules.map(ruleComment), comments);
    for (const r of rules) void r.matches;
    assert.ok(rules.every((r) => r.det !== undefined));
    assert.deepEqual(rules.map(ruleComment), comments);
    assert.deepEqual(rules.map(ruleKey), keys);
  });
});
