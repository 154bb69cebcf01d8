/**
 * What a save rule answers from its store's columns without reading its line again (comment,
 * target name, chain and target name indexes: saveModel.ts) is what its details, read from the
 * line, say: for every spelling of a comment the tokenizer knows (quoted, bare, escaped, empty,
 * quotes inside a word, a quote left open), on every fixture, and after a terminal-wrapped paste.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { ruleComment, targetName } from '../../../server/src/formats/iptables/query';
import { ruleIndex } from '../../../server/src/formats/iptables/navigation';
import { SaveRule } from '../../../server/src/formats/iptables/saveModel';
import type { IptRule, IptTable } from '../../../server/src/formats/iptables/model';
import { FIXTURES, readFixture } from '../../helpers/golden';
import { readdirSync } from 'node:fs';

/** The comment as the details (the line read again) give it: query.ts's answer before the columns. */
function commentFromDetails(rule: SaveRule): string | undefined {
  for (const m of rule.peek().matches) {
    if (m.name.value !== 'comment') continue;
    const o = m.options.find((x) => x.name.value === '--comment');
    if (o) return o.values[0]?.value;
  }
  return undefined;
}

function assertColumnsAgree(text: string, label: string): number {
  let n = 0;
  for (const t of parseIptablesSave(text).tables) {
    for (const r of t.rules) {
      if (!(r instanceof SaveRule)) continue;
      n++;
      assert.equal(ruleComment(r), commentFromDetails(r), `${label}: comment of line ${r.line + 1}`);
      assert.equal(targetName(r), r.target?.name.value, `${label}: target of line ${r.line + 1}`);
      assert.equal(r.chainName, r.chain.value, `${label}: chain of line ${r.line + 1}`);
    }
    assertIndexAgrees(t, label);
  }
  return n;
}

/** ruleIndex (built from name indexes) lists what a plain walk over the rules lists, in the same order. */
function assertIndexAgrees(t: IptTable, label: string): void {
  const inChain = new Map<string, IptRule[]>();
  const jumpingTo = new Map<string, IptRule[]>();
  for (const r of t.rules) {
    const c = r.chain.value;
    if (!inChain.has(c)) inChain.set(c, []);
    inChain.get(c)!.push(r);
    const target = r.target?.name.value;
    if (target === undefined) continue;
    if (!jumpingTo.has(target)) jumpingTo.set(target, []);
    jumpingTo.get(target)!.push(r);
  }
  const idx = ruleIndex(t);
  assert.deepEqual(new Set(idx.inChain.keys()), new Set(inChain.keys()), `${label}: chains of table ${t.name.value}`);
  for (const [c, rules] of inChain) assert.deepEqual(idx.inChain.get(c), rules, `${label}: rules of ${c}`);
  assert.deepEqual([...idx.jumpingTo.keys()], [...jumpingTo.keys()], `${label}: jump targets of table ${t.name.value}`);
  for (const [c, rules] of jumpingTo) assert.deepEqual(idx.jumpingTo.get(c), rules, `${label}: jumps to ${c}`);
}

const SPELLINGS = [
  '-A INPUT -m comment --comment "plain words" -j ACCEPT',
  '-A INPUT -m comment --comment bare -j ACCEPT',
  '-A INPUT -m comment --comment "with \\"escaped\\" quotes" -j ACCEPT',
  '-A INPUT -m comment --comment "back\\\\slash" -j ACCEPT',
  '-A INPUT -m comment --comment "" -j ACCEPT',
  '-A INPUT -m comment --comment mid"dle quo"ted -j ACCEPT',
  '-A INPUT -m comment --comm "prefix of the option" -j ACCEPT',
  '-A INPUT -m comment --comment=attached -j ACCEPT',
  '-A INPUT -m comment --comment "first" -m comment --comment "second" -j ACCEPT',
  '-A INPUT -m comment -j ACCEPT',
  '-A INPUT -j ACCEPT',
  '-A INPUT -m comment --comment "ends in an escaped quote\\"',
  '-A INPUT -m comment --comment "open quote\\" -j ACCEPT',
  '-A INPUT -m comment --comment "open quote',
];

describe('save rules answer from their columns what their lines say', () => {
  it('every spelling of a comment', () => {
    for (const line of SPELLINGS) {
      const n = assertColumnsAgree(['*filter', ':INPUT ACCEPT [0:0]', line, 'COMMIT', ''].join('\n'), line);
      assert.ok(n > 0, `${line} is a rule`);
    }
  });

  it('a comment on a rule a terminal wrapped over two lines', () => {
    const long = `-A INPUT -s 10.0.0.0/8 -m comment --comment "${'x'.repeat(70)} wrapped" -j ACCEPT`;
    const text = ['*filter', ':INPUT ACCEPT [0:0]', long.slice(0, 80), long.slice(80), 'COMMIT', ''].join('\n');
    assertColumnsAgree(text, 'wrapped');
  });

  it('every iptables-save fixture', () => {
    let rules = 0;
    for (const name of readdirSync(`${FIXTURES}/iptables`)) rules += assertColumnsAgree(readFixture(`iptables/${name}`), name);
    assert.ok(rules > 100, `${rules} rules checked`);
  });
});
