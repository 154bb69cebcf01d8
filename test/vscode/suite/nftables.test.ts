import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { config, EXTENSION_ID, hoverText, readRepoFile, waitForDiagnostics, withCode } from './helpers';

/**
 * An nftables-mode node in the extension host: kube-proxy's ruleset as the kernel printed it
 * (test/fixtures/nftables/kube-proxy-ipv4.list.nft, saved as `ruleset.nft` in a node folder of its
 * own) opens as language `nftables` with the extension's grammar, gets its outline (table →
 * chains, sets and maps), hovers that name the Service behind kube-proxy's chain names, go-to-
 * definition from a `jump` to the chain, and the node's findings as diagnostics.
 */

const FIXTURE = 'test/fixtures/nftables/kube-proxy-ipv4.list.nft';
const NO_ENDPOINTS = 'nftables/service-without-endpoints';

describe('nftables ruleset', () => {
  let uri: vscode.Uri;
  let text: string;
  let lines: string[];

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension present');
    await ext.activate();
    const base = config.scratch ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!base) throw new Error('no scratch directory: set KN_SCRATCH or open a workspace folder');
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, 'nftables-node-'));
    text = readRepoFile(FIXTURE);
    lines = text.split('\n');
    writeFileSync(join(dir, 'ruleset.nft'), text);
    uri = vscode.Uri.file(join(dir, 'ruleset.nft'));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  });

  /** Position of the `at`-th character of `needle` in the first line containing it. */
  const at = (needle: string, offset = 0): vscode.Position => {
    const line = lines.findIndex((l) => l.includes(needle));
    assert.ok(line >= 0, `fixture has ${needle}`);
    return new vscode.Position(line, lines[line]!.indexOf(needle) + offset);
  };

  it('opens as language nftables, highlighted by the grammar the extension contributes for it', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(doc.languageId, 'nftables');
    const contributes = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes as { grammars: { language?: string; scopeName: string; path: string }[] };
    const grammar = contributes.grammars.find((g) => g.language === 'nftables');
    assert.equal(grammar?.scopeName, 'source.nftables');
    // The grammar file the workbench tokenizes with is the one shipped (the UI test checks the colours on screen).
    const shipped = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri, grammar!.path));
    assert.equal((JSON.parse(Buffer.from(shipped).toString('utf8')) as { scopeName: string }).scopeName, 'source.nftables');
  });

  it('outlines table kube-proxy with its chains, sets and maps', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    assert.ok(symbols && symbols.length > 0, 'document symbols');
    const table = symbols.find((s) => s.name.includes('kube-proxy'));
    assert.ok(table, `a table symbol; have ${symbols.map((s) => s.name).join(', ')}`);
    assert.equal(table.range.start.line, at('table ip kube-proxy').line);
    const names = table.children.map((c) => c.name);
    for (const n of ['service-ips', 'no-endpoint-services', 'services', 'mark-for-masquerade', 'service-ULMVA6XW-ns1/svc1/tcp/p80']) assert.ok(names.includes(n), `outline has ${n}; have ${names.join(', ')}`);
    const chain = table.children.find((c) => c.name === 'mark-for-masquerade')!;
    assert.equal(chain.selectionRange.start.line, at('chain mark-for-masquerade {').line);
  });

  it('hovers a service-ips element with the Service it routes to', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, at('goto service-ULMVA6XW-ns1/svc1/tcp/p80', 12));
    const md = hoverText(hovers);
    assert.match(md, /service chain/);
    assert.match(md, /Service `ns1\/svc1` port `p80` \(tcp\)/);
    assert.match(md, /172\.30\.0\.41/);
  });

  it('goes from `jump mark-for-masquerade` to the chain', async () => {
    const from = at('jump mark-for-masquerade', 'jump '.length + 3);
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, from);
    assert.equal(defs.length, 1, JSON.stringify(defs));
    const d = defs[0]!;
    const target = 'targetUri' in d ? { uri: d.targetUri, range: d.targetSelectionRange ?? d.targetRange } : d;
    assert.equal(target.uri.toString(), uri.toString());
    const decl = at('chain mark-for-masquerade {', 'chain '.length);
    assert.equal(target.range.start.line, decl.line);
    assert.equal(target.range.start.character, decl.character);
    assert.equal(target.range.end.character, decl.character + 'mark-for-masquerade'.length);
  });

  it('reports the node findings: Services without endpoints on their no-endpoint elements', async () => {
    const diagnostics = await waitForDiagnostics(uri, (ds) => withCode(ds, NO_ENDPOINTS).length >= 2, `${NO_ENDPOINTS} on the ruleset`, 30_000);
    const found = withCode(diagnostics, NO_ENDPOINTS);
    const elementLines = [at('tcp . 3001 comment "ns2/svc2:p80"').line, at('172.30.0.46 . tcp . 80 comment').line];
    assert.deepEqual([...new Set(found.map((d) => d.range.start.line))].sort((a, b) => a - b), elementLines.sort((a, b) => a - b));
    assert.ok(found.every((d) => d.severity === vscode.DiagnosticSeverity.Information), found.map((d) => d.severity).join(','));
    assert.match(found.find((d) => d.range.start.line === elementLines[0])!.message, /ns2\/svc2/);
  });
});
