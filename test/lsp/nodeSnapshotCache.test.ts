import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { NodeWorkspace } from '../../server/src/lsp/nodeWorkspace';
import { TestClient } from '../helpers/lspClient';

/**
 * The editor keeps one snapshot per node: its facts are derived once for every lint of the node's
 * documents, and again only after a change to a file of that node (an open document edited, a file
 * changed on disk). A change re-lints the open documents of that node, and of no other.
 */
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const MASQ = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE\nCOMMIT\n';
const SYSCTL = 'net.ipv4.ip_forward = 1\nnet.netfilter.nf_conntrack_max = 131072\n';

/** Two node folders: node1 (iptables-save, sysctl -a, uname -r) and node2 (iptables-save). */
function twoNodes(): { node1: string; node2: string } {
  const root = mkdtempSync(join(tmpdir(), 'kn-snapshots-'));
  made.push(root);
  const node1 = join(root, 'node1');
  const node2 = join(root, 'node2');
  mkdirSync(node1);
  mkdirSync(node2);
  writeFileSync(join(node1, 'iptables-save.txt'), MASQ);
  writeFileSync(join(node1, 'sysctl-a.txt'), SYSCTL);
  writeFileSync(join(node1, 'uname-r.txt'), '5.15.0-91-generic\n');
  writeFileSync(join(node2, 'iptables-save.txt'), MASQ);
  return { node1, node2 };
}

const uriOf = (path: string): string => pathToFileURL(path).toString();

describe('lsp/nodeWorkspace.ts: one snapshot per node', () => {
  it('derives the facts once for N lints of the documents of one node, and again after a change', () => {
    const { node1, node2 } = twoNodes();
    const docs = new Map<string, TextDocument>();
    const ws = new NodeWorkspace((uri) => docs.get(uri));
    const open = (path: string, languageId: string, text: string, version = 1): TextDocument => {
      const d = TextDocument.create(uriOf(path), languageId, version, text);
      docs.set(d.uri, d);
      return d;
    };
    const a = open(join(node1, 'iptables-save.txt'), 'iptables', MASQ);
    const b = open(join(node1, 'sysctl-a.txt'), 'sysctl', SYSCTL);
    // The server passes its settings' fact overrides, one object until the settings change.
    const overrides = {};
    const lint = (d: TextDocument) => ws.snapshotFor(ws.parseOpen(d)!, overrides);

    const first = lint(a);
    for (let i = 0; i < 10; i++) {
      assert.equal(lint(a), first);
      assert.equal(lint(b), first);
    }
    assert.equal(ws.snapshotsBuilt, 1, 'one snapshot for 21 lints of two documents of one node');
    assert.equal(first.facts.kernel?.value.text, '5.15.0-91-generic');

    // An edit to an open document of the node: a new snapshot, read by both documents.
    const b2 = open(join(node1, 'sysctl-a.txt'), 'sysctl', `kernel.osrelease = 6.1.0-27-amd64\n${SYSCTL}`, 2);
    const afterEdit = lint(a);
    assert.notEqual(afterEdit, first);
    assert.equal(lint(b2), afterEdit);
    assert.equal(ws.snapshotsBuilt, 2);
    assert.equal(afterEdit.facts.kernel?.value.text, '6.1.0-27-amd64');

    // A sibling changed on disk: nothing is re-read until the change is reported (facts are not derived per lint)...
    writeFileSync(join(node1, 'sysctl-a.txt'), 'kernel.osrelease = 4.19.0-26-amd64\n');
    docs.delete(b2.uri);
    ws.forget(b2.uri);
    const closed = lint(a);
    assert.equal(ws.snapshotsBuilt, 3, 'closing the document puts its disk copy in its place');
    assert.equal(closed.facts.kernel?.value.text, '4.19.0-26-amd64');
    writeFileSync(join(node1, 'uname-r.txt'), '6.6.0-1-amd64\n');
    writeFileSync(join(node1, 'sysctl-a.txt'), SYSCTL);
    assert.equal(lint(a), closed);
    assert.equal(ws.snapshotsBuilt, 3);
    // ...then the node's snapshot is built again, with the new facts; another node's is not touched.
    const c = open(join(node2, 'iptables-save.txt'), 'iptables', MASQ);
    const other = lint(c);
    assert.equal(ws.snapshotsBuilt, 4);
    ws.invalidate(uriOf(join(node1, 'uname-r.txt')), true);
    const afterDisk = lint(a);
    assert.equal(ws.snapshotsBuilt, 5);
    assert.equal(afterDisk.facts.kernel?.value.text, '6.6.0-1-amd64');
    assert.equal(lint(c), other);
    assert.equal(ws.snapshotsBuilt, 5);

    // A new file in the node's folder joins it.
    writeFileSync(join(node1, 'sysctl-a.txt'), 'kernel.osrelease = 6.12.0-1-amd64\n');
    rmSync(join(node1, 'uname-r.txt'));
    ws.invalidate(uriOf(join(node1, 'uname-r.txt')), true);
    assert.equal(lint(a).facts.kernel?.value.text, '6.12.0-1-amd64');

    // Who reads a file: the open documents of its node, not those of another node.
    assert.deepEqual(ws.dependents(uriOf(join(node1, 'sysctl-a.txt')), [a.uri, c.uri]), [a.uri]);
    assert.deepEqual(ws.dependents(uriOf(join(node2, 'new.txt')), [a.uri, c.uri]), [c.uri]);
  });
});

