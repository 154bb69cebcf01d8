import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { TraceAnswer, TraceParams } from '../../../server/src/lsp/traceRequest';
import type { TraceServiceArgs } from '../../../server/src/lsp/codeLens';
import { tracePictureHtml } from './html';
import { baseName, stepAt, stepMarks, traceTree, type EditorTraceResult, type Location, type StepMark, type TraceNode } from './model';
import { askForTrace } from './prompt';

/**
 * The packet tracer in VS Code: commands, the result as a tree (view `kube-netlint.traceView`),
 * step marks on every matched rule in the open editors of the node, a picture in a webview. The
 * trace itself runs in the language server (`kube-netlint/trace`); this file only shows it.
 */

export const TRACE_VIEW = 'kube-netlint.traceView';
const COMMAND = {
  trace: 'kube-netlint.trace',
  traceService: 'kube-netlint.traceService',
  reveal: 'kube-netlint.trace.reveal',
  picture: 'kube-netlint.trace.showPicture',
  clear: 'kube-netlint.trace.clear',
} as const;

/** What tests read: the last result, the path shown, the tree and the marks drawn in editors. */
export interface TraceApi {
  readonly result: EditorTraceResult | undefined;
  readonly shownPath: number;
  readonly tree: readonly TraceNode[];
  /** Marks drawn now, per document URI (only documents visible in an editor). */
  drawnMarks(): ReadonlyMap<string, readonly StepMark[]>;
  /** The picture's HTML, if the panel is open. */
  pictureHtml(): string | undefined;
  readonly onDidTrace: vscode.Event<EditorTraceResult>;
}

class TraceTree implements vscode.TreeDataProvider<TraceNode> {
  private readonly changed = new vscode.EventEmitter<TraceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  nodes: readonly TraceNode[] = [];

  set(nodes: readonly TraceNode[]): void {
    this.nodes = nodes;
    this.changed.fire(undefined);
  }

