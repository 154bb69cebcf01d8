import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { NodeWorkspace } from '../../server/src/lsp/nodeWorkspace';
import { KIND_BY_PATH, listNodes, type EntryStat, type FolderReader } from '../../server/src/node/folder';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const MASQ = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j MASQUERADE\nCOMMIT\n';

describe('node/folder.ts: one definition of a node', () => {
  it('the editor reads the same siblings as the CLI: a link out of the folder is not followed (its content showed up in a message)', () => {
    const root = mkdtempSync(join(tmpdir(), 'kn-node-'));
    made.push(root);
    writeFileSync(join(root, 'secret-sysctl.txt'), 'kernel.osrelease = 4.19.0-SECRET\n');
    const node = join(root, 'node');
    mkdirSync(node);
    writeFileSync(join(node, 'iptables-save.txt'), MASQ);
    writeFileSync(join(node, 'uname-r.txt'), '5.15.0-91-generic\n');
    symlinkSync(join(root, 'secret-sysctl.txt'), join(node, 'sysctl-a.txt'));
    symlinkSync('nowhere', join(node, 'dangling.txt'));
    const uri = pathToFileURL(join(node, 'iptables-save.txt')).toString();
    const doc = TextDocument.create(uri, 'iptables', 1, MASQ);
    const ws = new NodeWorkspace(() => undefined);
    const parsed = ws.parseOpen(doc)!;
    const snapshot = ws.snapshotFor(parsed, {});
    assert.deepEqual(
      snapshot.documents.map((d) => d.path.slice(node.length + 1)).sort(),
      ['iptables-save.txt', 'uname-r.txt'],
    );
    assert.equal(snapshot.facts.kernel?.value.text, '5.15.0-91-generic');
  });

  it('the editor reads a sibling captured as UTF-16 (PowerShell 5 `>`) as its text: the kernel fact comes from it', () => {
    const root = mkdtempSync(join(tmpdir(), 'kn-node-'));
    made.push(root);
    const node = join(root, 'node');
    mkdirSync(node);
    writeFileSync(join(node, 'iptables-save.txt'), MASQ);
    writeFileSync(join(node, 'uname-r.txt'), Buffer.from('\ufeff5.15.0-91-generic\r\n', 'utf16le'));
    const doc = TextDocument.create(pathToFileURL(join(node, 'iptables-save.txt')).toString(), 'iptables', 1, MASQ);
    const ws = new NodeWorkspace(() => undefined);
    const snapshot = ws.snapshotFor(ws.parseOpen(doc)!, {});
    assert.equal(snapshot.facts.kernel?.value.text, '5.15.0-91-generic');
  });

  it('walks folders with an explicit stack in name order; a node is a folder that directly holds files', () => {
    // A fake disk: the walk only uses the reader, so sosreport-style trees can be tested without files.
    const tree: Record<string, string | null> = { '/r': null, '/r/a': null, '/r/a/x.txt': 'x', '/r/b.txt': 'b', '/r/a/deep': null, '/r/a/deep/y.txt': 'y', '/r/.git': null, '/r/.git/c': 'c', '/r/notes.md': 'm' };
    const stat = (p: string): EntryStat => {
      if (!(p in tree)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return { kind: tree[p] === null ? 'dir' : 'file', size: tree[p]?.length ?? 0, mtimeMs: 0 };
    };
    const reader: FolderReader = {
      lstat: stat,
      stat,
      realpath: (p) => (stat(p), p),
      readdir: (p) => Object.keys(tree).filter((k) => k.startsWith(`${p}/`) && !k.slice(p.length + 1).includes('/')).map((k) => k.slice(p.length + 1)),
      readFile: (p) => tree[p] ?? '',
    };
    const { nodes, notes } = listNodes('/r', reader);
    assert.deepEqual(
      nodes.map((n) => [n.name, n.files.map((f) => f.path)]),
      [
        ['/r', ['/r/b.txt']],
        ['/r/a', ['/r/a/x.txt']],
        ['/r/a/deep', ['/r/a/deep/y.txt']],
      ],
    );
    assert.deepEqual(notes, []);
    // Outside a bundle the path decides no kind: content does (bundles: test/node/bundles.test.ts).
    assert.ok(KIND_BY_PATH.length > 0);
    assert.deepEqual(nodes.flatMap((n) => n.files.filter((f) => f.kind !== undefined)), []);
  });

  it('a folder nested 5,000 deep is walked without recursion', () => {
    const tree = new Set<string>(['/r']);
    let p = '/r';
    for (let i = 0; i < 5000; i++) tree.add((p = `${p}/d`));
    tree.add(`${p}/f.txt`);
    const stat = (q: string): EntryStat => ({ kind: q.endsWith('.txt') ? 'file' : 'dir', size: 1, mtimeMs: 0 });
    const reader: FolderReader = {
      lstat: stat,
      stat,
      realpath: (q) => q,
      readdir: (q) => (q === p ? ['f.txt'] : tree.has(`${q}/d`) ? ['d'] : []),
      readFile: () => 'x',
    };
    const { nodes } = listNodes('/r', reader);
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0]!.files[0]!.path, `${p}/f.txt`);
  });
});
