import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_RULE_META } from '../../server/src/rules/catalogue';
import { DOCS_BASE_URL, ruleDocsHref, ruleDocsUrl } from '../../server/src/engine/docs';

const ROOT = join(__dirname, '../..');

describe('rule documentation links', () => {
  it("every rule's docs: URL (CLI, SARIF) names a page that exists under docs/rules", () => {
    for (const m of ALL_RULE_META) {
      const url = ruleDocsUrl(m.id);
      assert.ok(url.startsWith(DOCS_BASE_URL), url);
      const page = join(ROOT, 'docs/rules', `${url.slice(DOCS_BASE_URL.length)}`);
      assert.ok(existsSync(page), `${m.id}: ${url} has no page ${page}`);
    }
  });

  it("the editor's link (code description, hover) is the shipped page: a file: URI that exists", () => {
    for (const m of ALL_RULE_META) {
      const href = ruleDocsHref(m.id);
      assert.ok(href.startsWith('file://'), href);
      assert.ok(existsSync(fileURLToPath(href)), href);
      assert.ok(href.endsWith(`/docs/rules/${m.id}.md`), href);
    }
  });

  it('the packaged extension ships the pages (.vscodeignore allow-list)', async () => {
    const { readFileSync } = await import('node:fs');
    const ignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8').split(/\r?\n/);
    assert.ok(ignore.includes('!docs/rules/**/*.md'), 'docs/rules pages are in the .vsix');
  });
});
