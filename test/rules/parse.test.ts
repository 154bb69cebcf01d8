import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENT_KINDS } from '../../server/src/formats/kind';
import { PARSERS } from '../../server/src/formats/registry';
import { PARSE_RULES } from '../../server/src/rules/parse';
import { PARSE_PAGES, renderParsePage } from '../../server/src/rules/parse/pages';
import { parsePagePath } from '../../scripts/rulesIndex';

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (!name.endsWith('.md')) yield p;
  }
}

describe('parse problems are declared rules', () => {
  it('every problem code a reader emits on the fixtures (through any reader) has rule metadata and a page', () => {
    const declared = new Set(PARSE_RULES.map((r) => r.id));
    const seen = new Set<string>();
    const inputs = [...files(join(__dirname, '..', 'fixtures')), ...files(join(__dirname, '..', '..', 'examples'))];
    // Every reader on every fixture: readers must stay total on foreign formats too, and any code they emit must be declared.
    for (const file of inputs) {
      const text = readFileSync(file, 'utf8');
      for (const kind of [...DOCUMENT_KINDS, 'unknown' as const]) {
        for (const p of PARSERS[kind](text, file).problems) {
          seen.add(p.code);
          assert.ok(declared.has(p.code), `${p.code} (from the ${kind} reader on ${file}) is not declared in server/src/rules/parse/pages.ts`);
        }
      }
    }
    assert.ok(seen.size >= 10, `expected the fixtures to exercise many problem codes, saw ${[...seen].join(', ')}`);
  });

  it('the parse pages in docs/rules/parse are rendered from the table (regenerate with npm run docs)', () => {
    for (const p of PARSE_PAGES) assert.equal(readFileSync(parsePagePath(p.id), 'utf8'), renderParsePage(p), p.id);
  });
});
