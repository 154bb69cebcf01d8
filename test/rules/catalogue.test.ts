import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSteps } from '../../server/src/core/shell';
import { ALL_RULE_META, RULES } from '../../server/src/rules/catalogue';
import type { CommandFix } from '../../server/src/rules/rule';
import { renderRulesIndex, RULES_INDEX_PATH } from '../../scripts/rulesIndex';
import { docExamples } from '../helpers/docExamples';
import { applyFixesUntilStable, docExampleOptions, lintDocExample } from '../helpers/ruleTester';

const ROOT = join(__dirname, '..', '..');

/**
 * Rules whose findings still carry free text instead of a message id of `meta.messages` with data
 * (issue 12). Every rule has been converted, so the list is empty: a new rule declares its
 * messages. A rule written before it could be converted is named here explicitly (a listed rule
 * must not declare messages, so the list stays exact and only shrinks).
 */
const WITHOUT_MESSAGE_IDS: readonly string[] = [];

const REQUIRED_SECTIONS = ['## Why', '## Examples', '## Fix', '## When to ignore', '## References'];

/**
 * The catalogue polices itself: every rule has a stable id, a one-line title, a docs page with
 * the required sections, a test file, docs examples that behave as the page says (run alone), and
 * a fix that works on them when it declares one. Behaviour is checked, not the tests' source.
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
    const { id, fix, reads } = rule.meta;
    describe(id, () => {
      if (WITHOUT_MESSAGE_IDS.includes(id)) {
        it('is listed as not converted to message ids, and is not', () => {
          assert.equal(rule.meta.messages, undefined, `${id} declares messages: remove it from WITHOUT_MESSAGE_IDS`);
        });
      } else {
        it('declares its messages, and every finding on its docs examples uses one with data for each placeholder', () => {
          const messages = rule.meta.messages ?? {};
          assert.ok(Object.keys(messages).length > 0, `${id}: meta.messages is missing`);
          for (const e of docExamples(id)) {
            for (const r of lintDocExample(id, e, reads)) {
              const where = `docs/rules/${id}.md:${e.line}`;
              assert.ok(r.messageId !== undefined, `${where}: a finding with free text: ${r.message}`);
              const template = messages[r.messageId];
              assert.ok(template !== undefined, `${where}: message id ${r.messageId} is not in meta.messages`);
              for (const [, name] of template.matchAll(/\{(\w+)\}/g)) assert.ok(r.data && Object.hasOwn(r.data, name!), `${where}: ${r.messageId} has no data for {${name}}`);
            }
          }
        });
      }

      it('has a test file', () => {
        assert.ok(existsSync(join(ROOT, 'test', 'rules', `${id}.test.ts`)), `missing test/rules/${id}.test.ts`);
      });

      it('fires on its docs page\'s firing examples and not on the others', () => {
        const examples = docExamples(id);
        assert.ok(examples.some((e) => e.verdict === 'does-not-fire'), 'no does-not-fire example');
        for (const e of examples) {
          const found = lintDocExample(id, e, reads).length;
          assert.ok(e.verdict === 'fires' ? found > 0 : found === 0, `docs/rules/${id}.md:${e.line}: ${e.verdict} example, ${found} findings`);
        }
      });

      if (fix === 'edit') {
        it('its fixes, applied to the firing examples until stable, silence it and add no parse problem', () => {
          let fixed = 0;
          for (const e of docExamples(id).filter((x) => x.verdict === 'fires')) {
            const where = `docs/rules/${id}.md:${e.line}`;
            const r = applyFixesUntilStable(id, e.text, docExampleOptions(e, reads));
            if (r.passes === 0) continue;
            fixed++;
            assert.deepEqual(r.remaining.map((x) => x.message), [], `${where}: still fires after ${r.passes} fix passes`);
            assert.deepEqual(r.problemsAfter.filter((p) => !r.problemsBefore.includes(p)), [], `${where}: the fixed text has new parse problems`);
          }
          assert.ok(fixed > 0, 'declares fix: edit, but no firing docs example gets an edit');
        });
      }

      if (fix === 'command') {
        it('a firing example yields a command fix with a non-empty script', () => {
          const scripts = docExamples(id)
            .filter((x) => x.verdict === 'fires')
            .flatMap((e) => lintDocExample(id, e, reads))
            .flatMap((r) => r.fixes.filter((f): f is CommandFix => f.kind === 'command'))
            .map((f) => renderSteps(f.steps));
          assert.ok(scripts.some((s) => s.trim() !== ''), 'declares fix: command, but no firing docs example yields a command');
        });
      }
    });
  }

  it('lists only rules that exist as not converted to message ids', () => {
    const ids = new Set(RULES.map((r) => r.meta.id));
    for (const id of WITHOUT_MESSAGE_IDS) assert.ok(ids.has(id), `${id} is not a rule`);
  });

  it('docs/rules.md lists every rule (regenerate with npm run docs)', () => {
    assert.equal(readFileSync(RULES_INDEX_PATH, 'utf8'), renderRulesIndex());
  });
});
