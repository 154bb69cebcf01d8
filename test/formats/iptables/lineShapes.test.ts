/**
 * Lines taken by their shape (server/src/formats/iptables/lineShapes.ts) give exactly what reading
 * every line with the reader gives: the same problems, the same rule rows (every column, every
 * basic match, the same names), chains and rules; on every fixture, on a generated kube-proxy
 * dump, and on that dump with words changed so that a plan must not take them (a bad address,
 * port, comment or interface, '!' or an option where a value was, a jump to a chain declared
 * later or not at all, a built-in chain, a quote left open, another word count).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { LINE_SHAPES } from '../../../server/src/formats/iptables/lineShapes';
import { RuleStore, SaveRule } from '../../../server/src/formats/iptables/saveModel';
import type { IptablesModel } from '../../../server/src/formats/iptables/model';
import { kubeProxyDump } from '../../../bench/generate/kubeProxyDump';
import { FIXTURES, readFixture } from '../../helpers/golden';

function parse(text: string, shapes: boolean): IptablesModel {
  LINE_SHAPES.enabled = shapes;
  try {
    return parseIptablesSave(text);
  } finally {
    LINE_SHAPES.enabled = true;
  }
}

/** Everything the parse keeps of a table, as plain data. */
function tableData(model: IptablesModel): unknown {
  return model.tables.map((t) => {
    const stores = new Set<RuleStore>();
    for (const r of t.rules) if (r instanceof SaveRule) stores.add(r.store);
    return {
      name: t.name.value,
      complete: t.complete,
      chains: t.chains.map((c) => [c.name.value, c.rules.length, c.rules.map((r) => r.line)]),
      rules: t.rules.map((r) => [r.line, r.chain.value, r.target?.name.value, (r as SaveRule).row]),
      stores: [...stores].map((s) => ({
        rows: s.rows.chunks.map((c) => [...c.subarray(0, Math.min(c.length, s.rows.n * s.rows.stride))]),
        basics: s.basics.chunks.map((c) => [...c.subarray(0, Math.min(c.length, s.basics.n * s.basics.stride))]),
        names: [...s.names],
        counters: (s.counters ?? []).map((c) => (c ? [c.packets, c.bytes] : null)),
      })),
    };
  });
}

