import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { pathToFileURL } from 'node:url';
import { ruleDocsPath, ruleDocsUrl } from './engine/docs';
import type { ParsedDocument } from './node/document';
import { isConsumed, updatedFromPrevious } from './node/incremental';
import { lintDocument, lintSteps, type Report } from './engine/lint';
import { RuleResults } from './engine/incremental';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './node/settings';
import { codeActions, COMMAND_REMEDIATION_SCRIPT, COMMAND_SHOW_DOCS, FIX_ALL_KIND, isFixActionData, resolveFixAction } from './lsp/codeActions';
import { remediationScript } from './engine/remediation';
import { toDiagnostic } from './lsp/convert';
import { SERVER_COMMANDS } from './core/commands';
import { definition, documentSymbols, foldingRanges, inlayHints, references } from './lsp/features';
import { hover } from './lsp/hover';
import { NodeWorkspace } from './lsp/nodeWorkspace';
import { OpenDocuments } from './lsp/openDocuments';
import { Scheduler } from './lsp/scheduler';
import { registerTrace } from './lsp/traceServer';
import { createTransport, transportLog } from './lsp/transport';
import { HeapMode } from './lsp/heap';
import { PhaseTimes } from './lsp/phaseTimes';

/**
 * The language server: LSP plumbing only. Parsing, rules and facts live in the engine; this file
 * wires documents, settings and requests to it. Runs over IPC (VS Code) or `--stdio` (any client).
 */
/** A small heap while a big document is arriving or open (lsp/heap.ts). */
const heap = new HeapMode();
const transport = createTransport(process.argv.slice(2), (bytes) => heap.incoming(bytes));
const connection: Connection = createConnection(ProposedFeatures.all, transport.reader, transport.writer);
transportLog.sink = (line) => connection.console.warn(line);
if (transport.stdio) routeConsoleToClient();
let shutdownReceived = false;
if (transport.stdio) {
  // What vscode-languageserver does for a stdin it owns: the client went away.
  const ended = (): never => process.exit(shutdownReceived ? 0 : 1);
  process.stdin.on('end', ended);
  process.stdin.on('close', ended);
}

/** With --stdio, stdout is the protocol: a stray console.log would corrupt it. */
function routeConsoleToClient(): void {
  const text = (args: unknown[]): string => args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
  console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(text(args));
  console.warn = (...args: unknown[]) => connection.console.warn(text(args));
  console.error = (...args: unknown[]) => connection.console.error(text(args));
}

/** Work counters a test can read (`kube-netlint/stats`, only with KUBE_NETLINT_STATS=1). */
const stats = { parses: 0, updates: 0, lintsStarted: 0, lintsCompleted: 0 };
/** Where the last completed validation's time went (lsp/phaseTimes.ts), for the stats request. */
let lastTimes: ReturnType<PhaseTimes['summary']> | undefined;

