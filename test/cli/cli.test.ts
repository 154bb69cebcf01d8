import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../server/src/cli/main';
import { wrap } from '../../server/src/cli/output';
import { ruleDocsUrl } from '../../server/src/engine/docs';
import { ruleMeta } from '../../server/src/rules/catalogue';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const MASQ = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n';

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

function nodeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kn-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('kube-netlint check', () => {
  it('prints each finding like a compiler (path:line:col severity rule: title), its message wrapped below and its docs link', () => {
    const dir = nodeDir({ 'node3.txt': MASQ });
    const r = cli(['check', dir]);
    assert.equal(r.code, 0, 'info findings do not fail the run');
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines[0], `${dir}/node3.txt:3:19 info iptables/masquerade-without-random-fully: ${ruleMeta('iptables/masquerade-without-random-fully')!.title}`);
    const body = lines.slice(1, -1);
    assert.ok(body.length >= 2, 'the long message is wrapped over several lines');
    for (const l of body) {
      assert.match(l, /^ {4}\S/);
      assert.ok(l.length <= 100 || !l.slice(4).includes(' '), `wrapped to 100 columns: ${l}`);
    }
    assert.match(body.join(' '), /^ {4}MASQUERADE in POSTROUTING/);
    assert.equal(lines.at(-1), `    docs: ${ruleDocsUrl('iptables/masquerade-without-random-fully')}`);
    assert.match(r.err, /1 finding \(0 error, 0 warning, 1 info, 0 hint\) in 1 file/);
  });

  it('prints one line per finding with --format compact, the whole message on it', () => {
    const dir = nodeDir({ 'node3.txt': MASQ, 'node4.txt': MASQ.replace('POSTROUTING -j', 'POSTROUTING -o eth0 -j') });
    const text = cli(['check', dir]);
    const r = cli(['check', '--format', 'compact', dir]);
    assert.equal(r.code, 0);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, new RegExp(`^${dir}/node3\\.txt:3:19 info iptables/masquerade-without-random-fully MASQUERADE in POSTROUTING`));
    assert.match(lines[1]!, new RegExp(`^${dir}/node4\\.txt:3:27 info iptables/masquerade-without-random-fully `));
    // The same words as the readable format's wrapped message.
    const wrapped = text.out.split('\n\n')[0]!.split('\n').slice(1, -1).map((l) => l.trim()).join(' ');
    assert.equal(lines[0]!.slice(lines[0]!.indexOf(' MASQUERADE') + 1), wrapped);
    assert.equal(r.err, text.err);
  });

  it('prints the JSON contract with 0-based ranges and file paths exactly as found under the PATH given', () => {
    const dir = nodeDir({ 'a/iptables.txt': MASQ, 'a/notes': 'hello\n' });
    const r = cli(['check', '--format', 'json', `${dir}/`]);
    const json = JSON.parse(r.out) as { files: { file: string; kind: string }[]; findings: { file: string; rule: string; severity: string; range: unknown }[] };
    assert.deepEqual(json.files, [
      { file: `${dir}/a/iptables.txt`, kind: 'iptables' },
      { file: `${dir}/a/notes`, kind: 'unknown' },
    ]);
    const f = json.findings.find((x) => x.rule === 'iptables/masquerade-without-random-fully')!;
    assert.equal(f.file, `${dir}/a/iptables.txt`);
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.range, { start: { line: 2, character: 18 }, end: { line: 2, character: 28 } });
    assert.ok(json.findings.some((x) => x.rule === 'parse/unknown-format' && x.file === `${dir}/a/notes`));
  });

  it('exits 1 when a finding is at warning or above', () => {
    const dir = nodeDir({ 'iptables-save.txt': '*filter\n:INPUT ACCEPT [0:0]\n-A NOSUCH -j ACCEPT\nCOMMIT\n' });
    const r = cli(['check', dir]);
    assert.equal(r.code, 1);
    assert.match(r.out, /warning parse\/iptables-undeclared-chain: .*\n {4}chain NOSUCH is not declared/);
  });

  it('exits 0 when every finding is below warning (a truncated paste is info)', () => {
    const dir = nodeDir({ 'iptables-save.txt': '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.244.0.0/16 -j RETURN\n' });
    const r = cli(['check', dir]);
    assert.equal(r.code, 0);
    assert.match(r.out, /info parse\/iptables-truncated: .*\n {4}table 'nat' ends without COMMIT/);
  });

  it('passes --kernel to the rules as a fact', () => {
    const dir = nodeDir({ 'ipt.txt': MASQ.replace('MASQUERADE', 'MASQUERADE --random') });
    assert.match(cli(['check', dir]).out, /kernel version is unknown/);
    assert.equal(cli(['check', '--kernel', '5.10.0', dir]).out, '');
  });

  it('passes --node-count to the rules as a fact', () => {
    const dir = nodeDir({ 'sysctl-a.txt': 'net.ipv4.neigh.default.gc_thresh3 = 1024\n' });
    assert.equal(cli(['check', '--format', 'compact', dir]).out, '');
    assert.match(cli(['check', '--format', 'compact', '--node-count', '800', dir]).out, /info sysctl\/neighbour-table-small .*about 1600 neighbour entries \(800 nodes \(from setting nodeCount\) in the cluster/);
  });

  it('exits 2 with a one-line message on usage errors and unreadable paths', () => {
    for (const args of [[], ['lint'], ['check'], ['check', '--format', 'xml', '.'], ['check', '--bogus', '.'], ['check', '--kernel', 'abc', '.'], ['check', '--node-count', '0', '.'], ['check', '--node-count', 'many', '.']]) {
      const r = cli(args);
      assert.equal(r.code, 2, `args ${JSON.stringify(args)}`);
      assert.match(r.err, /^kube-netlint: .+\n/);
      assert.doesNotMatch(r.err, /at .+\(.+:\d+:\d+\)/, 'no stack trace');
    }
    const missing = cli(['check', '/nonexistent/node7']);
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'kube-netlint: cannot read /nonexistent/node7: ENOENT\n');
    if (process.getuid?.() !== 0) {
      const dir = nodeDir({ 'secret.txt': MASQ });
      chmodSync(join(dir, 'secret.txt'), 0);
      assert.equal(cli(['check', dir]).code, 2);
    }
  });

  it('survives empty, binary, CRLF and unknown files with a clear message each', () => {
    const dir = nodeDir({
      'empty.txt': '',
      'binary.bin': String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
      'crlf.txt': MASQ.replace(/\n/g, '\r\n'),
    });
    const r = cli(['check', '--format', 'json', dir]);
    assert.equal(r.code, 0);
    const json = JSON.parse(r.out) as { files: { file: string; kind: string }[]; findings: { file: string; rule: string }[] };
    assert.deepEqual(json.files.map((f) => f.kind), ['unknown', 'iptables', 'unknown']);
    assert.ok(json.findings.some((f) => f.file.endsWith('crlf.txt') && f.rule === 'iptables/masquerade-without-random-fully'));
    assert.ok(json.findings.some((f) => f.file.endsWith('empty.txt') && f.rule === 'parse/unknown-format'));
  });

  it('runs as the built binary over the bundled examples', () => {
    const r = spawnSync(process.execPath, [CLI, 'check', 'examples/healthy-node'], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '', 'the healthy example node has no findings');
  });
});

