import assert from 'node:assert/strict';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import {
  codeOf,
  config,
  copyExampleNode,
  docsSummary,
  EXTENSION_ID,
  hoverText,
  lineIndexOf,
  readRepoFile,
  RULE,
  settle,
  waitForDiagnostics,
  waitForEvent,
  withCode,
} from './helpers';

/** The MASQUERADE rule of the vxlan-63s-delay example; the tests remove its --random-fully. */
const FIXED_LINE = '-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully';
const BROKEN_LINE = '-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE';
const EXAMPLE = 'vxlan-63s-delay';
/** The rule's page as shipped with the extension: diagnostics and hovers link there, so it opens offline. */
const DOCS_PAGE = join('docs', 'rules', `${RULE}.md`);

/** The file a docs link points at, resolved (the extension may be reached through a symlink). */
function linkedFile(link: string | undefined): string {
  if (!link?.startsWith('file:')) assert.fail(`a file: link to the shipped page, not ${link}`);
  return realpathSync(fileURLToPath(link));
}

interface Api {
  readonly client: { isRunning(): boolean };
}

/**
 * A copy of the vxlan-63s-delay node whose iptables-save.txt lacks --random-fully on one MASQUERADE
 * rule (the example itself is the already-fixed node). Returns the file and its original text.
 */
function brokenNode(): { dir: string; file: vscode.Uri; original: string; broken: string; line: number } {
  const dir = copyExampleNode(EXAMPLE);
  const path = join(dir, 'iptables-save.txt');
  const original = readFileSync(path, 'utf8');
  const line = lineIndexOf(original, FIXED_LINE);
  const broken = original.replace(`${FIXED_LINE}\n`, `${BROKEN_LINE}\n`);
  assert.notEqual(broken, original);
  writeFileSync(path, broken);
  return { dir, file: vscode.Uri.file(path), original, broken, line };
}

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

async function findingOn(uri: vscode.Uri): Promise<vscode.Diagnostic> {
  const diagnostics = await waitForDiagnostics(uri, (ds) => withCode(ds, RULE).length > 0, `${RULE} to appear`);
  const found = withCode(diagnostics, RULE);
  assert.equal(found.length, 1, `exactly one ${RULE} finding expected, got ${found.length}`);
  return found[0]!;
}

async function setRuleSeverity(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('kubeNetlint').update('rules', value === undefined ? undefined : { [RULE]: value }, vscode.ConfigurationTarget.Global);
}

