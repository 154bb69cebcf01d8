import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULE_META } from '../../server/src/rules/catalogue';
import { lintText } from '../helpers/ruleTester';

/**
 * Messages speak the user's language: rule ids and plain words, never the brief's internal codes
 * (NET-VXLAN-001 and the like). Every rule's docs examples are linted and every message and
 * related-information message is scanned, with the catalogue's titles.
 */
const INTERNAL = /\b[A-Z]+-[A-Z]+-\d{3}\b/;
const ROOT = join(__dirname, '../..');

/** The fenced blocks of a page's Examples section. */
function examples(page: string): string[] {
  const start = page.indexOf('\n## Examples');
  if (start < 0) return [];
  const end = page.indexOf('\n## ', start + 5);
  const section = page.slice(start, end < 0 ? undefined : end);
  const out: string[] = [];
  // Any info string: rule pages mark their blocks `fires` / `does-not-fire` / `node` (docs/rules/README.md).
  const re = /```[^\n`]*\n([\s\S]*?)```/g;
  for (let m = re.exec(section); m; m = re.exec(section)) out.push(m[1]!);
  return out;
}

describe('no internal codes in what users read', () => {
  it('catalogue titles', () => {
    for (const m of ALL_RULE_META) assert.doesNotMatch(m.title, INTERNAL, m.id);
  });

  it('docs pages (the text users read, in the editor and on GitHub)', () => {
    let pages = 0;
    for (const m of ALL_RULE_META) {
      const file = join(ROOT, 'docs/rules', `${m.id}.md`);
      if (!existsSync(file)) continue;
      pages++;
      const found = INTERNAL.exec(readFileSync(file, 'utf8'));
      assert.equal(found?.[0], undefined, `docs/rules/${m.id}.md`);
    }
    assert.ok(pages > 50, `only ${pages} pages read`);
  });

  it("findings on every rule's docs examples (messages and related information)", () => {
    let linted = 0;
    for (const m of ALL_RULE_META) {
      const file = join(ROOT, 'docs/rules', `${m.id}.md`);
      if (!existsSync(file)) continue;
      for (const [i, block] of examples(readFileSync(file, 'utf8')).entries()) {
        const { reports } = lintText(block, { path: `node/example-${i}.txt` });
        linted++;
        for (const r of reports) {
          assert.doesNotMatch(r.message, INTERNAL, `${m.id} example ${i}: ${r.ruleId}: ${r.message}`);
          for (const rel of r.related) assert.doesNotMatch(rel.message, INTERNAL, `${m.id} example ${i}: ${r.ruleId} related: ${rel.message}`);
        }
      }
    }
    assert.ok(linted > 50, `only ${linted} examples linted`);
  });
});
