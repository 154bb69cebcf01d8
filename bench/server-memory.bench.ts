/**
 * Benchmark: the language server's peak memory with a 50 MB kube-proxy dump open.
 *
 * Spawns the real server (`node dist/server.js --stdio`, as an editor does), opens a generated
 * ~50 MB `iptables-save` dump (bench/generate/kubeProxyDump.ts, 31,000 services) from a fresh
 * folder, waits for its diagnostics, asks for a hover in the middle, and reads the server's peak
 * resident memory (VmHWM in /proc/PID/status) against issue 12's budget, 300 MB (ratio = 300 MB /
 * peak, target 1); the dump's own size and the time from didOpen to diagnostics ride along. Needs
 * `npm run build` (run.ts does it).
 * Run: node --import tsx bench/server-memory.bench.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification, HoverRequest, InitializeRequest, InitializedNotification } from 'vscode-languageserver-protocol/node';
import { TestClient } from '../test/helpers/lspClient';
import { kubeProxyDump } from './generate/kubeProxyDump';
import { finish, log } from './lib/report';

const SERVICES = 31_000;
/** Issue 12: the server with a 50 MB dump open stays under this. */
const BUDGET_MB = 300;

async function main(): Promise<void> {
  const text = kubeProxyDump(SERVICES);
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-mem-'));
  const file = join(dir, 'iptables-save.txt');
  writeFileSync(file, text);
  const client = new TestClient();
  try {
    const peakMB = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${client.process.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
    await client.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {}, workspaceFolders: null });
    client.connection.sendNotification(InitializedNotification.type, {});
    const uri = pathToFileURL(file).href;
    const t0 = performance.now();
    client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'iptables', version: 1, text } });
    const d = await client.waitForDiagnostics(uri, () => true, 600_000);
    const openMs = performance.now() - t0;
    const middle = Math.floor(text.split('\n').length / 2);
    await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: middle, character: 5 } });
    const peak = peakMB();
    log(`${(text.length / 1e6).toFixed(1)} MB dump, ${d.diagnostics.length} diagnostics ${openMs.toFixed(0)} ms after didOpen; server peak RSS ${peak.toFixed(0)} MB`);
    finish('Server memory with a 50 MB dump open', [
      {
        name: `server peak RSS, ${(text.length / 1e6).toFixed(0)} MB iptables-save dump open (didOpen -> diagnostics -> hover) vs a ${BUDGET_MB} MB budget`,
        ours: Math.round(peak),
        reference: BUDGET_MB,
        unit: 'MB',
        ratio: Number((BUDGET_MB / peak).toPrecision(3)),
        target: 1,
        pass: peak <= BUDGET_MB,
        dumpMB: Number((text.length / 1e6).toFixed(1)),
        diagnostics: d.diagnostics.length,
        openToDiagnosticsMs: Math.round(openMs),
      },
    ]);
  } finally {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 2;
});
