import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';
import { ruleDocsPath, ruleDocsUrl } from './engine/docs';
import type { ParsedDocument } from './engine/document';
import { lintDocument, type Report } from './engine/lint';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './engine/settings';
import { codeActions, COMMAND_REMEDIATION_SCRIPT, COMMAND_SHOW_DOCS, FIX_ALL_KIND } from './lsp/codeActions';
import { remediationScript } from './engine/remediation';
import { toDiagnostic } from './lsp/convert';
import { definition, documentSymbols, foldingRanges, inlayHints, references } from './lsp/features';
import { hover } from './lsp/hover';
import { NodeWorkspace } from './lsp/nodeWorkspace';
import { Scheduler } from './lsp/scheduler';

/**
 * The language server: LSP plumbing only. Parsing, rules and facts live in the engine; this file
 * wires documents, settings and requests to it. Runs over IPC (VS Code) or `--stdio` (any client).
 */
const connection: Connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const workspace = new NodeWorkspace((uri) => documents.get(uri));
const scheduler = new Scheduler(200);
/** Last lint per document: hovers and fix-all read it instead of linting again. */
const lastLint = new Map<string, { version: number; doc: ParsedDocument; reports: Report[] }>();
let settings: Settings = DEFAULT_SETTINGS;
let pullConfiguration = false;
let showDocument = false;

connection.onInitialize((params): InitializeResult => {
  pullConfiguration = params.capabilities.workspace?.configuration === true;
  showDocument = params.capabilities.window?.showDocument?.support === true;
  const init = params.initializationOptions as { settings?: unknown } | undefined;
  if (init?.settings !== undefined) settings = readSettings(init.settings);
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      inlayHintProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      executeCommandProvider: { commands: [COMMAND_SHOW_DOCS, COMMAND_REMEDIATION_SCRIPT] },
    },
    serverInfo: { name: 'kube-netlint', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (pullConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'kubeNetlint' }).catch(() => undefined);
    void refreshSettings();
  }
});

async function refreshSettings(): Promise<void> {
  if (!pullConfiguration) return;
  try {
    const raw: unknown = await connection.workspace.getConfiguration('kubeNetlint');
    const notes: string[] = [];
    settings = readSettings(raw, notes);
    for (const n of notes) connection.console.warn(`kubeNetlint settings: ${n}`);
  } catch (e) {
    connection.console.warn(`could not read settings: ${String(e)}`);
  }
  for (const d of documents.all()) schedule(d, 0);
}

connection.onDidChangeConfiguration((change) => {
  if (pullConfiguration) void refreshSettings();
  else {
    const s = (change.settings as { kubeNetlint?: unknown } | undefined)?.kubeNetlint;
    if (s !== undefined) settings = readSettings(s);
    for (const d of documents.all()) schedule(d, 0);
  }
});

function schedule(doc: TextDocument, delay?: number): void {
  scheduler.schedule(
    doc.uri,
    (token) => {
      const current = documents.get(doc.uri);
      if (current) validate(current, token);
    },
    delay,
  );
}

function validate(doc: TextDocument, token: { readonly cancelled: boolean }): void {
  const started = Date.now();
  const parsed = workspace.parseOpen(doc);
  if (!parsed) {
    lastLint.delete(doc.uri);
    void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    return;
  }
  const node = workspace.snapshotFor(parsed, settings.facts);
  const version = doc.version;
  const reports = lintDocument(parsed, node, settings, {
    isCancelled: () => token.cancelled || documents.get(doc.uri)?.version !== version,
    onRuleError: (id, e) => connection.console.error(`rule ${id} failed on ${doc.uri}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  });
  if (token.cancelled || documents.get(doc.uri)?.version !== version) return;
  lastLint.set(doc.uri, { version, doc: parsed, reports });
  void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: reports.map((r) => toDiagnostic(parsed, r, version)) });
  connection.console.log(`linted ${parsed.path} (${parsed.kind}) in ${Date.now() - started} ms: ${reports.length} findings`);
}

documents.onDidOpen((e) => schedule(e.document, 0));
documents.onDidChangeContent((e) => {
  schedule(e.document);
  // The other open files of the same node read this one for evidence: re-lint them too.
  for (const other of workspace.nodeMembers(e.document.uri, documents.all())) schedule(other, 400);
});
documents.onDidClose((e) => {
  scheduler.cancel(e.document.uri);
  lastLint.delete(e.document.uri);
  workspace.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});
connection.onDidChangeWatchedFiles(() => {
  for (const d of documents.all()) schedule(d);
});

/** The lint of the document's current version, running it now if the debounced one has not yet. */
function currentLint(uri: string): { version: number; doc: ParsedDocument; reports: Report[] } | undefined {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  const last = lastLint.get(uri);
  if (last?.version === doc.version) return last;
  const parsed = workspace.parseOpen(doc);
  if (!parsed) return undefined;
  const reports = lintDocument(parsed, workspace.snapshotFor(parsed, settings.facts), settings);
  const fresh = { version: doc.version, doc: parsed, reports };
  lastLint.set(uri, fresh);
  return fresh;
}

connection.onHover((params) => {
  const lint = currentLint(params.textDocument.uri);
  if (!lint) return null;
  return hover(lint.doc, lint.doc.lines.offsetAt(params.position), lint.reports) ?? null;
});

/** The parsed open document (no lint needed): outline, folding and navigation read only the model. */
function parsedOpen(uri: string): ParsedDocument | undefined {
  const doc = documents.get(uri);
  return doc ? workspace.parseOpen(doc) : undefined;
}

connection.onDocumentSymbol((p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? documentSymbols(doc) : [];
});
connection.onFoldingRanges((p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? foldingRanges(doc) : [];
});
connection.onDefinition((p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? definition(doc, doc.lines.offsetAt(p.position)) : [];
});
connection.onReferences((p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? references(doc, doc.lines.offsetAt(p.position), p.context.includeDeclaration) : [];
});
connection.languages.inlayHint.on((p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? inlayHints(doc, p.range) : [];
});

connection.onCodeAction((params) => {
  const lint = currentLint(params.textDocument.uri);
  return lint ? codeActions(lint.doc, lint.version, params, lint.reports) : [];
});

/** Lints every member of the node of `uri` (open or on disk) and returns their remediation script. */
function nodeRemediationScript(uri: string): string | undefined {
  const lint = currentLint(uri);
  if (!lint) return undefined;
  const node = workspace.snapshotFor(lint.doc, settings.facts);
  const results = node.documents.map((document) =>
    document.uri === uri ? { document, reports: lint.reports } : { document, reports: lintDocument(document, node, settings) },
  );
  return remediationScript(node.name, results);
}

connection.onExecuteCommand(async (params) => {
  if (params.command === COMMAND_REMEDIATION_SCRIPT) {
    const uri = params.arguments?.[0];
    return typeof uri === 'string' ? (nodeRemediationScript(uri) ?? null) : null;
  }
  if (params.command !== COMMAND_SHOW_DOCS) return;
  const id = params.arguments?.[0];
  if (typeof id !== 'string') return;
  const local = ruleDocsPath(id);
  const uri = ruleDocsUrl(id);
  if (showDocument) {
    // Prefer the page shipped with the extension (works offline), else the repository page.
    const r = local ? await connection.window.showDocument({ uri: pathToFileURL(local).toString() }) : { success: false };
    if (!r.success) await connection.window.showDocument({ uri, external: true });
  } else {
    connection.window.showInformationMessage(`${id}: ${uri}`);
  }
});

connection.onShutdown(() => scheduler.dispose());

documents.listen(connection);
connection.listen();