function assertSame(text: string, label: string): void {
  const read = parse(text, false);
  const shaped = parse(text, true);
  assert.deepEqual(shaped.problems, read.problems, `${label}: problems`);
  assert.deepEqual(tableData(shaped), tableData(read), `${label}: tables`);
  // The details read again from the lines are the reader's in both.
  const a = shaped.tables.flatMap((t) => t.rules);
  const b = read.tables.flatMap((t) => t.rules);
  for (let k = 0; k < a.length; k += Math.max(1, Math.floor(a.length / 200))) {
    assert.deepEqual(JSON.parse(JSON.stringify(a[k]!.matches)), JSON.parse(JSON.stringify(b[k]!.matches)), `${label}: matches of rule ${k}`);
    assert.deepEqual(JSON.parse(JSON.stringify(a[k]!.target?.options ?? [])), JSON.parse(JSON.stringify(b[k]!.target?.options ?? [])), `${label}: target options of rule ${k}`);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** A rule line of `dump` with its k-th word replaced (words split at single spaces: the generator writes no quotes with blanks... except comments, kept whole). */
function mutate(line: string, pick: (words: string[]) => void): string {
  const words = line.match(/"[^"]*"|\S+/g) ?? [];
  pick(words);
  return words.join(' ');
}

describe('rule lines taken by their shape', () => {
  it('every iptables-save fixture and paste', () => {
    const files = [...filesUnder(join(FIXTURES, 'iptables')), ...filesUnder(join(FIXTURES, 'pastes')).filter((f) => /iptables/.test(f))];
    assert.ok(files.length > 20);
    for (const f of files) assertSame(readFixture(f.slice(FIXTURES.length + 1)), f);
  });

  it('a generated kube-proxy dump, where nearly every line is taken by a plan', () => {
    const text = kubeProxyDump(300);
    assertSame(text, 'kube-proxy dump');
    const rules = text.split('\n').filter((l) => l.startsWith('-A ')).length;
    LINE_SHAPES.taken = 0;
    parse(text, true);
    assert.ok(LINE_SHAPES.taken > 0.9 * rules, `${LINE_SHAPES.taken} of ${rules} rule lines taken by a plan`);
  });

  it('the dump with words changed where a plan must give way to the reader', () => {
    const text = kubeProxyDump(200);
    const lines = text.split('\n');
    const after = (w: string[], word: string, value: (old: string) => string): void => w.forEach((x, k) => w[k - 1] === word && (w[k] = value(x)));
    // Each change is made to every third rule line (the others teach the plans, which must refuse these).
    const everyThird: ((w: string[]) => void)[] = [
      (w) => w.forEach((x, k) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(x) && (w[k] = '300.1.2.3/32')),
      (w) => after(w, '--dport', () => '99999'),
      (w) => after(w, '--dport', () => '!'),
      (w) => after(w, '--comment', () => `"${'c'.repeat(300)}"`),
      (w) => after(w, '--comment', () => '--dport'),
      (w) => after(w, '-j', (x) => (/^KUBE-(SEP|SVC|EXT)-/.test(x) ? 'KUBE-NOT-DECLARED' : x)),
      (w) => after(w, '-j', (x) => (/^KUBE-/.test(x) ? 'x'.repeat(29) : x)),
      (w) => after(w, '-A', () => 'POSTROUTING'),
      (w) => after(w, '--to-destination', () => '10.0.0.1:70000'),
      (w) => after(w, '--probability', () => '2'),
      (w) => after(w, '-p', () => 'udp'),
      (w) => after(w, '--comment', () => '"an open quote'),
      // Quotes: escaped, inside a word, right after a closing quote; quoted words a plan compares.
      (w) => after(w, '--comment', (x) => `${x.slice(0, -1)}\\"q"`),
      (w) => after(w, '--comment', (x) => `${x}x`),
      (w) => after(w, '--comment', (x) => x.slice(0, -1) + '\\\\b"'),
      (w) => after(w, '--comment', () => 'ab"cd"'),
      (w) => after(w, '-j', (x) => `${x.slice(0, 3)}"${x.slice(3)}"`),
      (w) => after(w, '-m', (x) => `"${x}"`),
      (w) => w.forEach((x, k) => x === '-j' && (w[k] = '"-j"')),
      (w) => w.splice(2, 0, '-v'),
    ];
    // Changes to every rule line, one way on every third line and another way on the others.
    const twoWays: ((w: string[], third: boolean) => void)[] = [
      // -o in INPUT is refused: the plans of '-o' lines in other chains must not take it.
      (w, third) => w.forEach((x, k) => x === '-s' && (w[k] = '-o') && (w[k + 1] = 'eth0') && third && (w[1] = 'INPUT')),
      // An interface name over 15 characters, where the plans know '-i eth0'.
      (w, third) => w.forEach((x, k) => x === '-s' && (w[k] = '-i') && (w[k + 1] = third ? 'an-interface-name-too-long' : 'eth0')),
      // DNAT without -p tcp: a port in --to-destination is refused, where the plans know none.
      (w, third) => {
        if (!w.includes('DNAT')) return;
        w.forEach((x, k) => x === '-p' && (w[k] = '-s') && (w[k + 1] = '10.9.9.9/32'));
        if (!third) after(w, '--to-destination', (x) => x.replace(/:\d+$/, ''));
      },
    ];
    const variants = [
      ...everyThird.map((change) => (l: string, k: number) => (k % 3 === 0 ? mutate(l, change) : l)),
      ...twoWays.map((change) => (l: string, k: number) => mutate(l, (w) => change(w, k % 3 === 0))),
    ];
    variants.forEach((variant, c) => {
      const changed = lines.map((l, k) => (l.startsWith('-A ') ? variant(l, k) : l)).join('\n');
      assert.notEqual(changed, text, `change ${c} changes the dump`);
      assertSame(changed, `change ${c}`);
    });
  });

  it('lines the reader refuses for a word a plan would otherwise take', () => {
    const long = `LONG-${'X'.repeat(24)}`;
    const learn = (line: string): string => `${line}\n${line}\n${line}`;
    const text = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':USERCHAIN - [0:0]',
      `:${long} - [0:0]`,
      ':MARK - [0:0]',
      learn('-A INPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -j DROP'),
      // A second value starting with '!' is not taken by --tcp-flags.
      '-A INPUT -p tcp -m tcp --tcp-flags SYN,RST !SYN -j DROP',
      learn('-A INPUT -s 10.0.0.1/32 -j USERCHAIN'),
      // A declared chain with a name over 28 characters, and one named like a target extension.
      `-A INPUT -s 10.0.0.2/32 -j ${long}`,
      '-A INPUT -s 10.0.0.3/32 -j MARK',
      'COMMIT',
      '',
    ].join('\n');
    assertSame(text, 'refused words');
    assert.ok(parse(text, true).problems.length >= 3);
  });
});
