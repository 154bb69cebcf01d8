import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULE_META, RULES } from '../../server/src/rules/catalogue';
import { renderRulesIndex, RULES_INDEX_PATH } from '../../scripts/rulesIndex';

const ROOT = join(__dirname, '..', '..');
const REQUIRED_SECTIONS = ['## Why', '## Examples', '## Fix', '## When to ignore', '## References'];

/**
 * The catalogue polices itself: every rule has a stable id, a one-line title, a docs page with
 * the required sections, a test file with firing and non-firing cases, and a tested fix when it
 * declares one.
 */
describe('rule catalogue', () => {
  it('has unique, well-formed, sorted ids', () => {
    const ids = ALL_RULE_META.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate rule id');
    for (const id of ids) assert.match(id, /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/, `bad id ${id}`);
    assert.deepEqual(ids, [...ids].sort((a, b) => a.localeCompare(b)));
  });

  for (const meta of ALL_RULE_META) {
    describe(meta.id, () => {
      it('has a one-line title', () => {
        assert.ok(meta.title.length > 10 && meta.title.length <= 100 && !meta.title.includes('\n'), meta.title);
      });

      it('has a docs page with the required sections', () => {
        const path = join(ROOT, 'docs', 'rules', `${meta.id}.md`);
        assert.ok(existsSync(path), `missing ${path}`);
        const md = readFileSync(path, 'utf8');
        assert.ok(md.startsWith(`# ${meta.id}\n`), 'page starts with "# <id>"');
        for (const s of REQUIRED_SECTIONS) assert.ok(md.includes(`\n${s}\n`), `section "${s}" missing`);
        const refs = md.slice(md.indexOf('## References'));
        assert.match(refs, /https?:\/\/|\(\w+\(\d\)\)|\w+\(\d\)|#\d+/, 'References cite a source');
      });
    });
  }

  for (const rule of RULES) {
    const { id, fix } = rule.meta;
    it(`${id} has tests with firing and non-firing cases${fix ? ' and a tested fix' : ''}`, () => {
      const path = join(ROOT, 'test', 'rules', `${id}.test.ts`);
      assert.ok(existsSync(path), `missing ${path}`);
      const src = readFileSync(path, 'utf8');
      assert.match(src, /\^\^+ \$\{RULE\}|\^\^+ [a-z0-9]+\/[a-z-]+/, 'a firing case drawn with ^^^ markers');
      assert.match(src, /does not fire|not fire|no finding/i, 'a non-firing case');
      if (fix === 'edit') assert.match(src, /applyEdits\(/, 'the fix is applied and its output compared');
      if (fix === 'command') assert.match(src, /scriptOf\(/, 'the remediation command is asserted');
    });
  }

  it('docs/rules.md lists every rule (regenerate with npm run docs)', () => {
    assert.equal(readFileSync(RULES_INDEX_PATH, 'utf8'), renderRulesIndex());
  });
});
