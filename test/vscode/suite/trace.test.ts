import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { copyExampleNode, EXTENSION_ID, settle } from './helpers';

/**
 * The packet tracer in the extension host: the command traced on a copy of examples/healthy-node,
 * the tree's items, the step marks drawn in the editor, a tree item revealing a line in another
 * file of the node (the sysctl dump), the Service lens and its command, and the picture webview.
 */

interface TraceNode {
  readonly kind: string;
  readonly label: string;
  readonly description?: string;
  readonly step?: number;
  readonly path: number;
  readonly children: readonly TraceNode[];
}
interface Step {
  readonly kind: string;
  readonly chain: string | null;
  readonly line: number | null;
  readonly uri: string | null;
}
interface Result {
  readonly verdict: string;
  readonly assumptions: readonly string[];
  readonly paths: readonly { readonly probability: number; readonly dnat: string | null; readonly steps: readonly Step[] }[];
}
interface TraceApi {
  readonly result: Result | undefined;
  readonly tree: readonly TraceNode[];
  drawnMarks(): ReadonlyMap<string, readonly { line: number; text: string }[]>;
  pictureHtml(): string | undefined;
}

const PACKET = 'udp 10.244.0.2 -> 10.96.0.10:53';

describe('packet trace', () => {
  let api: TraceApi;
  let dir: string;
  let ipt: vscode.Uri;
  let text: string;

  before(async () => {
    const ext = vscode.extensions.getExtension<{ trace: TraceApi }>(EXTENSION_ID);
    assert.ok(ext, 'extension present');
    api = (await ext.activate()).trace;
    dir = copyExampleNode('healthy-node');
    ipt = vscode.Uri.file(join(dir, 'iptables-save.txt'));
    text = readFileSync(ipt.fsPath, 'utf8');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(ipt), { preview: false });
  });

  const line = (needle: string): number => text.split('\n').findIndex((l) => l.startsWith(needle));

  it('traces a packet through the node and shows paths → hooks → chains → numbered steps in the tree', async () => {
    const result = (await settle(vscode.commands.executeCommand('kube-netlint.trace', { uri: ipt.toString(), packet: PACKET, from: 'pod' }), 20_000, 'the trace command')) as Result;
    assert.equal(result.verdict, 'ACCEPT');
    assert.deepEqual(result.paths.map((p) => p.dnat).sort(), ['10.244.1.7:53', '10.244.2.4:53']);
    const tree = api.tree;
    assert.deepEqual(tree.map((n) => n.label), ['udp 10.244.0.2:40000 -> 10.96.0.10:53 from pod', 'path 1: 50%', 'path 2: 50%', 'assumptions']);
    const pre = tree[1]!.children[0]!;
    assert.equal(pre.label, 'PREROUTING');
    const services = pre.children.find((c) => c.label === 'nat KUBE-SERVICES')!;
    assert.equal(services.children[0]!.label, '#4 jump KUBE-SVC-TCOU7JCQXEZGVUNU');
    assert.equal(services.children[0]!.description, 'iptables-save.txt:52');
  });

  it('marks every matched rule of the shown path with its step number in the open editor', () => {
    const marks = api.drawnMarks().get(ipt.toString());
    assert.ok(marks, `marks drawn in ${ipt.toString()}; have ${[...api.drawnMarks().keys()].join(', ')}`);
    const steps = api.result!.paths[0]!.steps.filter((s) => s.uri === ipt.toString());
    assert.deepEqual([...new Set(steps.map((s) => s.line! - 1))].sort((a, b) => a - b), marks.map((m) => m.line));
    const svc = marks.find((m) => m.line === line('-A KUBE-SERVICES -d 10.96.0.10/32'));
    assert.equal(svc?.text, '#4 jump KUBE-SVC-TCOU7JCQXEZGVUNU');
  });

  it('a tree item reveals its line, also in another file of the node (the sysctl dump), and marks it there', async () => {
    const steps = api.result!.paths[0]!.steps;
    const k = steps.findIndex((s) => s.kind === 'sysctl');
    assert.ok(k >= 0);
    await vscode.commands.executeCommand('kube-netlint.trace.reveal', 0, k + 1);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, join(dir, 'sysctl-a.txt'));
    assert.equal(editor.selection.active.line, steps[k]!.line! - 1);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^net\.ipv4\.ip_forward = 1/);
    const marks = api.drawnMarks().get(editor.document.uri.toString());
    assert.deepEqual(marks?.map((m) => m.text), [`#${k + 1} routing: forwarded out by eth0 (ip_forward = 1)`]);
    // Path 2's item switches the marks to that path (its DNAT rule is another line).
    await vscode.commands.executeCommand('kube-netlint.trace.reveal', 1, 6);
    assert.equal(vscode.window.activeTextEditor!.document.uri.toString(), ipt.toString());
    assert.ok(api.drawnMarks().get(ipt.toString())!.some((m) => m.line === line('-A KUBE-SEP-TT4D5P4LY4YRBPNS -p udp') && m.text.startsWith('#6 DNAT')));
  });

  it('offers the Service lens on the KUBE-SERVICES rule, and its command traces from a pod with the assumption said', async () => {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', ipt, 10)) ?? [];
    const dns = lenses.find((l) => l.range.start.line === line('-A KUBE-SERVICES -d 10.96.0.10/32'));
    assert.equal(dns?.command?.title, 'Trace a packet to this Service (udp 10.96.0.10:53, from a pod)');
    const result = (await vscode.commands.executeCommand(dns!.command!.command, ...(dns!.command!.arguments ?? []))) as Result;
    assert.match(result.assumptions[0]!, /^source 10\.244\.0\.2: a pod address in kube-proxy's cluster CIDR 10\.244\.0\.0\/16/);
    assert.equal(api.tree[api.tree.length - 1]!.label, 'assumptions');
  });

  it('draws the trace as a picture in a webview', async () => {
    await vscode.commands.executeCommand('kube-netlint.trace.showPicture');
    const html = api.pictureHtml();
    assert.ok(html, 'picture rendered');
    assert.match(html, /path 1 of 2 · 50%/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  });
});
