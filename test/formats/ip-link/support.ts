import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from '../../../server/src/core/span';
import type { ParseProblem } from '../../../server/src/core/problem';
import { assertGolden, assertSpansInside, collectSpans, FIXTURES, readFixture, spanRenderer } from '../../helpers/golden';
import { applyMutation, mutation } from '../../helpers/mutations';

interface Loc {
  readonly value: unknown;
  readonly span: Span;
}

const isLoc = (v: unknown): v is Loc => typeof v === 'object' && v !== null && 'value' in v && 'span' in v && typeof (v as { span: Span }).span?.start === 'number';

/**
 * Every located value of an iproute2 model (iterative walk: a test helper keeps the parsers' rule
 * too), with its path, for goldens and for the exactness check.
 */
export function located(model: unknown): { path: string; loc: Loc }[] {
  const out: { path: string; loc: Loc }[] = [];
  const stack: { path: string; v: unknown }[] = [{ path: '', v: model }];
  while (stack.length) {
    const { path, v } = stack.pop()!;
    if (isLoc(v)) {
      out.push({ path, loc: v });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v).filter(([k]) => k !== 'problems');
    for (let i = entries.length - 1; i >= 0; i--) stack.push({ path: path ? `${path}.${entries[i]![0]}` : entries[i]![0], v: entries[i]![1] });
  }
  return out;
}

/** Every located value reads back from the text exactly (strings as written, numbers in decimal). */
export function assertExact(text: string, model: unknown): void {
  for (const { path, loc } of located(model)) {
    assert.equal(text.slice(loc.span.start, loc.span.end), String(loc.value), `${path} is not what its span shows`);
  }
}

/** A golden rendering: each located value as `path = L:C-L:C "text"`, then the problems. */
export function render(text: string, model: { problems: readonly ParseProblem[] }): string {
  const r = spanRenderer(text);
  const lines = located(model).map(({ path, loc }) => `${path} = ${r(loc.span)}`);
  for (const p of model.problems) lines.push(`problem ${p.code} ${p.severity ?? ''} ${r(p.span)}: ${p.message}`);
  return `${lines.join('\n')}\n`;
}

/** The fixtures of a kind's folder (the capture script is not one). */
export function fixtureNames(kind: string): string[] {
  return readdirSync(join(FIXTURES, kind)).filter((f) => !f.endsWith('.sh') && !f.endsWith('.md')).sort();
}

export function goldenFor(kind: string, name: string, parse: (text: string) => { problems: readonly ParseProblem[] }): void {
  const text = readFixture(`${kind}/${name}`);
  const m = parse(text);
  assertSpansInside(text, collectSpans(m));
  assertGolden(`${kind}/${name}.golden.txt`, render(text, m));
}

/** Random edits of the real fixtures: the reader never throws, spans stay inside, values read back (where `exact` says the variant keeps text values), the model serialises. */
export function assertTotal(kind: string, parse: (text: string) => unknown, tokens: string[], exact: boolean | ((model: unknown) => boolean) = true): void {
  const bases = fixtureNames(kind).map((n) => readFixture(`${kind}/${n}`));
  fc.assert(
    fc.property(fc.constantFrom(...bases), fc.array(mutation(tokens), { maxLength: 8 }), (base, ops) => {
      const text = ops.reduce((t, op) => applyMutation(t, op), base);
      const m = parse(text);
      assertSpansInside(text, collectSpans(m));
      if (typeof exact === 'function' ? exact(m) : exact) assertExact(text, m);
      JSON.stringify(m);
    }),
    { numRuns: 300 },
  );
}

/** Pathological inputs finish quickly. */
export function assertFast(parse: (text: string) => unknown, inputs: readonly string[]): void {
  const t0 = Date.now();
  for (const i of inputs) parse(i);
  assert.ok(Date.now() - t0 < 3000, `pathological inputs took ${Date.now() - t0} ms`);
}
