import { RequestType, type CancellationToken, type Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ParsedDocument } from '../node/document';
import { resolveServiceLens, serviceLenses } from './codeLens';
import { answerTrace, TRACE_REQUEST, type TraceAnswer, type TraceParams } from './traceRequest';

/**
 * Wires the packet tracer into the server: the `kube-netlint/trace` request and the Service
 * lenses. server.ts passes what it owns (open documents, parses, node snapshots), so the tracer's
 * handlers live here and server.ts registers them in one line.
 */
export interface TraceServerDeps {
  readonly document: (uri: string) => TextDocument | undefined;
  /** Parses (or returns the cached parse of) an open document: the user asked, parsing is fine. */
  readonly parse: (doc: TextDocument) => ParsedDocument | undefined;
  /** The parse of this version if validation made one; never parses. */
  readonly cached: (doc: TextDocument) => ParsedDocument | undefined;
  /** The documents of the node of an open, parsed document (its folder; open documents win). */
  readonly node: (doc: ParsedDocument) => readonly ParsedDocument[];
  readonly log: (message: string) => void;
}

/** Lenses are computed on request from a parse below this size; above, from the parse validation makes. */
const LENS_PARSE_LIMIT = 2_000_000;
/** How long a lens request on a large dump waits for validation's parse before answering none. */
const LENS_WAIT_MS = 30_000;

const traceRequest = new RequestType<TraceParams, TraceAnswer, void>(TRACE_REQUEST);

export function registerTrace(connection: Connection, deps: TraceServerDeps): void {
  connection.onRequest(traceRequest, (params): TraceAnswer => {
    try {
      const open = deps.document(params.uri);
      const parsed = open && deps.parse(open);
      const started = Date.now();
      const answer = answerTrace(params, parsed ? deps.node(parsed) : undefined);
      deps.log(`traced ${params.packet} through the node of ${params.uri} in ${Date.now() - started} ms`);
      return answer;
    } catch (e) {
      deps.log(`trace failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return { error: `the trace failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  });

  connection.onCodeLens(async (params, token) => {
    const doc = await parsedForLens(deps, params.textDocument.uri, token);
    if (!doc) return [];
    const started = Date.now();
    const lenses = serviceLenses(doc, deps.document(params.textDocument.uri)?.version ?? 0);
    if (lenses.length > 0) deps.log(`${lenses.length} Service lenses for ${doc.path} in ${Date.now() - started} ms`);
    return lenses;
  });

  connection.onCodeLensResolve((lens) => {
    try {
      const uri = (lens.data as { uri?: unknown } | undefined)?.uri;
      const open = typeof uri === 'string' ? deps.document(uri) : undefined;
      const doc = open && deps.cached(open);
      return resolveServiceLens(lens, doc, () => (doc ? deps.node(doc) : []));
    } catch (e) {
      deps.log(`codeLens/resolve failed: ${e instanceof Error ? e.message : String(e)}`);
      return lens;
    }
  });
}

/**
 * The parse a lens request reads. Small documents are parsed now; a large one waits for the parse
 * its validation makes (editors ask for lenses after every edit: parsing 50 MB for each would
 * stall the server), polling until it exists, the request is cancelled or the wait runs out.
 */
async function parsedForLens(deps: TraceServerDeps, uri: string, token: CancellationToken): Promise<ParsedDocument | undefined> {
  const deadline = Date.now() + LENS_WAIT_MS;
  for (;;) {
    const open = deps.document(uri);
    if (!open || token.isCancellationRequested) return undefined;
    const cached = deps.cached(open);
    if (cached) return cached;
    if (open.getText().length <= LENS_PARSE_LIMIT) return deps.parse(open);
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