const documents = new OpenDocuments({
  opened: (uri) => {
    heap.received(documents.approximateLength(uri));
    schedule(uri, 0);
  },
  changed: (uri) => {
    heap.received(0);
    // A change while nothing is pending or running for the document (a keystroke after the last
    // one's diagnostics) is validated at once; changes that arrive while a validation is pending
    // or running (a paste in pieces, fast typing, an edit storm) wait for the debounce.
    schedule(uri, undefined, scheduler.idle(uri));
    // The other open files of the same node read this one for evidence: re-lint them too, with a new node snapshot.
    workspace.invalidate(uri);
    for (const other of workspace.dependents(uri, documents.uris())) schedule(other, 400);
  },
  closed: (uri) => {
    scheduler.cancel(uri);
    lastLint.delete(uri);
    ruleResults.delete(uri);
    workspace.forget(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    settleHeap();
  },
});

function settleHeap(): void {
  heap.settle(documents.uris().map((u) => documents.approximateLength(u)));
}
const workspace = new NodeWorkspace((uri) => documents.get(uri));
// An edit of an open dump updates its previous parse where the edit touched it (node/incremental.ts).
workspace.edits = documents;
/**
 * The wait after a change that arrives while a validation of its document is pending or running
 * (a change while nothing is, a keystroke after the last one's diagnostics, is validated at once:
 * Scheduler.idle): long enough to take a burst of changes (a paste, a
 * multi-cursor edit, fast typing) in one validation, and the same for every size. It no longer
 * grows with the document: an edit of rule lines is re-read incrementally, not parsed again, and a
 * lint that a newer edit makes stale stops at its next slice.
 */
const VALIDATION_DEBOUNCE_MS = 15;
const scheduler = new Scheduler(VALIDATION_DEBOUNCE_MS, (uri, e) => connection.console.error(`validation of ${uri} failed: ${errorText(e)}`));

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/**
 * Wraps a handler so that nothing it throws escapes: the protocol library would answer a request
 * with an error anyway, but notifications and their side effects must not end half-done silently.
 */
function guard<P, R>(name: string, fallback: R, handler: (params: P) => R): (params: P) => R {
  return (params) => {
    try {
      return handler(params);
    } catch (e) {
      connection.console.error(`${name} failed: ${errorText(e)}`);
      return fallback;
    }
  };
}
/** Last lint per document: hovers and fix-all read it instead of linting again. */
const lastLint = new Map<string, { version: number; doc: ParsedDocument; reports: Report[] }>();
/** Per open document, each rule's findings with the inputs they came from: a lint re-runs only rules whose inputs changed. */
const ruleResults = new Map<string, RuleResults>();
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
      codeLensProvider: { resolveProvider: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      executeCommandProvider: { commands: [...SERVER_COMMANDS] },
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
  for (const uri of documents.uris()) schedule(uri, 0);
}

connection.onDidChangeConfiguration((change) => {
  if (pullConfiguration) void refreshSettings();
  else {
    const s = (change.settings as { kubeNetlint?: unknown } | undefined)?.kubeNetlint;
    if (s !== undefined) settings = readSettings(s);
    for (const uri of documents.uris()) schedule(uri, 0);
  }
});

/**
 * How long an edit that needs a full parse waits for a pause in typing: a full parse of a 50 MB
 * dump costs seconds and cannot be stopped half-way. Edits the previous parse can take
 * (node/incremental.ts) do not wait for this.
 */
/** Changes in one burst above which it is an edit storm rather than typing. */
const STORM_CHANGES = 64;

function fullParseWait(uri: string): number {
  const mb = documents.approximateLength(uri) / 1e6;
  return mb < 1 ? 0 : Math.min(5000, Math.round(200 + mb * 50));
}

function schedule(uri: string, delay?: number, leading = false): void {
  const run = async (token: { readonly cancelled: boolean }, waited: boolean): Promise<void> => {
    const wait = fullParseWait(uri) - VALIDATION_DEBOUNCE_MS;
    if (!waited && delay === undefined && wait > 0 && documents.burstChanges(uri) > STORM_CHANGES) {
      // More changes than anyone types between two validations: a scripted edit or a paste in
      // pieces, still arriving. Its end is awaited as a full parse's would be, without applying them.
      scheduler.schedule(uri, (t) => run(t, true), wait);
      return;
    }
    // Every change received until now is applied here, in one go (see OpenDocuments).
    const times = new PhaseTimes();
    const current = documents.get(uri);
    if (!current) return;
    times.phase('apply changes');
    const cached = workspace.cachedParse(current) !== undefined;
    if (!cached && workspace.updatedOpen(current)) stats.updates++;
    else if (!cached && !waited && delay === undefined && wait > 0) {
      scheduler.schedule(uri, (t) => run(t, true), wait);
      return;
    }
    times.phase('update');
    try {
      await validate(current, token, times);
    } finally {
      settleHeap();
    }
  };
  scheduler.schedule(uri, (token) => run(token, false), leading ? 0 : delay);
}

/**
 * Parses an open document (or returns its cached parse), counting the parses that really ran
 * (full parses here; updates of the previous parse where an edit touched it are `updates`).
 */
function parseOpen(doc: TextDocument): ParsedDocument | undefined {
  const cached = workspace.cachedParse(doc);
  const parsed = workspace.parseOpen(doc);
  if (!cached && parsed) {
    if (updatedFromPrevious(parsed)) stats.updates++;
    else stats.parses++;
  }
  return parsed;
}

/** How long a lint runs before it lets the server read new messages (and notice a newer edit). */
const SLICE_MS = 30;

async function validate(doc: TextDocument, token: { readonly cancelled: boolean }, times = new PhaseTimes()): Promise<void> {
  const started = Date.now();
  const parsed = parseOpen(doc);
  times.phase('parse');
  if (!parsed) {
    lastLint.delete(doc.uri);
    void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [] });
    return;
  }
  const version = doc.version;
  const stale = (): boolean => token.cancelled || documents.version(doc.uri) !== version;
  // Yield to the event loop every few milliseconds: edits that arrive meanwhile make this lint
  // stale, and it stops instead of finishing work nobody will see.
  await new Promise((resolve) => setImmediate(resolve));
  if (stale()) return;
  times.resume();
  const node = workspace.snapshotFor(parsed, settings.facts);
  times.phase('snapshot');
  stats.lintsStarted++;
  let results = ruleResults.get(doc.uri);
  if (!results) ruleResults.set(doc.uri, (results = new RuleResults()));
  const steps = lintSteps(parsed, node, settings, {
    results,
    onRuleError: (id, e) => connection.console.error(`rule ${id} failed on ${doc.uri}: ${errorText(e)}`),
  });
  let sliceStart = Date.now();
  let reports: Report[];
  // A step's value is the rule about to run: the time up to the next step is that rule's.
  let running: string | undefined;
  times.phase('lint setup');
  for (;;) {
    const step = steps.next();
    // The last step also sorts the findings (engine/lint.ts): that is the rules' time too.
    if (running !== undefined) times.rule(running);
    if (step.done) {
      reports = step.value;
      break;
    }
    running = step.value;
    if (Date.now() - sliceStart > SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      if (stale()) return;
      times.resume();
      sliceStart = Date.now();
    }
  }
  if (stale()) return;
  stats.lintsCompleted++;
  lastLint.set(doc.uri, { version, doc: parsed, reports });
  times.phase('findings');
  const diagnostics = reports.map((r, i) => toDiagnostic(parsed, r, version, i));
  times.phase('diagnostics');
  void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
  times.phase('send');
  lastTimes = times.summary();
  connection.console.log(`linted ${parsed.path} (${parsed.kind}) in ${Date.now() - started} ms: ${reports.length} findings; ${times.toString()}`);
}

