// Linear-time guarantees of the grammars: (1) a static lint rejecting nested unbounded quantifiers
// that can backtrack (the classic catastrophic pattern), (2) adversarial long lines must scale
// linearly, (3) a 100,000-line generated kube-proxy iptables-save dump tokenizes without any
// pathological line; total time is reported as a test diagnostic.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IGrammar } from 'vscode-textmate';
import { LANGUAGES, grammarPath, loadGrammar, measureTokenize, timeLine } from './tokenize';
import { kubeProxyDump } from '../../bench/generate/kubeProxyDump';

/** Every regex (match/begin/end/while) of a grammar file, with where it was found. */
export function grammarRegexes(scopeName: string): { where: string; source: string }[] {
  const out: { where: string; source: string }[] = [];
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${where}[${i}]`));
    else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (typeof v === 'string' && (k === 'match' || k === 'begin' || k === 'end' || k === 'while')) out.push({ where: `${where}.${k}`, source: v });
        else walk(v, `${where}.${k}`);
      }
    }
  };
  walk(JSON.parse(readFileSync(grammarPath(scopeName), 'utf8')), scopeName);
  return out;
}

/**
 * Finds groups that are repeated by an unbounded greedy/lazy quantifier (*, +, {n,}) while their
 * body itself contains an unbounded non-possessive quantifier: `(a+)*`, `(?:x\d+)+`. Possessive
 * (`*+`, `++`) and atomic (`(?>...)`) constructs cannot backtrack and are accepted.
 */
export function nestedQuantifiers(re: string): string[] {
  interface Frame { start: number; atomic: boolean; unboundedInside: boolean }
  const stack: Frame[] = [{ start: 0, atomic: false, unboundedInside: false }];
  const problems: string[] = [];
  // Returns [isUnbounded, isPossessive, nextIndex] for a quantifier starting at i (or none).
  const quant = (i: number): [boolean, boolean, number] | undefined => {
    const c = re[i];
    let j = i;
    let unbounded = false;
    if (c === '*' || c === '+') { unbounded = true; j = i + 1; }
    else if (c === '?') j = i + 1;
    else if (c === '{') {
      const m = /^\{(\d*),?(\d*)\}/.exec(re.slice(i));
      if (!m) return undefined;
      unbounded = m[0].includes(',') && m[2] === '';
      j = i + m[0].length;
    } else return undefined;
    const possessive = re[j] === '+';
    if (re[j] === '+' || re[j] === '?') j++;
    return [unbounded, possessive, j];
  };
  const top = (): Frame => stack[stack.length - 1]!;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    let atomEnd = -1;
    if (c === '\\') { atomEnd = i + 2; }
    else if (c === '[') {
      let j = i + 1;
      if (re[j] === '^') j++;
      if (re[j] === ']') j++;
      while (j < re.length && re[j] !== ']') j += re[j] === '\\' ? 2 : 1;
      atomEnd = j + 1;
    } else if (c === '(') {
      stack.push({ start: i, atomic: re.startsWith('(?>', i), unboundedInside: false });
      continue;
    } else if (c === ')') {
      const f = stack.pop();
      if (!f) continue;
      const q = quant(i + 1);
      const parent = top();
      if (q && q[0] && !q[1] && f.unboundedInside && !f.atomic) problems.push(re.slice(f.start, q[2]));
      if (!f.atomic && (f.unboundedInside || (q !== undefined && q[0] && !q[1]))) parent.unboundedInside = true;
      if (q) i = q[2] - 1;
      continue;
    } else if ('*+?{'.includes(c ?? '')) continue;
    else atomEnd = i + 1;
    const q = quant(atomEnd);
    if (q && q[0] && !q[1]) top().unboundedInside = true;
    i = (q ? q[2] : atomEnd) - 1;
  }
  return problems;
}

describe('grammar regexes are linear', () => {
  it('the nested-quantifier lint recognises dangerous and safe forms', () => {
    assert.deepEqual(nestedQuantifiers('(a+)*'), ['(a+)*']);
    assert.deepEqual(nestedQuantifiers('(?:x\\d+)+y'), ['(?:x\\d+)+']);
    assert.deepEqual(nestedQuantifiers('((?:a|b)*c)+'), ['((?:a|b)*c)+']);
    assert.deepEqual(nestedQuantifiers('(?:\\.\\d++)+'), []);
    assert.deepEqual(nestedQuantifiers('(?:\\.\\d+)*+'), []);
    assert.deepEqual(nestedQuantifiers('(?>a+)*'), []);
    assert.deepEqual(nestedQuantifiers('(?:\\.\\d{1,3}){3}'), []);
    assert.deepEqual(nestedQuantifiers('[(+]*(a)+'), []);
  });

  for (const scope of Object.values(LANGUAGES)) {
    it(`${scope}: no nested unbounded backtracking quantifiers`, () => {
      const regexes = grammarRegexes(scope);
      assert.ok(regexes.length >= 8, `found only ${regexes.length} regexes in ${scope}`);
      const found = regexes.flatMap((r) => nestedQuantifiers(r.source).map((p) => `${r.where}: ${p}`));
      assert.deepEqual(found, []);
    });
  }
});

/** Nasty line shapes per language: long runs that make naive regexes backtrack. */
const ADVERSARIAL: Readonly<Record<string, (n: number) => string[]>> = {
  'source.iptables': (n) => [
    '-A X ' + '"'.repeat(1) + '\\'.repeat(n),
    '-A X --comment "' + 'a\\"'.repeat(n / 3),
    '-A X ' + '1.'.repeat(n / 2),
    '-A X ' + ':'.repeat(n),
    '-A X ' + 'a:'.repeat(n / 2) + 'g',
    '-A X ' + '0x'.repeat(n / 2),
    '-A X ' + '-'.repeat(n),
    '-A X ' + '! '.repeat(n / 2),
    '-A ' + 'K'.repeat(n),
    '    0     0 ' + 'x '.repeat(n / 2),
    '    0     0 ACCEPT all -- * * 0.0.0.0/0 0.0.0.0/0 ' + '/*'.repeat(n / 2),
    'Chain ' + 'X'.repeat(n) + ' (policy',
    ' '.repeat(n) + 'x',
    '1 '.repeat(n / 2),
    ':X ' + '['.repeat(n),
  ],
  'source.ipvsadm': (n) => ['TCP  ' + '1.'.repeat(n / 2), '  -> ' + ':'.repeat(n), 'TCP ' + 'a:'.repeat(n / 2), '-A ' + '-t '.repeat(n / 3), '[' + ':'.repeat(n), ' '.repeat(n) + 'x', 'Timeout (' + 'x'.repeat(n)],
  'source.conntrack': (n) => ['tcp 6 1 ' + 'a=b '.repeat(n / 4), 'tcp 6 1 ' + '['.repeat(n), 'tcp 6 1 src=' + ':'.repeat(n), 'cpu=' + '='.repeat(n), '1 '.repeat(n / 2), ' '.repeat(n) + 'x'],
  'source.sysctl': (n) => ['a=' + ' '.repeat(n) + 'x', 'a.'.repeat(n / 2), 'k = ' + '"'.repeat(n), '=' + ' '.repeat(n), ' '.repeat(n) + 'x', '* Applying ' + ' '.repeat(n)],
  'source.ethtool': (n) => ['a' + ' a'.repeat(n / 2), 'x: ' + 'on '.repeat(n / 3), 'Features for ' + 'x'.repeat(n), 'k' + '-'.repeat(n) + ': off [', '\t'.repeat(n) + 'x'],
};

describe('adversarial long lines scale linearly', () => {
  const grammars = new Map<string, IGrammar>();
  before(async () => {
    for (const s of Object.values(LANGUAGES)) grammars.set(s, await loadGrammar(s));
  });
  for (const [scope, make] of Object.entries(ADVERSARIAL)) {
    it(`${scope}: 4x longer lines take at most ~4x (not 16x) the time`, () => {
      const g = grammars.get(scope)!;
      const small = make(5000);
      const large = make(20000);
      small.forEach((line, i) => {
        const a = timeLine(g, line);
        const b = timeLine(g, large[i]!);
        // Quadratic behaviour would be ~16x; allow noise. Tiny absolute times are not meaningful.
        assert.ok(b < 60 || b < 9 * a, `line shape #${i} (${JSON.stringify(large[i]!.slice(0, 30))}...): ${a.toFixed(1)} ms at 5k chars, ${b.toFixed(1)} ms at 20k chars`);
      });
    });
  }
});

