import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../server/src/cli/main';
import { collectNodes, type SkipNote } from '../../server/src/cli/collect';
import { MAX_NODE_FILE_BYTES } from '../../server/src/node/folder';

/**
 * The CLI on folders holding what strangers' tarballs hold: links that loop, dangle or lead out of
 * the folder, FIFOs, sparse giants. Each is skipped with one note and the run goes on; nothing
 * outside the folder given is read. A file given on its own is linted with its siblings' facts.
 */
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kn-folders-'));
  made.push(d);
  return d;
}

function cli(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

const MASQ = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n';
const SECRET = 'kernel.osrelease = 9.9.9-SECRET-OUTSIDE\n';

/** A node folder with every kind of hostile entry, and a secret next to it. */
function hostileTree(): { root: string; node: string } {
  const root = tempDir();
  writeFileSync(join(root, 'outside-sysctl.txt'), SECRET);
  const node = join(root, 'node');
  mkdirSync(join(node, 'sub'), { recursive: true });
  writeFileSync(join(node, 'iptables-save.txt'), MASQ);
  symlinkSync(join(root, 'outside-sysctl.txt'), join(node, 'sysctl-a.txt'));
  symlinkSync('../..', join(node, 'sub', 'up'));
  symlinkSync('loop-b', join(node, 'loop-a'));
  symlinkSync('loop-a', join(node, 'loop-b'));
  symlinkSync('missing.txt', join(node, 'dangling.txt'));
  symlinkSync('.', join(node, 'sub', 'self'));
  spawnSync('mkfifo', [join(node, 'pipe.txt')]);
  writeFileSync(join(node, 'sparse.txt'), '');
  truncateSync(join(node, 'sparse.txt'), MAX_NODE_FILE_BYTES + 1);
  return { root, node };
}

describe('node folders from strangers', () => {
  it('skips loops, dangling links, links out of the folder, FIFOs and sparse giants with one note each; the run goes on', { timeout: 30_000 }, () => {
    const { node } = hostileTree();
    const r = cli(['check', '--format', 'json', node]);
    assert.notEqual(r.code, 2, r.err);
    const json = JSON.parse(r.out) as { files: { file: string }[]; findings: { message: string }[] };
    assert.deepEqual(
      json.files.map((f) => f.file),
      [`${node}/iptables-save.txt`],
    );
    assert.ok(!r.out.includes('SECRET'), 'the linked outside file was not read');
    const notes = r.err.trim().split('\n');
    const expected: [string, RegExp][] = [
      ['dangling.txt', /dangling symbolic link/],
      ['loop-a', /symbolic link loop/],
      ['loop-b', /symbolic link loop/],
      ['pipe.txt', /not a regular file/],
      ['sparse.txt', /above the .*-byte limit/],
      ['sub/self', /symbolic link loop/],
      ['sub/up', /leads outside the folder given/],
      ['sysctl-a.txt', /leads outside the folder given/],
    ];
    for (const [name, reason] of expected) {
      const line = notes.filter((l) => l.startsWith(`kube-netlint: skipped ${node}/${name}: `));
      assert.equal(line.length, 1, `one note for ${name}:\n${r.err}`);
      assert.match(line[0]!, reason);
    }
    assert.equal(notes.length, expected.length, r.err);
  });

  it('a dangling link, a loop or a FIFO next to a file given on its own does not abort the run either', () => {
    const { node } = hostileTree();
    const r = cli(['check', '--format', 'json', join(node, 'iptables-save.txt')]);
    assert.notEqual(r.code, 2, r.err);
    assert.ok(!r.out.includes('SECRET'));
  });

  it('a path given that does not exist is still an error (exit 2)', () => {
    const r = cli(['check', join(tempDir(), 'nope')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read .*nope: ENOENT/);
  });

  it('a file given on its own is linted with its siblings, as the editor does: the same findings as for the folder', () => {
    const examples = join(__dirname, '..', '..', 'examples');
    for (const folder of readdirSync(examples).sort()) {
      const dir = join(examples, folder);
      const whole = JSON.parse(cli(['check', '--format', 'json', dir]).out) as { findings: { file: string; rule: string; message: string }[] };
      for (const name of readdirSync(dir).sort()) {
        const file = join(dir, name);
        const alone = JSON.parse(cli(['check', '--format', 'json', file]).out) as { files: { file: string }[]; findings: { file: string; rule: string; message: string }[] };
        assert.deepEqual(alone.files.map((f) => f.file), [file], 'only the given file is reported');
        assert.deepEqual(
          alone.findings.map((f) => `${f.rule} ${f.message}`),
          whole.findings.filter((f) => f.file === file).map((f) => `${f.rule} ${f.message}`),
          `${folder}/${name}`,
        );
      }
    }
  });

  it('a file given twice, or with its folder, is read once and linted', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), MASQ);
    writeFileSync(join(dir, 'b.txt'), MASQ);
    const notes: SkipNote[] = [];
    const nodes = collectNodes([join(dir, 'a.txt'), dir, join(dir, 'a.txt')], (n) => notes.push(n));
    assert.equal(nodes.length, 1);
    assert.deepEqual(nodes[0]!.files.map((f) => f.path).sort(), [join(dir, 'a.txt'), `${dir}/b.txt`]);
    assert.deepEqual(nodes[0]!.context, []);
    assert.deepEqual(notes, []);
  });
});
