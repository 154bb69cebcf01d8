import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { registerTrace, type TraceApi } from './trace/view';
// Pure data shared with the server (esbuild bundles it into each side).
import { COMMANDS } from '../../server/src/core/commands';

/**
 * Thin client: starts the language server, shows its state, and implements the two things only
 * the editor can do (clipboard, output channel). No analysis happens here.
 */
const LANGUAGES = ['iptables', 'nftables', 'ipvsadm', 'conntrack', 'sysctl', 'ethtool', 'ip-link', 'ip-addr', 'ip-route', 'ip-rule', 'bridge-link', 'yaml', 'json'];
/** The client-side command "copy command" code actions run. */
const COPY_COMMAND = COMMANDS.copyToClipboard;
const UNTRUSTED = 'kube-netlint: remediation commands are not offered in an untrusted workspace (Restricted Mode). Trust the folder to use them.';

let client: LanguageClient | undefined;

export interface KubeNetlintApi {
  readonly client: LanguageClient;
  /** The packet tracer's state (tests read the tree and the marks drawn). */
  readonly trace: TraceApi;
}

export async function activate(context: vscode.ExtensionContext): Promise<KubeNetlintApi> {
  const output = vscode.window.createOutputChannel('kube-netlint', { log: true });
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.name = 'kube-netlint';
  status.command = COMMANDS.showOutput;
  status.text = '$(sync~spin) kube-netlint';
  status.tooltip = 'kube-netlint language server: starting';
  status.show();

  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    synchronize: {
      configurationSection: 'kubeNetlint',
      // Any file of a node can change a verdict elsewhere in the node (kernel version in sysctl, ...).
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
    },
    outputChannel: output,
    middleware: {
      // Untrusted folder: diagnostics and hovers stay, but nothing that puts shell text on the
      // clipboard is offered (a dump from a stranger could be crafted to mislead a reviewer).
      provideCodeActions: async (document, range, context, token, next) => {
        const actions = await next(document, range, context, token);
        if (vscode.workspace.isTrusted || !actions) return actions;
        return actions.filter((a) => !('command' in a && a.command !== undefined && typeof a.command !== 'string' && a.command.command === COPY_COMMAND));
      },
    },
  };
  client = new LanguageClient('kube-netlint', 'kube-netlint', serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    const running = e.newState === State.Running;
    status.text = running ? '$(check) kube-netlint' : e.newState === State.Starting ? '$(sync~spin) kube-netlint' : '$(error) kube-netlint';
    status.tooltip = `kube-netlint language server: ${running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped'} (click for the log)`;
  });

  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(COMMANDS.generateRemediationScript, async () => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(UNTRUSTED);
        return;
      }
      const uri = vscode.window.activeTextEditor?.document.uri.toString();
      if (!uri || !client) {
        void vscode.window.showWarningMessage('kube-netlint: open a dump of the node first.');
        return;
      }
      const script = await client.sendRequest<string | null>('workspace/executeCommand', { command: COMMANDS.remediationScript, arguments: [uri] });
      if (typeof script !== 'string') {
        void vscode.window.showWarningMessage('kube-netlint: this file is not one kube-netlint reads.');
        return;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content: script });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand(COPY_COMMAND, async (text: unknown) => {
      if (typeof text !== 'string') return;
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage(UNTRUSTED);
        return;
      }
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage('kube-netlint: remediation command copied to the clipboard.');
    }),
    { dispose: () => void client?.stop() },
  );
  const trace = registerTrace(context, () => client);
  await client.start();
  return { client, trace };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
