import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, MarkupContent, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { kubeProxyDump } from '../../bench/generate/kubeProxyDump';
import { lintDocument } from '../../server/src/engine/lint';
import { parseDocument } from '../../server/src/node/document';
import { DEFAULT_SETTINGS } from '../../server/src/node/settings';
import { createSnapshot } from '../../server/src/node/snapshot';
import { TestClient } from '../helpers/lspClient';

/**
 * 1,000 keystrokes on the 75,000-line kube-proxy dump, sent as fast as the pipe takes them, then a
 * hover. The server must apply the changes in one go (one parse, one lint for the whole storm),
 * answer the hover from its last complete analysis before that lint is done, and then publish
 * diagnostics for exactly the text the keystrokes produced.
 */
interface Stats {
  parses: number;
  lintsStarted: number;
  lintsCompleted: number;
  changesReceived: number;
  flushes: number;
}

const RULE = 'iptables/masquerade-without-random-fully';

describe('language server under an edit storm (75k-line dump, 1,000 incremental edits)', () => {
  const text = kubeProxyDump(5000);
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-storm-'));
  const file = join(dir, 'iptables-save.txt');
  const uri = pathToFileURL(file).toString();
  let client: TestClient;

  before(async () => {
    writeFileSync(file, text);
    client = new TestClient(['--stdio'], { KUBE_NETLINT_STATS: '1' });
    await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 1, text } });
    await client.waitForDiagnostics(uri, (p) => p.version === 1, 60_000);
  });
  after(() => client?.kill());

  it('coalesces the edits, answers a hover at once from the last analysis, then lints once', async () => {
    const lines = text.split('\n');
    const commit = lines.findIndex((l, i) => i > 121 && l === 'COMMIT'); // the nat table's COMMIT
    const hoverLine = lines.findIndex((l) => l.startsWith(':KUBE-SERVICES'));
    assert.ok(commit > 0 && hoverLine > 0 && hoverLine < commit);

    // Type rule lines one character at a time just above the nat COMMIT: 1,000 keystrokes.
    const typed: string[] = [];
    for (let n = 0; typed.join('\n').length < 1000; n++) typed.push(`-A POSTROUTING -s 10.${n}.0.0/16 -j MASQUERADE`);
    const keys = `${typed.join('\n')}\n`.slice(0, 1000);
    const before = (await client.connection.sendRequest('kube-netlint/stats')) as Stats;
    const started = Date.now();
    let line = commit;
    let character = 0;
    let version = 1;
    const sends: Promise<void>[] = [];
    for (const key of keys) {
      const at = { line, character };
      sends.push(client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ range: { start: at, end: at }, text: key }] }));
      if (key === '\n') [line, character] = [line + 1, 0];
      else character++;
    }
    await Promise.all(sends);
    const finalVersion = version;

    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: hoverLine, character: 3 } })) as Hover | null;
    const hoverMs = Date.now() - started;
    const publishedAtHover = (await client.waitForDiagnostics(uri)).version;
    assert.ok(h, 'the hover is answered from the last complete analysis');
    assert.match((h.contents as MarkupContent).value, /KUBE-SERVICES/);
    assert.notEqual(publishedAtHover, finalVersion, 'the hover came before the analysis of the storm finished');
    assert.ok(hoverMs < 5000, `hover answered after ${hoverMs} ms`);

    const published: PublishDiagnosticsParams = await client.waitForDiagnostics(uri, (p) => p.version === finalVersion, 60_000);
    const after = (await client.connection.sendRequest('kube-netlint/stats')) as Stats;
    assert.equal(after.changesReceived - before.changesReceived, 1000);
    assert.ok(after.parses - before.parses <= 2, `parses during the storm: ${after.parses - before.parses}`);
    assert.equal(after.lintsCompleted - before.lintsCompleted, 1, 'one complete lint for the whole storm');
    assert.ok(after.lintsStarted - before.lintsStarted <= 2, `lints started: ${after.lintsStarted - before.lintsStarted}`);
    assert.ok(after.flushes - before.flushes <= 3, `text rebuilt ${after.flushes - before.flushes} times`);

    // The diagnostics are those of exactly the typed text: same findings as linting it here.
    // (The last keystrokes are a partial line, typed in front of COMMIT.)
    const expectedText = `${lines.slice(0, commit).join('\n')}\n${keys}${lines.slice(commit).join('\n')}`;
    const doc = parseDocument({ uri, path: file, text: expectedText, kind: 'iptables' });
    const expected = lintDocument(doc, createSnapshot(dir, [doc], DEFAULT_SETTINGS.facts), DEFAULT_SETTINGS);
    const key = (code: unknown, l: number, c: number): string => `${String(code)}@${l}:${c}`;
    assert.deepEqual(
      published.diagnostics.map((d) => key(d.code, d.range.start.line, d.range.start.character)).sort(),
      expected.map((r) => key(r.ruleId, doc.lines.positionAt(r.span.start).line, doc.lines.positionAt(r.span.start).character)).sort(),
    );
    const typedLines = keys.split('\n').length - 1;
    const masqueradeOnTyped = published.diagnostics.filter((d) => d.code === RULE && d.range.start.line >= commit && d.range.start.line < commit + typedLines);
    assert.equal(masqueradeOnTyped.length, typedLines);
  });
});
