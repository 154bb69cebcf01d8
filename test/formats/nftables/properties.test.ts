/**
 * Properties of the nftables readers on random mutations of the kernel-captured fixtures: they
 * never throw, every span lies inside the text, every problem has an nftables parse code; and the
 * reader is linear: a 4 MB ruleset and a 16 MB one cost proportionally. The text model reads a
 * rule's statements and a set's elements again on first access: what it reads equals what the
 * parse read (kept with `keepRead`), problems included, on every fixture and mutation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseNftables } from '../../../server/src/formats/nftables';
import { parseNftablesText } from '../../../server/src/formats/nftables/parseText';
import { assertSpansInside, collectSpans, readFixture } from '../../helpers/golden';
import { applyMutation, mutation } from '../../helpers/mutations';
import { NFT_FIXTURES } from './golden.test';
import { renderNftables } from './render';

const TOKENS = ['{', '}', ';', '"', '#', ' . ', ' : ', ',', 'vmap', '@', 'jump ', 'goto ', 'table ip x {', 'add rule ip t c ', '\n', '(', ')', '[', '\u0000', '\uD800'];

describe('nftables readers under mutation', () => {
  const texts = NFT_FIXTURES.map((f) => readFixture(`nftables/${f}`));
  it('never throw and keep every span inside the text', () => {
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutation(TOKENS), { minLength: 1, maxLength: 4 }), (i, ops) => {
        let text = texts[i]!;
        for (const op of ops) text = applyMutation(text, op);
        const m = parseNftables(text);
        assertSpansInside(text, collectSpans(m));
        for (const p of m.problems) assert.match(p.code, /^parse\/nftables-/);
      }),
      { numRuns: 400 },
    );
  });
  it('reads statements and elements again exactly as the parse read them', () => {
    const same = (text: string): void => {
      const lazy = parseNftablesText(text);
      const kept = parseNftablesText(text, { keepRead: true });
      assert.equal(renderNftables(text, lazy), renderNftables(text, kept));
      const tables = (m: typeof lazy): unknown => m.tables.map((t) => [t.chains.map((c) => c.rules.map((r) => [r.span, r.handle, r.comment, r.statements])), t.sets.map((s) => s.elements)]);
      assert.deepEqual(tables(lazy), tables(kept));
    };
    for (const t of texts) if (!t.trimStart().startsWith('{')) same(t);
    fc.assert(
      fc.property(fc.nat({ max: texts.length - 1 }), fc.array(mutation(TOKENS), { minLength: 1, maxLength: 4 }), (i, ops) => {
        let text = texts[i]!;
        for (const op of ops) text = applyMutation(text, op);
        same(text);
      }),
      { numRuns: 300 },
    );
  });
  it('is linear in the size of the input', () => {
    const unit = readFixture('nftables/kube-proxy-ipv4.list.nft').replace(/table ip kube-proxy/g, () => 'table ip kube-proxy');
    const make = (n: number): string => Array.from({ length: n }, (_, k) => unit.replace(/kube-proxy \{/, `kp${k} {`)).join('');
    const time = (s: string): number => {
      const t0 = performance.now();
      parseNftables(s);
      return performance.now() - t0;
    };
    const small = make(Math.ceil(4e6 / unit.length));
    const big = make(Math.ceil(16e6 / unit.length));
    time(small);
    const a = Math.min(time(small), time(small));
    const b = time(big);
    assert.ok(b < a * 4 * 2.5, `16 MB took ${b.toFixed(0)} ms, 4 MB ${a.toFixed(0)} ms: not linear`);
  });
});