describe(`kube-netlint in VS Code ${vscode.version} (${vscode.env.appName}, ${config.mode})`, () => {
  let extension: vscode.Extension<Api>;

  before(async () => {
    const found = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
    extension = found;
  });

  after(async () => {
    await setRuleSeverity(undefined);
    await vscode.workspace.saveAll(false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates, starts the language server and is loaded from where the runner put it', async () => {
    const api = await settle(extension.activate(), 30_000, 'extension activation');
    assert.equal(extension.isActive, true);
    assert.equal(typeof api.client.isRunning, 'function', 'activate() returns { client }');
    assert.equal(api.client.isRunning(), true, 'language client running after activate()');
    const path = realpathSync(extension.extensionPath);
    if (config.mode === 'dev') {
      assert.equal(path, realpathSync(config.repo), 'extensionDevelopmentPath = repository root');
    } else {
      assert.notEqual(path, realpathSync(config.repo), 'installed extension, not the repository');
      assert.ok(path.includes(`${sep}kube-netlint.kube-netlint-`), `installed under its id: ${path}`);
    }
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    assert.equal((extension.packageJSON as { version: string }).version, pkg.version);
  });

  it('gives each example dump its language id', async () => {
    const expected: Record<string, string> = {
      'vxlan-63s-delay/iptables-save.txt': 'iptables',
      'vxlan-63s-delay/ethtool-k-flannel.1.txt': 'ethtool',
      'vxlan-63s-delay/uname-r.txt': 'sysctl',
      'vxlan-63s-delay/kube-flannel-cfg.yaml': 'yaml',
      'healthy-node/iptables-save.txt': 'iptables',
      'healthy-node/ethtool-k-flannel.1.txt': 'ethtool',
      'healthy-node/sysctl-a.txt': 'sysctl',
      'ipvs-conn-reuse/ipvsadm-Ln.txt': 'ipvsadm',
      'ipvs-conn-reuse/sysctl-a.txt': 'sysctl',
      'ipvs-conn-reuse/kube-proxy-cm.yaml': 'yaml',
    };
    const copies = new Map<string, string>();
    const actual: Record<string, string> = {};
    for (const rel of Object.keys(expected)) {
      const [example, file] = rel.split('/') as [string, string];
      if (!copies.has(example)) copies.set(example, copyExampleNode(example));
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(copies.get(example)!, file)));
      actual[rel] = doc.languageId;
    }
    assert.deepEqual(actual, expected);
  });

  it(`reports ${RULE} on the MASQUERADE target, citing the node's VXLAN device`, async () => {
    const node = brokenNode();
    await open(node.file);
    const d = await findingOn(node.file);
    const column = BROKEN_LINE.indexOf('MASQUERADE');
    assert.deepEqual(
      [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
      [node.line, column, node.line, column + 'MASQUERADE'.length],
    );
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(d.source, 'kube-netlint');
    assert.equal(linkedFile(typeof d.code === 'object' ? d.code.target.toString() : undefined), realpathSync(join(extension.extensionPath, DOCS_PAGE)));
    assert.match(d.message, /without --random-fully/);
    // The node folder holds ethtool -k flannel.1: the rule cites it (the checksum-offload caveat).
    assert.match(d.message, /Caution: this node has a VXLAN device/);
    const related = d.relatedInformation ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0]!.location.uri.fsPath, join(node.dir, 'ethtool-k-flannel.1.txt'));
    const codes = vscode.languages.getDiagnostics(node.file).map((x) => String(codeOf(x)));
    console.log(`    diagnostics on the broken copy: ${codes.join(', ')}`);
  });

  it('offers the quick fix; applying it restores exactly the fixed rule and the finding goes away', async () => {
    const node = brokenNode();
    const editor = await open(node.file);
    const d = await findingOn(node.file);
    // The server fills a fix's edit on codeAction/resolve: ask VS Code to resolve the actions it returns.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', node.file, d.range, undefined, 10);
    // vscode.executeCodeActionProvider does not return CodeAction.diagnostics: select by title. Other
    // rules may offer actions on the same line; ours come in this order.
    console.log(`    code actions: ${actions.map((a) => a.title).join(' | ')}`);
    const ours = actions.filter((a) => a.title.includes(RULE) || a.title === 'Add --random-fully to this MASQUERADE rule');
    assert.deepEqual(
      ours.map((a) => a.title),
      ['Add --random-fully to this MASQUERADE rule', `Disable ${RULE} for this line`, `Show documentation for ${RULE}`],
    );
    const fix = ours[0]!;
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(fix.isPreferred, true);
    assert.ok(fix.edit, 'the fix is a workspace edit');
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(editor.document.getText(), node.original, 'text after the fix = the example with --random-fully');
    await waitForDiagnostics(node.file, (ds) => withCode(ds, RULE).length === 0, 'finding gone after the fix');
    await editor.document.save();
  });

  it('"Disable RULE for this line" inserts the suppression comment and silences the finding', async () => {
    const node = brokenNode();
    const editor = await open(node.file);
    const d = await findingOn(node.file);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', node.file, d.range);
    const disable = actions.find((a) => a.title === `Disable ${RULE} for this line`);
    assert.ok(disable?.edit);
    assert.equal(await vscode.workspace.applyEdit(disable.edit), true);
    assert.equal(editor.document.getText(), node.broken.replace(`${BROKEN_LINE}\n`, `# kube-netlint-disable-next-line ${RULE}\n${BROKEN_LINE}\n`));
    await waitForDiagnostics(node.file, (ds) => withCode(ds, RULE).length === 0, 'finding suppressed');
    await editor.document.save();
  });

  it('"Show documentation" opens the rule page shipped with the extension', async () => {
    const node = brokenNode();
    await open(node.file);
    const d = await findingOn(node.file);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', node.file, d.range);
    const show = actions.find((a) => a.title === `Show documentation for ${RULE}`);
    assert.ok(show?.command, 'a command action');
    const opened = waitForEvent(vscode.window.onDidChangeActiveTextEditor, (e) => e?.document.uri.path.endsWith(`/docs/rules/${RULE}.md`) === true, 'the docs page editor');
    await vscode.commands.executeCommand(show.command.command, ...(show.command.arguments ?? []));
    const editor = await opened;
    assert.ok(editor, 'an editor');
    assert.ok(realpathSync(editor.document.uri.fsPath).startsWith(realpathSync(extension.extensionPath) + sep), `page inside the extension: ${editor.document.uri.fsPath}`);
    assert.match(editor.document.getText(), new RegExp(`^# ${RULE.replace(/[/-]/g, '\\$&')}`));
  });

  it('hover on the finding shows the rule, its documented summary and link, and what the token means', async () => {
    const node = brokenNode();
    await open(node.file);
    const d = await findingOn(node.file);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', node.file, d.range.start.translate(0, 3));
    const text = hoverText(hovers);
    assert.ok(text.includes(`**${RULE}** — MASQUERADE/SNAT without --random-fully (SNAT source-port race)`), text);
    assert.ok(text.includes(docsSummary(RULE)), `hover shows the first paragraph of docs/rules/${RULE}.md:\n${text}`);
    assert.equal(linkedFile(/\[Documentation\]\(([^)]+)\)/.exec(text)?.[1]), realpathSync(join(extension.extensionPath, DOCS_PAGE)), text);
    assert.match(text, /\*\*target `MASQUERADE`\*\*/);

    const chainLine = lineIndexOf(node.broken, ':POSTROUTING ACCEPT [9381:563092]');
    const chain = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', node.file, new vscode.Position(chainLine, 3));
    assert.match(hoverText(chain), /chain `POSTROUTING`/);
  });

  it('kubeNetlint.rules changes the severity (error) and removes the finding (off)', async () => {
    const node = brokenNode();
    await open(node.file);
    const d = await findingOn(node.file);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    try {
      await setRuleSeverity('error');
      await waitForDiagnostics(node.file, (ds) => withCode(ds, RULE)[0]?.severity === vscode.DiagnosticSeverity.Error, 'severity error');
      await setRuleSeverity('off');
      await waitForDiagnostics(node.file, (ds) => withCode(ds, RULE).length === 0, 'rule off');
    } finally {
      await setRuleSeverity(undefined);
    }
    const back = await waitForDiagnostics(node.file, (ds) => withCode(ds, RULE).length === 1, 'rule back to its default');
    assert.equal(withCode(back, RULE)[0]!.severity, vscode.DiagnosticSeverity.Information);
  });

  it('kube-netlint.generateRemediationScript opens an untitled shellscript for the node', async () => {
    const node = brokenNode();
    await open(node.file);
    await findingOn(node.file);
    await vscode.commands.executeCommand('kube-netlint.generateRemediationScript');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is active');
    const doc = editor.document;
    assert.equal(doc.isUntitled, true);
    assert.equal(doc.languageId, 'shellscript');
    const text = doc.getText();
    assert.ok(text.startsWith(`#!/bin/sh\n# kube-netlint remediation script for node ${node.dir}\n`), text);
    assert.match(text, /^set -eu$/m);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