  getChildren(node?: TraceNode): TraceNode[] {
    return [...(node ? node.children : this.nodes)];
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(n: TraceNode): vscode.TreeItem {
    const collapsed = n.children.length === 0 ? vscode.TreeItemCollapsibleState.None : n.kind === 'assumptions' || n.kind === 'step' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
    const item = new vscode.TreeItem(n.label, collapsed);
    item.id = n.id;
    if (n.description !== undefined) item.description = n.description;
    item.tooltip = n.tooltip ?? n.label;
    item.iconPath = icon(n);
    item.contextValue = n.kind;
    if (n.location) item.command = { title: 'Reveal', command: COMMAND.reveal, arguments: [n.path, n.step ?? 0] };
    else if (n.kind === 'path') item.command = { title: 'Show this path', command: COMMAND.reveal, arguments: [n.path, 0] };
    return item;
  }
}

function icon(n: TraceNode): vscode.ThemeIcon {
  const colour = (id: string): vscode.ThemeColor => new vscode.ThemeColor(id);
  if (n.kind === 'assumption' || n.kind === 'assumptions' || (n.kind === 'step' && n.assumed)) return new vscode.ThemeIcon('warning', colour('list.warningForeground'));
  if (n.verdict) return new vscode.ThemeIcon(n.verdict === 'ACCEPT' ? 'pass' : 'error', colour(n.verdict === 'ACCEPT' ? 'testing.iconPassed' : 'testing.iconFailed'));
  const ids: Record<string, string> = { hook: 'debug-step-into', chain: 'list-tree', step: 'arrow-small-right', path: 'git-branch', info: 'info' };
  return new vscode.ThemeIcon(ids[n.kind] ?? 'circle-small');
}

export function registerTrace(context: vscode.ExtensionContext, client: () => LanguageClient | undefined): TraceApi {
  const tree = new TraceTree();
  const view = vscode.window.createTreeView(TRACE_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const traced = new vscode.EventEmitter<EditorTraceResult>();
  const mark = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    isWholeLine: true,
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  const assumedMark = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorWarning.foreground'), fontStyle: 'italic' },
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    isWholeLine: true,
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
  let result: EditorTraceResult | undefined;
  let shownPath = 0;
  let drawn = new Map<string, StepMark[]>();
  let panel: vscode.WebviewPanel | undefined;
  let html: string | undefined;

  const decorate = (): void => {
    drawn = new Map();
    const marks = result?.paths[shownPath] ? stepMarks(result.paths[shownPath]!) : new Map<string, StepMark[]>();
    for (const editor of vscode.window.visibleTextEditors) {
      const list = marks.get(editor.document.uri.toString()) ?? [];
      const options = (assumed: boolean): vscode.DecorationOptions[] =>
        list
          .filter((m) => m.assumed === assumed)
          .map((m) => ({
            range: new vscode.Range(m.range.start.line, 0, m.range.start.line, 0),
            hoverMessage: new vscode.MarkdownString().appendText(`kube-netlint trace, path ${shownPath + 1}: ${m.text}`),
            renderOptions: { after: { contentText: `  ${m.text}` } },
          }));
      editor.setDecorations(mark, options(false));
      editor.setDecorations(assumedMark, options(true));
      if (list.length > 0) drawn.set(editor.document.uri.toString(), list);
    }
  };

  const render = (): void => {
    if (!panel || !result) return;
    html = tracePictureHtml(result, { nonce: randomBytes(18).toString('base64'), title: result.sources[0] ? baseName(dirOf(result.sources[0])) : 'packet trace' });
    panel.webview.html = html;
  };

  const show = (r: EditorTraceResult): void => {
    result = r;
    shownPath = 0;
    tree.set(traceTree(r));
    if (r.pathsDiffer) view.message = 'The paths end differently: see each path.';
    else view.message = '';
    void vscode.commands.executeCommand('setContext', 'kube-netlint.traced', true);
    decorate();
    render();
    traced.fire(r);
  };

  const run = async (params: TraceParams, extraAssumptions: readonly string[] = []): Promise<EditorTraceResult | undefined> => {
    const c = client();
    if (!c) {
      void vscode.window.showWarningMessage('kube-netlint: the language server is not running.');
      return undefined;
    }
    const answer = await c.sendRequest<TraceAnswer>('kube-netlint/trace', params);
    if ('error' in answer) {
      void vscode.window.showErrorMessage(`kube-netlint trace: ${answer.error}`);
      return undefined;
    }
    const r = extraAssumptions.length ? { ...answer.result, assumptions: [...extraAssumptions, ...answer.result.assumptions] } : answer.result;
    show(r);
    await vscode.commands.executeCommand(`${TRACE_VIEW}.focus`);
    return r;
  };

  const reveal = async (path: unknown, step: unknown): Promise<void> => {
    if (!result || typeof path !== 'number' || typeof step !== 'number' || !result.paths[path]) return;
    if (path !== shownPath) {
      shownPath = path;
      decorate();
    }
    const s = stepAt(result, path, step);
    if (!s || s.uri === null || s.range === null) return;
    await revealLocation({ uri: s.uri, range: s.range });
    decorate();
  };

  context.subscriptions.push(
    view,
    traced,
    mark,
    assumedMark,
    vscode.window.onDidChangeVisibleTextEditors(() => decorate()),
    vscode.commands.registerCommand(COMMAND.trace, async (arg?: Partial<TraceParams>) => {
      const uri = typeof arg?.uri === 'string' ? arg.uri : vscode.window.activeTextEditor?.document.uri.toString();
      if (!uri) {
        void vscode.window.showWarningMessage('kube-netlint: open a dump of the node to trace a packet through it.');
        return undefined;
      }
      if (typeof arg?.packet === 'string') return run({ ...arg, uri, packet: arg.packet });
      const asked = await askForTrace(context.workspaceState, arg?.packet);
      return asked ? run({ uri, ...asked }) : undefined;
    }),
    vscode.commands.registerCommand(COMMAND.traceService, async (args?: TraceServiceArgs) => {
      if (!args || typeof args.uri !== 'string' || typeof args.packet !== 'string') return undefined;
      return run({ uri: args.uri, packet: args.packet, from: 'pod' }, Array.isArray(args.assumptions) ? args.assumptions.filter((a) => typeof a === 'string') : []);
    }),
    vscode.commands.registerCommand(COMMAND.reveal, reveal),
    vscode.commands.registerCommand(COMMAND.picture, () => {
      if (!result) {
        void vscode.window.showInformationMessage('kube-netlint: trace a packet first (kube-netlint: Trace a packet…).');
        return;
      }
      if (panel) panel.reveal(vscode.ViewColumn.Beside);
      else {
        panel = vscode.window.createWebviewPanel('kube-netlint.tracePicture', 'Packet trace', vscode.ViewColumn.Beside, {
          enableScripts: true,
          enableCommandUris: false,
          localResourceRoots: [],
        });
        panel.onDidDispose(() => {
          panel = undefined;
          html = undefined;
        });
        // The page posts numbers only; anything else is ignored.
        panel.webview.onDidReceiveMessage((m: unknown) => {
          const msg = m as { path?: unknown; step?: unknown } | null;
          if (msg && Number.isInteger(msg.path) && Number.isInteger(msg.step)) void reveal(msg.path, msg.step);
        });
      }
      render();
    }),
    vscode.commands.registerCommand(COMMAND.clear, () => {
      result = undefined;
      tree.set([]);
      decorate();
      panel?.dispose();
      void vscode.commands.executeCommand('setContext', 'kube-netlint.traced', false);
    }),
  );

  return {
    get result() {
      return result;
    },
    get shownPath() {
      return shownPath;
    },
    get tree() {
      return tree.nodes;
    },
    drawnMarks: () => drawn,
    pictureHtml: () => html,
    onDidTrace: traced.event,
  };
}

async function revealLocation(loc: Location): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(loc.uri));
  const range = new vscode.Range(loc.range.start.line, loc.range.start.character, loc.range.end.line, loc.range.end.character);
  const editor = await vscode.window.showTextDocument(doc, { preview: false, selection: new vscode.Range(range.start, range.start) });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function dirOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? file : file.slice(0, i);
}
