#!/usr/bin/env node
// Reproduces, at the protocol level and without an editor, what the 50 MB test sees in VS Code: after typing in a
// large dump, fresh diagnostics take as many full lints as there were keystrokes, because every
// textDocument/codeAction request (VS Code sends one after each keystroke, for the lightbulb) lints the newest
// version synchronously before answering.
//
//   node scripts/vscode/probe-large-typing.mjs [--no-code-actions] [--mb 50]
//
// Prints each publish (version), each code-action answer time, and the time from the first keystroke to the
// diagnostics of the latest version. Compare with --no-code-actions (what a client that sends no requests gets).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSuite, ROOT, SUITE_OUT } from './lib.mjs';

const args = process.argv.slice(2);
const withCodeActions = !args.includes('--no-code-actions');
const mb = Number(args[args.indexOf('--mb') + 1] || 50);
const require = createRequire(import.meta.url);
const rpc = require('vscode-languageserver-protocol/node');

await buildSuite();
const { generateLargeSave } = require(join(SUITE_OUT, 'largeDump.js'));
const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-probe-'));
const file = join(dir, 'iptables-save.txt');
const dump = generateLargeSave(mb * 1_000_000);
writeFileSync(file, dump.text);
const uri = pathToFileURL(file).toString();

const server = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const connection = rpc.createProtocolConnection(new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));
const t0 = Date.now();
const at = () => `${String(Date.now() - t0).padStart(6)} ms`;
let onPublish = () => undefined;
connection.onNotification('textDocument/publishDiagnostics', (p) => {
  console.log(`${at()}  publish version ${p.version} (${p.diagnostics.length} diagnostics)`);
  onPublish(p);
});
connection.onRequest('workspace/configuration', (p) => p.items.map(() => ({})));
connection.onRequest('client/registerCapability', () => null);
connection.listen();

try {
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
  await connection.sendNotification('initialized', {});
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 1, text: dump.text } });
  console.log(`${at()}  opened ${mb} MB (${dump.lines} lines)`);
  await new Promise((r) => (onPublish = r));

  const eol = dump.text.indexOf('\n');
  const typed = Date.now();
  const keystrokes = 10;
  for (let i = 0; i < keystrokes; i++) {
    const version = 2 + i;
    const position = { line: 0, character: eol + i };
    await connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: position, end: position }, text: String(i) }] });
    if (withCodeActions) {
      const a0 = Date.now();
      const cursor = { line: 0, character: eol + i + 1 };
      void connection
        .sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: cursor, end: cursor }, context: { diagnostics: [], triggerKind: 2 } })
        .then(() => console.log(`${at()}  codeAction after version ${version} answered in ${Date.now() - a0} ms`));
    }
    await new Promise((r) => setTimeout(r, 150 + (i % 3) * 60));
  }
  const last = 1 + keystrokes;
  await new Promise((r) => (onPublish = (p) => p.version === last && r()));
  console.log(`${at()}  diagnostics of the latest text ${Date.now() - typed} ms after the first keystroke (${withCodeActions ? 'with' : 'without'} code-action requests)`);
} finally {
  connection.dispose();
  server.kill();
  rmSync(dir, { recursive: true, force: true });
}