describe('100,000-line kube-proxy iptables-save dump', () => {
  it('tokenizes every line without a pathological one', async (t) => {
    const g = await loadGrammar('source.iptables');
    // The benchmarks' generator (filter + nat, 1-4 endpoints, NodePorts): 7,000 services pass 100,000 lines.
    const lines = kubeProxyDump(7000).split('\n').slice(0, 100_000);
    assert.equal(lines.length, 100_000);
    const cpu0 = process.cpuUsage();
    const stats = measureTokenize(g, lines, 5);
    const cpu = process.cpuUsage(cpu0);
    assert.equal(stats.stoppedEarly, 0);
    assert.ok(stats.tokens > 20 * 100_000 * 0.9, `expected ~20+ tokens per line, got ${stats.tokens}`);
    // A single slow sample can be a GC pause or a busy machine: re-time the slowest lines alone.
    const retimed = stats.slowest.map((i) => ({ i, ms: timeLine(g, lines[i]!, 5) }));
    for (const r of retimed) assert.ok(r.ms < 20, `line ${r.i + 1} takes ${r.ms.toFixed(2)} ms on its own: ${lines[r.i]}`);
    t.diagnostic(
      `100000 lines, ${stats.tokens} tokens: wall ${(stats.totalMs / 1000).toFixed(2)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, ` +
        `${((stats.totalMs * 1000) / stats.lines).toFixed(1)} µs/line; slowest sample ${stats.maxLineMs.toFixed(1)} ms (line ${stats.maxLineIndex + 1}), ` +
        `re-timed slowest lines ${retimed.map((r) => r.ms.toFixed(2)).join('/')} ms`,
    );
  });
});