connection.onDidChangeWatchedFiles(guard('didChangeWatchedFiles', undefined, (params) => {
  // A file on disk changed: the open documents of its node (its folder or bundle) may read it for facts.
  // Saving an open document also lands here; its own text has not changed, so it is not re-linted,
  // and its node's snapshot (which reads the open text) stays.
  const changed = new Set(params.changes.map((c) => c.uri));
  const open = documents.uris();
  const relint = new Set(params.changes.flatMap((c) => workspace.dependents(c.uri, open)));
  for (const c of params.changes) if (documents.version(c.uri) === undefined) workspace.invalidate(c.uri, true);
  for (const uri of relint) if (!changed.has(uri)) schedule(uri);
}));

/**
 * The last lint, if it is of the document's current version. Request handlers never lint: on a
 * large dump a lint takes seconds, and editors ask for code actions after every keystroke. A
 * stale lint simply offers nothing until the debounced validation catches up.
 */
function currentLint(uri: string): { version: number; doc: ParsedDocument; reports: Report[] } | undefined {
  const last = lastLint.get(uri);
  return last && last.version === documents.version(uri) ? last : undefined;
}

connection.onHover(guard('hover', null, (params) => {
  // Token hovers need only the parse (cached per version); findings come from the current lint, if any.
  const uri = params.textDocument.uri;
  const doc = parsedOpen(uri);
  if (doc) return hover(doc, doc.lines.offsetAt(params.position), currentLint(uri)?.reports ?? []) ?? null;
  // A large document mid-edit: answer now from the last complete analysis, where the hovered
  // line reads the same in both versions (so the token and its findings are the same ones).
  const last = lastLint.get(uri);
  const current = documents.get(uri);
  const line = params.position.line;
  // An incremental update took over that analysis' model (node/incremental.ts): it no longer matches its text.
  if (!last || !current || isConsumed(last.doc) || line >= last.doc.lines.lineCount) return null;
  const before = last.doc.text.slice(last.doc.lines.lineStart(line), last.doc.lines.lineEnd(line));
  const now = current.getText({ start: { line, character: 0 }, end: { line, character: Number.MAX_SAFE_INTEGER } });
  if (before !== now) return null;
  return hover(last.doc, last.doc.lines.offsetAt(params.position), last.reports) ?? null;
}));

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
  return workspace.cachedParse(doc) ?? (doc.getText().length <= PARSE_ON_REQUEST_LIMIT ? parseOpen(doc) : undefined);
}

