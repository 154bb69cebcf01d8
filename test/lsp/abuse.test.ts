import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { SERVER_JS, TestClient } from '../helpers/lspClient';

/**
 * An abuse client against the shipped bundle over stdio: malformed params, wrong types, huge
 * ranges, unknown methods, broken framing. After each, the server must still be running and
 * answer a hover with the finding of its last analysis.
 */
const RULE = 'iptables/masquerade-without-random-fully';
const DUMP = '*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE\nCOMMIT\n';
const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;

function frame(body: string): string {
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
}

async function rejectsWith(p: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(p, (e: { code?: number }) => e.code === code);
}

describe('language server under abuse (dist/server.js over stdio)', () => {
  let client: TestClient;
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-abuse-'));
  const uri = pathToFileURL(join(dir, 'iptables-save.txt')).toString();
  let nextId = 1000;

  let version = 1;

  /**
   * The server is running, still lints (a new version of the document gets its diagnostics, so any
   * validation timer a bad message scheduled has run by now) and answers a hover with the finding.
   */
  async function assertAlive(): Promise<void> {
    assert.equal(client.process.exitCode, null, `server exited; stderr: ${client.stderr.join('')}`);
    const v = ++version;
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: v },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '' }],
    });
    const p = await client.waitForDiagnostics(uri, (d) => d.version === v);
    assert.deepEqual(p.diagnostics.filter((d) => d.code === RULE).map((d) => d.range.start.line), [2]);
    const h = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 40 } })) as Hover;
    assert.match((h.contents as MarkupContent).value, new RegExp(RULE.replace('/', '\\/')));
  }

  before(async () => {
    assert.ok(existsSync(SERVER_JS), 'run `npm run build` first');
    writeFileSync(join(dir, 'iptables-save.txt'), DUMP);
    client = new TestClient();
    await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 1, text: DUMP } });
    await client.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === RULE));
    await assertAlive();
  });
  after(() => client?.kill());

  const badNotifications: [string, string, unknown][] = [
    ['didOpen with a numeric uri', 'textDocument/didOpen', { textDocument: { uri: 42, languageId: 'iptables', version: 1, text: DUMP } }],
    ['didOpen without text', 'textDocument/didOpen', { textDocument: { uri: `${uri}.2`, languageId: 'iptables', version: 1 } }],
    ['didOpen with null textDocument', 'textDocument/didOpen', { textDocument: null }],
    ['didOpen without params', 'textDocument/didOpen', undefined],
    ['didOpen with a file URI naming a remote host', 'textDocument/didOpen', { textDocument: { uri: 'file://remote-host/x.txt', languageId: 'iptables', version: 1, text: DUMP } }],
    ['didOpen with a text that is a number', 'textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 9, text: 12 } }],
    ['didChange with a string for contentChanges', 'textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: 'x' }],
    ['didChange with a range of strings', 'textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: 'a', end: 'b' }, text: 'x' }] }],
    ['didChange with negative positions', 'textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: -1, character: 0 }, end: { line: 0, character: -5 } }, text: 'x' }] }],
    ['didChange with a fractional line', 'textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0.5, character: 0 }, end: { line: 1, character: 0 } }, text: 'x' }] }],
    ['didChange with a string version', 'textDocument/didChange', { textDocument: { uri, version: '2' }, contentChanges: [{ text: 'x' }] }],
    ['didChange with a null change', 'textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [null] }],
    ['didClose without a uri', 'textDocument/didClose', { textDocument: {} }],
    ['didChangeWatchedFiles with a numeric uri', 'workspace/didChangeWatchedFiles', { changes: [{ uri: 5, type: 2 }] }],
    ['an unknown notification', 'kube-netlint/nonsense', { anything: [1, 2, 3] }],
  ];
  for (const [name, method, params] of badNotifications) {
    it(`drops ${name} and keeps answering`, async () => {
      await client.connection.sendNotification(method, params);
      await assertAlive();
    });
  }

  it('logs what it dropped', async () => {
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 42 } });
    await assertAlive();
    assert.ok(client.logs.some((l) => l.includes('dropped a malformed message: textDocument/didOpen: params.textDocument.uri must be a string')), client.logs.join('\n'));
  });

  const badRequests: [string, string, unknown][] = [
    ['hover at a negative line', 'textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }],
    ['hover without a position', 'textDocument/hover', { textDocument: { uri } }],
    ['hover with a numeric uri', 'textDocument/hover', { textDocument: { uri: 7 }, position: { line: 0, character: 0 } }],
    ['codeAction without context', 'textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
    ['codeAction with an empty diagnostic', 'textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [{}] } }],
    ['references without context', 'textDocument/references', { textDocument: { uri }, position: { line: 0, character: 0 } }],
    ['inlayHint with a string range', 'textDocument/inlayHint', { textDocument: { uri }, range: 'all' }],
    ['executeCommand without a command', 'workspace/executeCommand', { arguments: [] }],
  ];
  for (const [name, method, params] of badRequests) {
    it(`answers ${name} with InvalidParams and keeps answering`, async () => {
      await rejectsWith(client.connection.sendRequest(method, params), INVALID_PARAMS);
      await assertAlive();
    });
  }

  it('answers huge but legal positions and ranges (they clamp to the text)', async () => {
    const max = 2 ** 31 - 1;
    const h = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: max, character: max } });
    assert.equal(h, null);
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: max, character: max } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
    const hugeUri = pathToFileURL(join(dir, 'huge-range.txt')).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: hugeUri, languageId: 'iptables', version: 1, text: '*nat\nCOMMIT\n' } });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: hugeUri, version: 2 },
      contentChanges: [{ range: { start: { line: max, character: max }, end: { line: max, character: max } }, text: DUMP }],
    });
    // Appended at the end: the MASQUERADE rule of the appended text is found on line 4.
    const p = await client.waitForDiagnostics(hugeUri, (d) => d.version === 2);
    assert.deepEqual(p.diagnostics.filter((d) => d.code === RULE).map((d) => d.range.start.line), [4]);
    await assertAlive();
  });

  it('answers an unknown request with MethodNotFound', async () => {
    await rejectsWith(client.connection.sendRequest('kube-netlint/nonsense', {}), METHOD_NOT_FOUND);
    await assertAlive();
  });

  it('survives a header line without ":" (the frame is still read)', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 2, character: 40 } } });
    await client.writeRaw(`Content-Length: ${Buffer.byteLength(body)}\r\nthis line has no colon\r\n\r\n${body}`);
    await assertAlive();
  });

  it('survives a header block with no Content-Length at all, and resynchronises on the next one', async () => {
    await client.writeRaw('no colon here\r\nX-Other: 1\r\n\r\n{"jsonrpc":"2.0","method":"exit"}');
    await assertAlive();
  });

  it('survives garbage bytes between messages', async () => {
    await client.writeRaw(Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a, 0x41, 0x42, 0x3a, 0x0d, 0x0a]));
    await assertAlive();
    await client.writeRaw('xyz' + frame(JSON.stringify({ jsonrpc: '2.0', method: 'kube-netlint/nonsense' })));
    await assertAlive();
  });

  it('survives a body that is not JSON, a JSON array, a number, and a request with an object id', async () => {
    await client.writeRaw(frame('{{{{{ not json'));
    await client.writeRaw(frame('[1,2,3]'));
    await client.writeRaw(frame('42'));
    await client.writeRaw(frame(JSON.stringify({ jsonrpc: '2.0', id: { x: 1 }, method: 'textDocument/hover', params: {} })));
    await client.writeRaw(frame(JSON.stringify({ jsonrpc: '2.0', method: 7, params: {} })));
    await assertAlive();
  });

  it('survives a Content-Length too large to be real and one too small', async () => {
    await client.writeRaw('Content-Length: 99999999999\r\n\r\n{}');
    await assertAlive();
    await client.writeRaw('Content-Length: 3\r\n\r\n{"jsonrpc":"2.0","method":"initialized","params":{}}');
    await assertAlive();
  });

  it('still opens, lints and publishes a new document after all of it', async () => {
    const fresh = pathToFileURL(join(dir, 'fresh.txt')).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: fresh, languageId: 'iptables', version: 1, text: DUMP } });
    const p = await client.waitForDiagnostics(fresh, (d) => d.diagnostics.length > 0);
    assert.deepEqual(p.diagnostics.filter((d) => d.code === RULE).map((d) => d.range.start.line), [2]);
    assert.equal(client.process.exitCode, null);
  });
});

describe('language server: malformed initialize', () => {
  it('rejects initialize without capabilities, then initializes normally', async () => {
    const client = new TestClient();
    try {
      await rejectsWith(client.connection.sendRequest('initialize', { processId: null, capabilities: null }), INVALID_PARAMS);
      await rejectsWith(client.connection.sendRequest('initialize', null), INVALID_PARAMS);
      await rejectsWith(client.connection.sendRequest('initialize', { processId: 'me', capabilities: {} }), INVALID_PARAMS);
      const init = (await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} })) as { serverInfo?: { name: string } };
      assert.equal(init.serverInfo?.name, 'kube-netlint');
      await client.connection.sendRequest('shutdown');
      await client.connection.sendNotification('exit');
      assert.equal(await client.exited(), 0);
    } finally {
      client.kill();
    }
  });
});
