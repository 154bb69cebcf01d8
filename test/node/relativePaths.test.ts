import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { NodeWorkspace } from '../../server/src/lsp/nodeWorkspace';
import { hover } from '../../server/src/lsp/hover';
import { lintDocument } from '../../server/src/engine/lint';
import { nodePath, pathInNode } from '../../server/src/node/nodePath';
import { detectKind } from '../../server/src/formats/detect';
import { diskReader, nodeOfFile } from '../../server/src/node/folder';
import { cli } from '../cli/helpers';

/**
 * Messages name other files by their path in the node folder, never by where the folder is on
 * this machine: an end-to-end run of the CLI and of the editor's analysis (lint + hover) over
 * examples/ and the bundle fixtures copied under /tmp, with every message, related-information
 * message and hover searched for the folder's absolute path.
 */
const ROOT = join(__dirname, '../..');
const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function copyNodes(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kn-relpaths-')));
  made.push(dir);
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/bundles'), join(dir, 'bundles'), { recursive: true });
  cpSync(join(ROOT, 'test/fixtures/nftables-node/node'), join(dir, 'nft-node'), { recursive: true });
  return dir;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else out.push(p);
    }
  }
  return out.sort();
}

interface JsonFinding {
  readonly message: string;
  readonly related?: readonly { readonly message: string }[];
}

describe('messages name files relative to the node folder', () => {
  it('nodePath / pathInNode: inside the root relative, outside its name, without a root as given', () => {
    assert.equal(pathInNode('/tmp/x/node1', '/tmp/x/node1/sysctl-a.txt'), 'sysctl-a.txt');
    assert.equal(pathInNode('/tmp/x/sos', '/tmp/x/sos/sos_commands/kernel/sysctl_-a'), 'sos_commands/kernel/sysctl_-a');
    assert.equal(pathInNode('/tmp/x/sysdump/bugtool-a', '/tmp/x/sysdump/k8s-nodes.yaml'), 'k8s-nodes.yaml');
    assert.equal(nodePath({ path: '/tmp/x/n/a.txt' }, { root: '/tmp/x/n' }), 'a.txt');
    assert.equal(nodePath({ path: 'node/a.txt' }, {}), 'node/a.txt');
  });

  it('CLI check (JSON and text) over examples and bundles under /tmp', () => {
    const dir = copyNodes();
    const json = cli(['check', '--format', 'json', dir]);
    const parsed = JSON.parse(json.out) as { findings: JsonFinding[] };
    assert.ok(parsed.findings.length > 30, `${parsed.findings.length} findings`);
    const messages = parsed.findings.flatMap((f) => [f.message, ...(f.related ?? []).map((r) => r.message)]);
    // Some messages do cite another file (else this test would prove nothing).
    assert.ok(messages.some((m) => /\bsysctl-a\.txt\b|sos_commands\/kernel\/sysctl_-a/.test(m)), 'a message cites a sysctl file');
    for (const m of messages) assert.ok(!m.includes(dir), m);
    // Text output: the location column is the path given; the message lines after it are not.
    const text = cli(['check', dir]);
    for (const line of text.out.split('\n')) {
      const m = /^(\S+):\d+:\d+ /.exec(line);
      const rest = m ? line.slice(m[0].length) : line;
      assert.ok(!rest.includes(dir), line);
    }
  });

  it('editor: diagnostics, related-information messages and hovers of every file of every node', () => {
    const dir = copyNodes();
    const docs = new Map<string, TextDocument>();
    const ws = new NodeWorkspace((uri) => docs.get(uri));
    const settings = { rules: {}, facts: {} };
    let hovers = 0;
    let cited = 0;
    for (const file of filesUnder(dir)) {
      const text = readFileSync(file, 'utf8');
      // The language the editor gives the file: its kind by path inside a bundle, else by content.
      const listed = nodeOfFile(file, diskReader).nodes.flatMap((n) => n.files).find((f) => f.file === file);
      const kind = listed?.kind ?? detectKind(text, file).kind;
      if (kind === 'unknown') continue;
      const td = TextDocument.create(pathToFileURL(file).toString(), kind, 1, text);
      docs.set(td.uri, td);
      const parsed = ws.parseOpen(td);
      if (!parsed) continue;
      const snapshot = ws.snapshotFor(parsed, settings.facts);
      const reports = lintDocument(parsed, snapshot, settings);
      for (const r of reports) {
        assert.ok(!r.message.includes(dir), `${file}: ${r.message}`);
        for (const rel of r.related) assert.ok(!rel.message.includes(dir), `${file}: ${rel.message}`);
        if (/\.(txt|yaml|json)\b|sos_commands|cmd\//.test(r.message)) cited++;
      }
      // A hover at every finding and at the first word of every line (bounded).
      const offsets = [...reports.map((r) => r.span.start), ...text.split('\n').slice(0, 400).map((_, i) => parsed.lines.offsetAt({ line: i, character: 0 }))];
      for (const o of offsets) {
        const h = hover(parsed, o, reports);
        if (!h) continue;
        hovers++;
        const value = typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : JSON.stringify(h.contents);
        assert.ok(!value.includes(dir), `${file} hover: ${value}`);
      }
      docs.delete(td.uri);
    }
    assert.ok(hovers > 50, `${hovers} hovers`);
    assert.ok(cited > 0, 'some messages cite another file');
  });
});
