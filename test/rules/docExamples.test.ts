import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../../server/src/rules/catalogue';
import { docExamples, parseDocExamples } from '../helpers/docExamples';
import { lintDocExample } from '../helpers/ruleTester';

/**
 * The docs pages' examples are tests: each `fires` block makes its rule (run alone, with the
 * block's node files and facts) report at least one finding, each `does-not-fire` block none, and
 * every rule's page has at least one of each. Parse problems (parse/*) are not rules here: their
 * pages are rendered from data (server/src/rules/parse/pages*.ts) and their examples are one-line
 * illustrations (a limit cannot be shown in a page); the parsers' own tests cover them.
 */
/** Rules whose firing example cannot fit in a page, with the reason; each must indeed have none (the list only shrinks). */
const FIRES_TOO_BIG_FOR_A_PAGE: Readonly<Record<string, string>> = {
  'nftables/large-ruleset': 'fires from 5,000 Service IPs or 25,000 endpoint chains; test/rules/nftables/large-ruleset.test.ts generates them',
};

describe('docs examples are executed', () => {
  for (const rule of RULES) {
    const { id, reads } = rule.meta;
    it(id, () => {
      const examples = docExamples(id);
      const fires = examples.some((e) => e.verdict === 'fires');
      if (id in FIRES_TOO_BIG_FOR_A_PAGE) assert.ok(!fires, `${id} has a \`fires\` example now: remove it from FIRES_TOO_BIG_FOR_A_PAGE`);
      else assert.ok(fires, `${id}: no \`fires\` example`);
      assert.ok(examples.some((e) => e.verdict === 'does-not-fire'), `${id}: no \`does-not-fire\` example`);
      for (const e of examples) {
        const found = lintDocExample(id, e, reads);
        const where = `docs/rules/${id}.md:${e.line}`;
        if (e.verdict === 'fires') assert.ok(found.length > 0, `${where}: a \`fires\` example reports nothing`);
        else assert.deepEqual(found.map((f) => f.message), [], `${where}: a \`does-not-fire\` example reports`);
      }
    });
  }
});

describe('docs example format', () => {
  it('exempts only rules that exist', () => {
    const ids = new Set(RULES.map((r) => r.meta.id));
    for (const id of Object.keys(FIRES_TOO_BIG_FOR_A_PAGE)) assert.ok(ids.has(id), `${id} is not a rule`);
  });

  const page = (examples: string): string => `# a/b\n\n## Examples\n\n${examples}\n## Fix\n\n\`\`\`\nnot an example\n\`\`\`\n`;

  it('reads roles, node files, paths, kinds and facts', () => {
    const got = parseDocExamples(
      page('Fires:\n\n```text node path=sysctl-a.txt kind=sysctl\nnet.ipv4.ip_forward = 0\n```\n\n```iptables fires kernelVersion=5.4.0 path=save.txt\n*nat\n```\n\n```text does-not-fire\nx\n```\n'),
      'p.md',
    );
    assert.deepEqual(got, [
      { verdict: 'fires', line: 11, text: '*nat\n', path: 'save.txt', facts: { kernelVersion: '5.4.0' }, node: [{ path: 'sysctl-a.txt', text: 'net.ipv4.ip_forward = 0\n', kind: 'sysctl' }] },
      { verdict: 'does-not-fire', line: 15, text: 'x\n', path: 'example.txt', facts: {}, node: [] },
    ]);
  });

  it('refuses blocks without a role, unknown attributes and kinds, and stray node files', () => {
    assert.throws(() => parseDocExamples(page('```yaml\nx\n```\n'), 'p.md'), /p\.md:5: .*names no role/);
    assert.throws(() => parseDocExamples(page('```yaml fires kernel=5.4\nx\n```\n'), 'p.md'), /unknown attribute "kernel=5.4"/);
    assert.throws(() => parseDocExamples(page('```yaml fires kind=yaml\nx\n```\n'), 'p.md'), /unknown kind "yaml"/);
    assert.throws(() => parseDocExamples(page('```yaml fires nodeCount=many\nx\n```\n'), 'p.md'), /nodeCount/);
    assert.throws(() => parseDocExamples(page('```yaml node\nx\n```\n'), 'p.md'), /belongs to no example/);
    assert.throws(() => parseDocExamples(page('```yaml fires\nx\n'), 'p.md'), /not closed/);
  });

  it('a fence inside a block does not end the section', () => {
    const got = parseDocExamples(page('````md fires\n## not a heading\n```\n````\n'), 'p.md');
    assert.equal(got[0]!.text, '## not a heading\n```\n');
  });
});