interface Stats {
  lintsCompleted: number;
  snapshotsBuilt: number;
}

describe('language server: node snapshots and re-lints (dist/server.js over stdio)', () => {
  const { node1, node2 } = twoNodes();
  const a = uriOf(join(node1, 'iptables-save.txt'));
  const b = uriOf(join(node1, 'sysctl-a.txt'));
  const e = uriOf(join(node2, 'iptables-save.txt'));
  let client: TestClient;
  const stats = async (): Promise<Stats> => (await client.connection.sendRequest('kube-netlint/stats')) as Stats;
  /** Waits until `lintsCompleted` reaches `n`, then a little longer, so that any extra lint would show. */
  const settle = async (n: number): Promise<Stats> => {
    const deadline = Date.now() + 15_000;
    while ((await stats()).lintsCompleted < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 800));
    return stats();
  };
  const lintsOf = (path: string): number => client.logs.filter((l) => l.startsWith(`linted ${path} `)).length;

  before(async () => {
    client = new TestClient(['--stdio'], { KUBE_NETLINT_STATS: '1' });
    await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: a, languageId: 'iptables', version: 1, text: MASQ } });
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: b, languageId: 'sysctl', version: 1, text: SYSCTL } });
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: e, languageId: 'iptables', version: 1, text: MASQ } });
    for (const uri of [a, b, e]) await client.waitForDiagnostics(uri);
    await settle(3);
  });
  after(() => client?.kill());

  it('an edit re-lints the open documents of its node with one new snapshot; the other node is not re-linted', async () => {
    const before = await stats();
    const eLints = lintsOf(join(node2, 'iptables-save.txt'));
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: a, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }] });
    await client.waitForDiagnostics(a, (p) => p.version === 2);
    const now = await settle(before.lintsCompleted + 2);
    assert.equal(now.lintsCompleted - before.lintsCompleted, 2, 'the edited document and its sibling');
    assert.equal(now.snapshotsBuilt - before.snapshotsBuilt, 1, 'facts derived once for both lints');
    assert.equal(lintsOf(join(node2, 'iptables-save.txt')), eLints);
  });

  it('a sibling changed on disk re-lints the open documents of that node only, with one new snapshot', async () => {
    const before = await stats();
    const eLints = lintsOf(join(node2, 'iptables-save.txt'));
    const aLints = lintsOf(join(node1, 'iptables-save.txt'));
    const bLints = lintsOf(join(node1, 'sysctl-a.txt'));
    writeFileSync(join(node1, 'uname-r.txt'), '6.1.0-27-amd64\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(node1, 'uname-r.txt')), type: 2 }] });
    const now = await settle(before.lintsCompleted + 2);
    assert.equal(now.lintsCompleted - before.lintsCompleted, 2);
    assert.equal(now.snapshotsBuilt - before.snapshotsBuilt, 1);
    assert.equal(lintsOf(join(node1, 'iptables-save.txt')), aLints + 1);
    assert.equal(lintsOf(join(node1, 'sysctl-a.txt')), bLints + 1);
    assert.equal(lintsOf(join(node2, 'iptables-save.txt')), eLints);
  });
});
