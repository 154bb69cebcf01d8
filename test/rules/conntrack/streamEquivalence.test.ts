import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeConntrackTable } from '../../../bench/lib/conntrackTable';
import { run } from '../../../server/src/cli/main';
import { formatJson, formatSarif } from '../../../server/src/cli/output';
import { shouldStream, STREAM_MIN_BYTES } from '../../../server/src/cli/streamFile';
import { lintNodePlain, type NodeInput, type NodeInputFile } from '../../../server/src/fleet/lintNode';
import { DEFAULT_SETTINGS } from '../../../server/src/node/settings';

/**
 * The CLI reads big conntrack tables in chunks (cli/streamFile.ts, node/streamedDocument.ts): the
 * document it lints holds only the lines the model points into. Its findings must be the findings
 * of the whole text, byte for byte in the CLI's JSON and in SARIF (whose fingerprints hash each
 * finding's evidence lines): over every conntrack fixture, alone and beside a node's iptables,
 * sysctl and ethtool dumps, and over a generated 50,000-entry table.
 */

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'conntrack');
const SIBLINGS = join(ROOT, 'examples', 'vxlan-63s-delay');
const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fixtures = readdirSync(FIXTURES, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile())
  .map((d) => join(d.parentPath, d.name))
  .sort();

const whole = (file: string, path = file): NodeInputFile => ({ path, text: readFileSync(file, 'utf8') });
const streamed = (file: string, path = file): NodeInputFile => ({ path, text: '', kind: 'conntrack', stream: file });

/** The CLI's JSON and SARIF for a node whose `file` is read whole, and the same with it streamed. */
function outputs(file: string, context: readonly NodeInputFile[] = []): { whole: string[]; streamed: string[] } {
  const node = (f: NodeInputFile): NodeInput => ({ name: dir, files: [f], context });
  const a = lintNodePlain(node(whole(file)), DEFAULT_SETTINGS);
  const b = lintNodePlain(node(streamed(file)), DEFAULT_SETTINGS);
  assert.equal(a.files[0]!.kind, 'conntrack', `${file} is detected as conntrack`);
  return { whole: [formatJson([a]), formatSarif([a], 'test')], streamed: [formatJson([b]), formatSarif([b], 'test')] };
}

const siblings = (): NodeInputFile[] => readdirSync(SIBLINGS).map((n) => whole(join(SIBLINGS, n)));

describe('conntrack: findings of a streamed table equal those of its whole text', () => {
  it('finds the 17 real fixtures', () => assert.equal(fixtures.length, 17));

  for (const file of fixtures) {
    it(`${file.slice(FIXTURES.length + 1)}: alone and beside a node's other dumps`, () => {
      const alone = outputs(file);
      assert.deepEqual(alone.streamed, alone.whole);
      const withNode = outputs(file, siblings());
      assert.deepEqual(withNode.streamed, withNode.whole);
    });
  }

  it('a generated 50,000-entry table: the same findings, and the CLI streams it', () => {
    const node = join(dir, 'node');
    mkdirSync(node);
    const table = join(node, 'conntrack-L.txt');
    writeConntrackTable(table, 50_000);
    for (const n of readdirSync(SIBLINGS)) copyFileSync(join(SIBLINGS, n), join(node, n));
    const size = statSync(table).size;
    assert.ok(size > STREAM_MIN_BYTES, `${size} bytes`);
    assert.equal(shouldStream({ file: table, path: table, size }), true);

    const context = readdirSync(SIBLINGS).map((n) => whole(join(node, n)));
    const o = outputs(table, context);
    assert.deepEqual(o.streamed, o.whole);
    const rules = (JSON.parse(o.whole[0]!) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    assert.deepEqual(rules, ['conntrack/syn-sent-unreplied']);

    // The CLI (the file given alone, its siblings read for the facts) prints the whole text's JSON.
    const out: string[] = [];
    const status = run(['check', '--format', 'json', table], (s) => out.push(s), () => undefined);
    assert.equal(status, 0);
    const cli = lintNodePlain({ name: node, files: [whole(table)], context }, DEFAULT_SETTINGS);
    assert.equal(out.join(''), formatJson([cli]));
  });

  it('a table holding the suppression directive is read whole, so the directive works as before', () => {
    const table = join(dir, 'suppressed.txt');
    const entry = (i: number): string =>
      `tcp      6 100 SYN_SENT src=10.0.0.${i % 250} dst=10.96.0.1 sport=${1000 + i} dport=80 [UNREPLIED] src=10.244.1.${i % 7} dst=10.0.0.${i % 250} sport=80 dport=${1000 + i} mark=0 use=1`;
    writeFileSync(table, `# kube-netlint-disable conntrack/syn-sent-unreplied\n${Array.from({ length: 200 }, (_, i) => entry(i)).join('\n')}\n`);
    const o = outputs(table);
    assert.deepEqual(o.streamed, o.whole);
    assert.doesNotMatch(o.whole[0]!, /syn-sent-unreplied/);
    writeFileSync(table, `${Array.from({ length: 200 }, (_, i) => entry(i)).join('\n')}\n`);
    assert.match(outputs(table).streamed[0]!, /syn-sent-unreplied/);
  });

  it('small files and other kinds are read whole', () => {
    assert.equal(shouldStream({ file: fixtures[0]!, path: fixtures[0]!, size: statSync(fixtures[0]!).size }), false);
    const big = join(dir, 'big-iptables.txt');
    writeFileSync(big, `*filter\n${'-A INPUT -j ACCEPT\n'.repeat(STREAM_MIN_BYTES / 18 + 1)}COMMIT\n`);
    assert.equal(shouldStream({ file: big, path: big, size: statSync(big).size }), false);
    assert.equal(shouldStream({ file: big, path: big, size: statSync(big).size, kind: 'conntrack' }), true);
  });
});
