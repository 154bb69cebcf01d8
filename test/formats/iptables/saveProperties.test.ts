/**
 * Properties of the iptables-save parser on random mutations of the real fixtures: it never
 * throws, every span it returns lies inside the text, every problem carries a parse/ code, and
 * rule spans are ordered. Mutations: insert/delete/replace runs of characters (including quotes,
 * '!', '-', '[', NUL, lone surrogates), CRLF and lone CR line ends, tabs for blanks, truncation,
 * duplicated and dropped lines.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { parseIptablesSave } from '../../../server/src/formats/iptables/parseSave';
import { tokenizeLine } from '../../../server/src/formats/iptables/tokenize';
import { FIXTURES, assertSpansInside, collectSpans, readFixture } from '../../helpers/golden';

const fixtures = readdirSync(`${FIXTURES}/iptables`)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => readFixture(`iptables/${f}`))
  // The 5,000-line fixture is checked whole below; mutations use the others for speed.
  .filter((t) => t.length < 100_000);

const interesting = fc.constantFrom('"', '!', '-', '--', ' ', '\t', '[', ']', ':', '*', '#', '\\', '=', ',', '/', '\u0000', '\uD800', '\r', '\n', 'COMMIT', '-A ', '-j ', '-m ');
const chunk = fc.oneof(fc.string({ maxLength: 8 }), interesting, fc.string({ unit: 'binary', maxLength: 6 }));

type Edit =
  | { kind: 'insert'; at: number; s: string }
  | { kind: 'delete'; at: number; n: number }
  | { kind: 'replace'; at: number; n: number; s: string }
  | { kind: 'crlf' }
  | { kind: 'cr' }
  | { kind: 'tabs' }
  | { kind: 'truncate'; at: number }
  | { kind: 'dupLine'; at: number }
  | { kind: 'dropLine'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), s: chunk }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 10 }), s: chunk }),
  fc.constant({ kind: 'crlf' as const }),
  fc.constant({ kind: 'cr' as const }),
  fc.constant({ kind: 'tabs' as const }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dupLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dropLine' as const), at: fc.nat() }),
);

function apply(text: string, e: Edit): string {
  const pos = (at: number): number => (text.length === 0 ? 0 : at % (text.length + 1));
  switch (e.kind) {
    case 'insert':
      return text.slice(0, pos(e.at)) + e.s + text.slice(pos(e.at));
    case 'delete':
      return text.slice(0, pos(e.at)) + text.slice(pos(e.at) + e.n);
    case 'replace':
      return text.slice(0, pos(e.at)) + e.s + text.slice(pos(e.at) + e.n);
    case 'crlf':
      return text.replace(/\n/g, '\r\n');
    case 'cr':
      return text.replace(/\n/g, '\r');
    case 'tabs':
      return text.replace(/ /g, '\t');
    case 'truncate':
      return text.slice(0, pos(e.at));
    case 'dupLine':
    case 'dropLine': {
      const lines = text.split('\n');
      const k = e.at % lines.length;
      if (e.kind === 'dupLine') lines.splice(k, 0, lines[k]!);
      else lines.splice(k, 1);
      return lines.join('\n');
    }
  }
}

function checkModel(text: string): void {
  const m = parseIptablesSave(text);
  // A rule reads its command, matches and target options from its line on first access: read them
  // all (which must not throw either) so the walk below sees their spans.
  for (const t of m.tables) {
    for (const r of t.rules) {
      assert.ok(r.command.span.start >= r.span.start);
      for (const x of r.matches) for (const o of x.options) assert.ok(o.span.end <= r.span.end, 'an option lies inside its rule');
      for (const o of r.target?.options ?? []) assert.ok(o.span.end <= r.span.end, 'a target option lies inside its rule');
    }
  }
  assertSpansInside(text, collectSpans(m));
  for (const p of m.problems) assert.match(p.code, /^parse\/(?:iptables-|paste$|redacted$)/);
  for (const t of m.tables) {
    let last = -1;
    for (const r of t.rules) {
      assert.ok(r.span.start > last, 'rules are in text order');
      last = r.span.start;
      assert.ok(r.chain.span.start >= r.span.start && r.chain.span.end <= r.span.end, 'the chain name lies inside its rule');
    }
  }
}

describe('iptables-save parser properties', () => {
  it('never throws and keeps every span inside the text, on mutated real fixtures', () => {
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), fc.array(edit, { minLength: 1, maxLength: 6 }), (k, edits) => {
        const text = edits.reduce(apply, fixtures[k]!);
        checkModel(text);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary strings, including binary noise', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.array(chunk, { maxLength: 60 }).map((a) => a.join(''))), (text) => {
        checkModel(text);
        checkModel(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ${text}\nCOMMIT\n`);
      }),
      { numRuns: 400 },
    );
  });

  it('tokenizes every line into tokens whose spans cover their raw text in order', () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }).map((a) => a.join('').replace(/[\r\n]/g, ' ')), fc.nat(1000), (line, base) => {
        const { tokens, unterminatedQuote } = tokenizeLine(line, base);
        let last = base;
        for (const t of tokens) {
          assert.ok(t.span.start >= last && t.span.end >= t.span.start && t.span.end <= base + line.length);
          const raw = line.slice(t.span.start - base, t.span.end - base);
          // Without quotes the value is the raw text; with them, the value has no more characters.
          if (!raw.includes('"')) assert.equal(t.value, raw);
          else assert.ok(t.value.length <= raw.length);
          last = t.span.end;
        }
        if (unterminatedQuote !== undefined) assert.equal(line[unterminatedQuote - base], '"');
      }),
      { numRuns: 500 },
    );
  });

  it('parses the largest fixture whole, with CRLF and tabs, within the span rules', () => {
    const big = readFixture('iptables/tum-net-2015-09-03-v1.4.14-large.txt');
    for (const t of [big, big.replace(/\n/g, '\r\n'), big.replace(/ /g, '\t')]) checkModel(t);
  });
});