connection.onDocumentSymbol(guard('documentSymbol', [], (p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? documentSymbols(doc) : [];
}));
connection.onFoldingRanges(guard('foldingRange', [], (p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? foldingRanges(doc) : [];
}));
connection.onDefinition(guard('definition', [], (p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? definition(doc, doc.lines.offsetAt(p.position)) : [];
}));
connection.onReferences(guard('references', [], (p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? references(doc, doc.lines.offsetAt(p.position), p.context.includeDeclaration) : [];
}));
connection.languages.inlayHint.on(guard('inlayHint', [], (p) => {
  const doc = parsedOpen(p.textDocument.uri);
  return doc ? inlayHints(doc, p.range) : [];
}));

connection.onCodeAction(guard('codeAction', [], (params) => {
  const lint = currentLint(params.textDocument.uri);
  return lint ? codeActions(lint.doc, lint.version, params, lint.reports) : [];
}));
// The edit of a quick fix, from the last lint of the version the action was made for (else none).
connection.onCodeActionResolve((action) => guard('codeActionResolve', action, (a: typeof action) => {
  const uri = isFixActionData(a.data) ? a.data.uri : undefined;
  return resolveFixAction(a, uri === undefined ? undefined : currentLint(uri));
})(action));

/** Lints every member of the node of `uri` (open or on disk) and returns their remediation script. */
function nodeRemediationScript(uri: string): string | undefined {
  // Run on the user's request, so parsing and linting what has not been linted yet is fine here.
  const open = documents.get(uri);
  const parsed = open && parseOpen(open);
  if (!parsed) return undefined;
  const lint = currentLint(uri);
  const node = workspace.snapshotFor(parsed, settings.facts);
  const results = node.documents.map((document) => ({
    document,
    reports: document.uri === uri && lint ? lint.reports : lintDocument(document, node, settings),
  }));
  return remediationScript(node, results);
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

connection.onShutdown(() => {
  shutdownReceived = true;
  scheduler.dispose();
});

if (process.env.KUBE_NETLINT_STATS === '1') {
  connection.onRequest('kube-netlint/stats', () => ({ ...stats, ...documents.counters, snapshotsBuilt: workspace.snapshotsBuilt, lastValidation: lastTimes }));
}

registerTrace(connection, {
  document: (uri) => documents.get(uri),
  parse: parseOpen,
  cached: (doc) => workspace.cachedParse(doc),
  node: (doc) => workspace.snapshotFor(doc, settings.facts).documents,
  log: (m) => connection.console.log(m),
});

documents.listen(connection);
connection.listen();
