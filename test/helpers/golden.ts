import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/core/lineIndex';
import type { Span } from '../../server/src/core/span';

export const TEST_ROOT = join(__dirname, '..');
export const FIXTURES = join(TEST_ROOT, 'fixtures');

export function readFixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

/**
 * Compares `actual` with the stored golden file `test/golden/<rel>`; with UPDATE_GOLDEN=1 the file
 * is (re)written instead. A missing golden file fails the test, so goldens are always reviewed.
 */
export function assertGolden(rel: string, actual: string): void {
  const path = join(TEST_ROOT, 'golden', rel);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `golden file ${path} is missing; run with UPDATE_GOLDEN=1 and review it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `model rendering differs from ${path}`);
}

/**
 * Renders a span as `L:C-L:C "text"` (1-based, as editors show them) so a reviewer reading a
 * golden file sees at once whether a position is exact.
 */
export function spanRenderer(text: string): (s: Span) => string {
  const idx = new LineIndex(text);
  return (s: Span) => {
    const a = idx.positionAt(s.start);
    const b = idx.positionAt(s.end);
    const slice = text.slice(s.start, s.end);
    const shown = slice.length > 60 ? `${slice.slice(0, 57)}...` : slice;
    return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1} ${JSON.stringify(shown)}`;
  };
}

/** Asserts that every span lies inside the text and is well ordered. */
export function assertSpansInside(text: string, spans: Iterable<Span>): void {
  for (const s of spans) {
    assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, `span ${s.start}-${s.end} outside text of length ${text.length}`);
  }
}

/** Collects every object with numeric start/end found anywhere in a model (for range properties). */
export function collectSpans(value: unknown, out: Span[] = [], seen = new Set<unknown>()): Span[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  const o = value as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number') out.push(o as unknown as Span);
  for (const v of Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : Object.values(o)) collectSpans(v, out, seen);
  return out;
}