describe('kube-netlint check --format sarif', () => {
  it('writes SARIF 2.1.0 with 1-based regions and rule help links', () => {
    const dir = nodeDir({ 'ipt.txt': MASQ });
    const r = cli(['check', '--format', 'sarif', dir]);
    const sarif = JSON.parse(r.out) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0]!;
    const res = run.results.find((x) => x.ruleId === 'iptables/masquerade-without-random-fully')!;
    assert.equal(res.level, 'note');
    assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uri, `${dir}/ipt.txt`);
    assert.deepEqual(res.locations[0]!.physicalLocation.region, { startLine: 3, startColumn: 19, endLine: 3, endColumn: 29 });
    assert.match(run.tool.driver.rules.find((x) => x.id === res.ruleId)!.helpUri, /docs\/rules\/iptables\/masquerade-without-random-fully\.md$/);
  });
});

describe('text wrapping of finding messages', () => {
  it('fills lines up to the width, breaks only between words, and gives an over-long word (a URL) its own line', () => {
    assert.deepEqual(wrap('aa bb cc dd', 5), ['aa bb', 'cc dd']);
    assert.deepEqual(wrap('see https://example.com/a/very/long/path now', 10), ['see', 'https://example.com/a/very/long/path', 'now']);
    assert.deepEqual(wrap('one\ntwo  three', 20), ['one', 'two three']);
    assert.deepEqual(wrap('', 20), ['']);
  });
});
