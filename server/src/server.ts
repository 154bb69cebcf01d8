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
import type { ParsedDocument } from './node/document';
import { lintDocument, lintSteps, type Report } from './engine/lint';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './node/settings';
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
/** Settings a client passed in initializationOptions: kept when its configuration section is empty. */
let initSettings: unknown;
let pullConfiguration = false;
let showDocument = false;

connection.onInitialize((params): InitializeResult => {
  pullConfiguration = params.capabilities.workspace?.configuration === true;
  showDocument = params.capabilities.window?.showDocument?.support === true;
  const init = params.initializationOptions as { settings?: unknown } | undefined;
  if (init?.settings !== undefined) {
    initSettings = init.settings;
    settings = readSettings(init.settings);
  }
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
    // Clients without a kubeNetlint section answer null or {}: the initializationOptions still apply.
    const empty = raw === null || raw === undefined || (typeof raw === 'object' && Object.keys(raw).length === 0);
    const notes: string[] = [];
    settings = readSettings(empty && initSettings !== undefined ? initSettings : raw, notes);
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

/** Bigger documents wait longer after the last keystroke: each lint of a 50 MB dump costs seconds. */
function debounceFor(doc: TextDocument, delay: number | undefined): number | undefined {
  if (delay === 0) return 0;
  const mb = doc.getText().length / 1e6;
  return mb < 1 ? delay : Math.max(delay ?? 200, Math.min(5000, Math.round(200 + mb * 50)));
}

function schedule(doc: TextDocument, delay?: number): void {
  scheduler.schedule(
    doc.uri,
    (token) => {
      const current = documents.get(doc.uri);
      if (current) void validate(current, token);
    },
    debounceFor(doc, delay),
  );
}

/** How long a lint runs before it lets the server read new messages (and notice a newer edit). */
const SLICE_MS = 30;

async function validate(doc: TextDocument, token: { readonly cancelled: boolean }): Promise<void> {
  const started = Date.now();
  const parsed = workspace.parseOpen(doc);
  if (!parsed) {
    lastLint.delete(doc.uri);
    void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    return;
  }
  const version = doc.version;
  const stale = (): boolean => token.cancelled || documents.get(doc.uri)?.version !== version;
  // Yield to the event loop every few milliseconds: edits that arrive meanwhile make this lint
  // stale, and it stops instead of finishing work nobody will see.
  await new Promise((resolve) => setImmediate(resolve));
  if (stale()) return;
  const node = workspace.snapshotFor(parsed, settings.facts);
  const steps = lintSteps(parsed, node, settings, {
    onRuleError: (id, e) => connection.console.error(`rule ${id} failed on ${doc.uri}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  });
  let sliceStart = Date.now();
  let reports: Report[];
  for (;;) {
    const step = steps.next();
    if (step.done) {
      reports = step.value;
      break;
    }
    if (Date.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      if (stale()) return;
      sliceStart = Date.now();
    }
  }
  if (stale()) return;
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
connection.onDidChangeWatchedFiles((params) => {
  // A file on disk changed: the open documents of its node (its folder) may read it for facts.
  // Saving an open document also lands here; its own text has not changed, so it is not re-linted.
  const nodes = new Set(params.changes.map((c) => workspace.nodeOf(c.uri)).filter((n): n is string => n !== undefined));
  const changed = new Set(params.changes.map((c) => c.uri));
  for (const d of documents.all()) {
    const node = workspace.nodeOf(d.uri);
    if (node && nodes.has(node) && !changed.has(d.uri)) schedule(d);
  }
});

/**
 * The last lint, if it is of the document's current version. Request handlers never lint: on a
 * large dump a lint takes seconds, and editors ask for code actions after every keystroke. A
 * stale lint simply offers nothing until the debounced validation catches up.
 */
function currentLint(uri: string): { version: number; doc: ParsedDocument; reports: Report[] } | undefined {
  const last = lastLint.get(uri);
  return last && last.version === documents.get(uri)?.version ? last : undefined;
}

connection.onHover((params) => {
  // Token hovers need only the parse (cached per version); findings come from the current lint, if any.
  const doc = parsedOpen(params.textDocument.uri);
  if (!doc) return null;
  const reports = currentLint(params.textDocument.uri)?.reports ?? [];
  return hover(doc, doc.lines.offsetAt(params.position), reports) ?? null;
});

/** Above this size a request never parses: it answers from a parse the debounced lint already made. */
const PARSE_ON_REQUEST_LIMIT = 2_000_000;

/**
 * The parsed open document (no lint needed): outline, folding, navigation and hovers read only the
 * model. Editors ask for outline and folding after every keystroke; on a large dump those requests
 * must not parse each intermediate version, so they wait for the debounced validation's parse.
 */
function parsedOpen(uri: string): ParsedDocument | undefined {
  const doc = documents.get(uri);
  if (!doc) return undefined;
  return workspace.cachedParse(doc) ?? (doc.getText().length <= PARSE_ON_REQUEST_LIMIT ? workspace.parseOpen(doc) : undefined);
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
  // Run on the user's request, so parsing and linting what has not been linted yet is fine here.
  const open = documents.get(uri);
  const parsed = open && workspace.parseOpen(open);
  if (!parsed) return undefined;
  const lint = currentLint(uri);
  const node = workspace.snapshotFor(parsed, settings.facts);
  const results = node.documents.map((document) => ({
    document,
    reports: document.uri === uri && lint ? lint.reports : lintDocument(document, node, settings),
  }));
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
