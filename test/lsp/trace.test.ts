import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, InitializeResult } from 'vscode-languageserver-protocol';
import { SERVER_JS, TestClient } from '../helpers/lspClient';
import type { TraceAnswer } from '../../server/src/lsp/traceRequest';
import type { TraceServiceArgs } from '../../server/src/lsp/codeLens';

/**
 * `kube-netlint/trace` and the Service lenses through the shipped server over stdio, on a copy
 * of examples/healthy-node (iptables-save + sysctl -a + ethtool): the answer carries each step's
 * document URI and LSP range, the sysctl step points into the sibling file on disk.
 */
const root = join(__dirname, '..', '..');

describe('kube-netlint/trace and Service lenses over stdio', () => {
  let client: TestClient;
  const dir = mkdtempSync(join(tmpdir(), 'kube-netlint-trace-'));
  const file = join(dir, 'iptables-save.txt');
  const uri = pathToFileURL(file).toString();
  const sysctlUri = pathToFileURL(join(dir, 'sysctl-a.txt')).toString();
  let text: string;
  const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));

  before(async () => {
    assert.ok(existsSync(SERVER_JS), 'run `npm run build` first');
    cpSync(join(root, 'examples', 'healthy-node'), dir, { recursive: true });
    text = readFileSync(file, 'utf8');
    client = new TestClient();
    const init = (await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {} })) as InitializeResult;
    assert.deepEqual(init.capabilities.codeLensProvider, { resolveProvider: true });
    await client.connection.sendNotification('initialized', {});
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iptables', version: 1, text } });
  });

  after(() => client?.kill());

  it('traces a packet through the node of the document, with URIs and ranges on the steps', async () => {
    const answer = (await client.connection.sendRequest('kube-netlint/trace', { uri, packet: 'udp 10.244.0.2 -> 10.96.0.10:53', from: 'pod' })) as TraceAnswer;
    assert.ok('result' in answer, JSON.stringify(answer));
    const r = answer.result;
    assert.equal(r.verdict, 'ACCEPT');
    assert.deepEqual(r.paths.map((p) => p.dnat).sort(), ['10.244.1.7:53', '10.244.2.4:53']);
    assert.deepEqual(r.paths.map((p) => p.probability), [0.5, 0.5]);
    const svc = r.paths[0]!.steps.find((s) => s.chain === 'KUBE-SERVICES' && s.kind === 'rule')!;
    assert.equal(svc.uri, uri);
    const line = lineOf('-A KUBE-SERVICES -d 10.96.0.10/32');
    assert.equal(svc.line, line + 1);
    assert.deepEqual(svc.range, { start: { line, character: 0 }, end: { line, character: text.split('\n')[line]!.length } });
    // The routing decision cites ip_forward in the sibling sysctl dump, read from disk.
    const fwd = r.paths[0]!.steps.find((s) => s.kind === 'sysctl')!;
    assert.equal(fwd.uri, sysctlUri);
    assert.equal(fwd.range!.start.line, fwd.line! - 1);
    // Decisions no file shows have neither.
    const ct = r.paths[0]!.steps.find((s) => s.kind === 'conntrack')!;
    assert.equal(ct.uri, null);
    assert.equal(ct.range, null);
  });

  it('says what is wrong with a packet or an option, and answers InvalidParams to a malformed request', async () => {
    const bad = (await client.connection.sendRequest('kube-netlint/trace', { uri, packet: 'udp 10.244.0.2 -> 10.96.0.10' })) as TraceAnswer;
    assert.deepEqual(bad, { error: 'packet: udp needs a destination port (DST:DPORT); expected "PROTO SRC[:SPORT] -> DST:DPORT", e.g. "udp 10.244.1.5 -> 10.96.0.10:53"' });
    const from = (await client.connection.sendRequest('kube-netlint/trace', { uri, packet: 'udp 10.244.0.2 -> 10.96.0.10:53', from: 'mars' })) as TraceAnswer;
    assert.deepEqual(from, { error: "from must be pod, host or external, not 'mars'" });
    const mark = (await client.connection.sendRequest('kube-netlint/trace', { uri, packet: 'udp 10.244.0.2 -> 10.96.0.10:53', mark: '0x1ffffffff' })) as TraceAnswer;
    assert.match('error' in mark ? mark.error : '', /^mark expects a 32-bit number/);
    const notOpen = (await client.connection.sendRequest('kube-netlint/trace', { uri: pathToFileURL(join(dir, 'nope.txt')).toString(), packet: 'udp 1.2.3.4 -> 5.6.7.8:53' })) as TraceAnswer;
    assert.match('error' in notOpen ? notOpen.error : '', /is not a dump kube-netlint reads/);
    await assert.rejects(client.connection.sendRequest('kube-netlint/trace', { uri, packet: 42 }), (e: { code?: number; message?: string }) => {
      assert.equal(e.code, -32602);
      assert.match(e.message ?? '', /params\.packet must be a string/);
      return true;
    });
  });

  it('puts a lens on each KUBE-SERVICES Service rule and its KUBE-SVC chain, resolved into a packet from a pod', async () => {
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    const lines = lenses.map((l) => l.range.start.line);
    const dnsRule = lineOf('-A KUBE-SERVICES -d 10.96.0.10/32');
    const dnsChain = lineOf(':KUBE-SVC-TCOU7JCQXEZGVUNU');
    assert.deepEqual(lines, [lineOf(':KUBE-SVC-NPX46M4PTMTKRN6Y'), dnsChain, lineOf('-A KUBE-SERVICES -d 10.96.0.1/32'), dnsRule]);
    assert.ok(lenses.every((l) => l.command === undefined), 'lenses are resolved lazily');
    for (const at of [dnsRule, dnsChain]) {
      const lens = lenses.find((l) => l.range.start.line === at)!;
      const resolved = (await client.connection.sendRequest('codeLens/resolve', lens)) as CodeLens;
      assert.equal(resolved.command?.command, 'kube-netlint.traceService');
      assert.equal(resolved.command?.title, 'Trace a packet to this Service (udp 10.96.0.10:53, from a pod)');
      const args = resolved.command!.arguments![0] as TraceServiceArgs;
      // No flannel config in this node: the pod network comes from kube-proxy's `! -s 10.244.0.0/16` masquerade rule.
      assert.equal(args.packet, 'udp 10.244.0.2 -> 10.96.0.10:53');
      assert.equal(args.service, 'kube-system/kube-dns:dns cluster IP');
      assert.match(args.assumptions[0]!, /cluster CIDR 10\.244\.0\.0\/16/);
    }
  });

  it('resolves a lens on a dump without a pod network to 10.244.0.2 and says it assumed it', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'kube-netlint-trace-')), 'iptables-save.txt');
    const plain = '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-AAAA - [0:0]\n-A PREROUTING -j KUBE-SERVICES\n-A KUBE-SERVICES -d 10.96.5.5/32 -p tcp -m tcp --dport 8443 -j KUBE-SVC-AAAA\n-A KUBE-SERVICES -d 10.96.5.6/32 -p tcp -m tcp --dport 80 -j ACCEPT\n-A KUBE-SERVICES ! -d 10.96.5.7/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-AAAA\nCOMMIT\n';
    writeFileSync(other, plain);
    const otherUri = pathToFileURL(other).toString();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: otherUri, languageId: 'iptables', version: 1, text: plain } });
    const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri: otherUri } })) as CodeLens[];
    assert.deepEqual(lenses.map((l) => l.range.start.line), [3, 5], 'the chain and the one rule to a Service chain with a /32 destination');
    const resolved = (await client.connection.sendRequest('codeLens/resolve', lenses[1]!)) as CodeLens;
    const args = resolved.command!.arguments![0] as TraceServiceArgs;
    assert.equal(args.packet, 'tcp 10.244.0.2 -> 10.96.5.5:8443');
    assert.deepEqual(args.assumptions, ["source 10.244.0.2 assumed: the node's pod network is not in the dumps"]);
  });
});
