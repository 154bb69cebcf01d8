/**
 * Mutation fuzzing through the language server: the seeds and mutations of the CLI fuzz
 * (fuzz.ts, test/helpers/mutations.ts), opened in the shipped server (dist/server.js over stdio,
 * test/helpers/lspClient.ts) as untitled documents, then edited with random incremental changes
 * (ranges past the end of a line and of the text, reversed ranges, CR / LF / CRLF pieces, split
 * surrogate pairs, several changes per notification, full-text replacements) while every request
 * the server offers is sent at random positions, some mid-edit: hover, codeAction (and
 * codeAction/resolve of each action it returns), documentSymbol, definition, references,
 * foldingRange, inlayHint, codeLens (and codeLens/resolve), kube-netlint/trace, the remediation
 * script command. Pauses and waits for diagnostics between edits let the server's incremental
 * analysis (a parse updated where an edit touched it, rules re-run only where inputs changed)
 * take its turn.
 *
 * After each session the server must still run, must have answered every request (a result or an
 * error) within REQUEST_BOUND_MS, must have logged no handler, validation or rule failure, and the
 * diagnostics it published for the final version must equal, field for field, the CLI engine's
 * lint of the same text (parseDocument + lintDocument over the snapshot the server builds for an
 * untitled document: a node of its own, default settings), converted by the same toDiagnostic.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Diagnostic, Position, PublishDiagnosticsParams, Range, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyMutation, mutation, type Mutation } from '../helpers/mutations';
import { TestClient } from '../helpers/lspClient';
import { parseDocument } from '../../server/src/node/document';
import { createSnapshot } from '../../server/src/node/snapshot';
import { lintDocument } from '../../server/src/engine/lint';
import { DEFAULT_SETTINGS } from '../../server/src/node/settings';
import { kindForLanguage } from '../../server/src/lsp/kinds';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { COMMAND_REMEDIATION_SCRIPT, FIX_ALL_KIND } from '../../server/src/lsp/codeActions';
import { loadSeeds } from './fuzz';

/** Every request must be answered within this (the machine is shared and loaded; a hang is minutes). */
export const REQUEST_BOUND_MS = 15_000;
/** The final diagnostics must arrive within this after the last edit. */
const DIAGNOSTICS_BOUND_MS = 30_000;

/** The editor language each seed format is opened with (the server decides YAML by content, as VS Code's YAML files). */
const LANGUAGE: Readonly<Record<string, string>> = {
  'iptables-save': 'iptables',
  'iptables-listing': 'iptables',
  ipvsadm: 'ipvsadm',
  conntrack: 'conntrack',
  sysctl: 'sysctl',
  ethtool: 'ethtool',
  k8s: 'yaml',
  nftables: 'nftables',
};

/** Pieces an edit inserts besides the format's tokens and random text: line-break halves, a lone surrogate. */
const BREAKS = ['\r', '\n', '\r\n', '', '\r\r\n', '\n\r', '\ud800', '\udc00', '\u2028', '\ufeff'];

/**
 * A position chosen relative to the text at the time of the edit: inside a line, at its end (just
 * before the line break, where CR and LF meet), past its end, at its start, on a line past the end
 * of the text, or at the largest character LSP allows.
 */
interface AbstractPosition {
  readonly line: number;
  readonly ch: number;
  readonly mode: 0 | 1 | 2 | 3 | 4 | 5;
}

type Change = { readonly full: false; readonly start: AbstractPosition; readonly end: AbstractPosition | null; readonly text: string } | { readonly full: true; readonly ops: readonly Mutation[] };

const METHODS = [
  'hover',
  'codeAction',
  'documentSymbol',
  'definition',
  'references',
  'foldingRange',
  'inlayHint',
  'codeLens',
  'trace',
  'remediationScript',
] as const;
type Method = (typeof METHODS)[number];

type Step =
  | { readonly kind: 'edit'; readonly changes: readonly Change[] }
  | { readonly kind: 'pause'; readonly ms: number }
  | { readonly kind: 'settle' }
  | { readonly kind: 'request'; readonly method: Method; readonly a: AbstractPosition; readonly b: AbstractPosition; readonly pick: number };

/** Packets for kube-netlint/trace: real Service traffic and values the request must refuse. */
const PACKETS = ['tcp 10.244.1.5:40000 -> 10.96.0.10:443', 'udp 10.244.0.3 -> 10.96.0.10:53', 'tcp 192.168.1.10 -> 10.96.0.1:443', 'tcp 1.2.3.4 -> 10.0.0.1:30080', 'x', '', 'tcp 999.1.1.1 -> :', 'icmp 10.0.0.1 -> 10.0.0.2:0'];

function positionArb(): fc.Arbitrary<AbstractPosition> {
  return fc.record({ line: fc.nat(), ch: fc.nat(), mode: fc.constantFrom(0, 1, 2, 3, 4, 5) });
}

function stepArb(tokens: readonly string[]): fc.Arbitrary<Step> {
  const text = fc.oneof(fc.constantFrom(...tokens), fc.constantFrom(...BREAKS), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme-ascii', maxLength: 40 }));
  const ranged: fc.Arbitrary<Change> = fc.record({ full: fc.constant(false as const), start: positionArb(), end: fc.option(positionArb(), { nil: null, freq: 3 }), text });
  const full: fc.Arbitrary<Change> = fc.record({ full: fc.constant(true as const), ops: fc.array(mutation([...tokens]), { minLength: 1, maxLength: 3 }) });
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), changes: fc.array(fc.oneof({ weight: 12, arbitrary: ranged }, { weight: 1, arbitrary: full }), { minLength: 1, maxLength: 4 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('settle' as const) }) },
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('request' as const), method: fc.constantFrom(...METHODS), a: positionArb(), b: positionArb(), pick: fc.nat() }) },
  );
}

/** The LSP position an abstract one stands for in `doc` (lines and characters in UTF-16 units, as LSP counts). */
function resolve(doc: TextDocument, p: AbstractPosition): Position {
  const lines = doc.lineCount;
  if (p.mode === 4) return { line: lines + (p.line % 3), character: p.ch % 5 };
  const line = p.line % lines;
  const len = doc.offsetAt({ line, character: 2_147_483_647 }) - doc.offsetAt({ line, character: 0 });
  const character = [p.ch % (len + 1), len, len + 1 + (p.ch % 4), 0, 0, 2_147_483_647][p.mode];
  return { line, character: character! };
}

/**
 * A change applied as the protocol defines it (vscode-languageserver-textdocument's offsets: a
 * character past the line's end is its end, a line past the text's end is the end of the text; a
 * reversed range is read from its earlier end), one change after the other.
 */
export function applyChange(text: string, change: TextDocumentContentChangeEvent): string {
  if (!('range' in change) || change.range === undefined) return change.text;
  const doc = TextDocument.create('fuzz:model', 'plaintext', 0, text);
  const s = doc.offsetAt(change.range.start);
  const e = doc.offsetAt(change.range.end);
  return text.slice(0, Math.min(s, e)) + change.text + text.slice(Math.max(s, e));
}

/** What the CLI engine reports for this text opened as an untitled document: the diagnostics the server must publish. */
export function expectedDiagnostics(uri: string, languageId: string, text: string, version: number): Diagnostic[] {
  const kind = kindForLanguage(languageId, text, uri);
  if (!kind) return [];
  const document = parseDocument({ uri, path: uri, text, kind });
  const node = createSnapshot(uri, [document], DEFAULT_SETTINGS.facts);
  const reports = lintDocument(document, node, DEFAULT_SETTINGS);
  return JSON.parse(JSON.stringify(reports.map((r, i) => toDiagnostic(document, r, version, i)))) as Diagnostic[];
}

export interface LspFuzzStats {
  sessions: number;
  /** Content changes sent (ranged and full). */
  changes: number;
  /** Requests sent, resolves included. */
  requests: number;
  /** Requests answered with an error (allowed: the server must answer, not necessarily with a result). */
  errorAnswers: number;
  /** The slowest answer. */
  slowestMs: number;
  /** Sessions whose final text the server did not read as its kind (YAML mutated out of being a manifest): must publish nothing. */
  notOurs: number;
  /** Diagnostics compared with the engine's, over all final versions. */
  diagnostics: number;
  readonly byFormat: Record<string, number>;
}

export interface LspFuzzOptions {
  readonly sessions: number;
  readonly seed: number;
  /** Only fixtures up to this size (the `npm test` subset keeps to the small ones). */
  readonly maxSeedChars?: number;
  /** Steps per session (edits, pauses, requests). */
  readonly maxSteps?: number;
  readonly log?: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Thrown with everything needed to replay a failing session; the final text is written next to it. */
function fail(what: string, session: { format: string; uri: string; text: string; version: number }): never {
  const file = join(tmpdir(), `kube-netlint-lspfuzz-${process.pid}-${Date.now()}.txt`);
  writeFileSync(file, session.text);
  throw new Error(`${what}\n  format ${session.format}, ${session.uri} version ${session.version}, final text (${session.text.length} chars) in ${file}`);
}

/**
 * Runs `sessions` fuzz sessions against one server process; throws (fast-check's report with the
 * seed and path, and the session's details) on the first failure.
 */
export async function fuzzServer(opts: LspFuzzOptions): Promise<LspFuzzStats> {
  const seeds = loadSeeds(opts.maxSeedChars);
  const stats: LspFuzzStats = { sessions: 0, changes: 0, requests: 0, errorAnswers: 0, slowestMs: 0, notOurs: 0, diagnostics: 0, byFormat: {} };
  const client = new TestClient();
  let nextDoc = 0;
  try {
    await client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await client.connection.sendNotification('initialized', {});

    const session = async (formatIndex: number, which: number, initial: readonly Mutation[], steps: readonly Step[]): Promise<void> => {
      const { format, texts } = seeds[formatIndex % seeds.length]!;
      const languageId = LANGUAGE[format.format] ?? format.format;
      let text = texts[which % texts.length]!;
      for (const op of initial) text = applyMutation(text, op);
      const uri = `untitled:fuzz-${nextDoc++}`;
      let version = 1;
      const state = { format: format.format, uri, get text() { return text; }, get version() { return version; } };
      const logsBefore = client.logs.length;
      const pending: Promise<void>[] = [];

      /** Sends a request; its answer (result or error) must come within the bound. */
      const request = (method: string, params: unknown, then?: (result: unknown) => void): void => {
        stats.requests++;
        const sent = Date.now();
        let timer: NodeJS.Timeout | undefined;
        const bound = new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), REQUEST_BOUND_MS)));
        const answer = client.connection.sendRequest(method, params).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        pending.push(
          Promise.race([answer, bound]).then((a) => {
            clearTimeout(timer);
            if (a === 'hang') fail(`${method} not answered within ${REQUEST_BOUND_MS} ms`, state);
            stats.slowestMs = Math.max(stats.slowestMs, Date.now() - sent);
            if ('error' in a) stats.errorAnswers++;
            else then?.(a.result);
          }),
        );
      };

      const model = (): TextDocument => TextDocument.create(uri, languageId, version, text);
      const range = (a: AbstractPosition, b: AbstractPosition): Range => {
        const m = model();
        return { start: resolve(m, a), end: resolve(m, b) };
      };

      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
      for (const step of steps) {
        if (step.kind === 'edit') {
          const contentChanges: TextDocumentContentChangeEvent[] = [];
          for (const c of step.changes) {
            let change: TextDocumentContentChangeEvent;
            if (c.full) {
              let t = text;
              for (const op of c.ops) t = applyMutation(t, op);
              change = { text: t };
            } else {
              const m = model();
              const start = resolve(m, c.start);
              change = { range: { start, end: c.end ? resolve(m, c.end) : start }, text: c.text };
            }
            text = applyChange(text, change);
            contentChanges.push(change);
          }
          version++;
          stats.changes += contentChanges.length;
          await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
        } else if (step.kind === 'pause') {
          await sleep(step.ms);
        } else if (step.kind === 'settle') {
          // The server analyses this version now: the next edit updates an existing parse (the incremental path).
          if (kindForLanguage(languageId, text, uri)) {
            const v = version;
            await client.waitForDiagnostics(uri, (p) => p.version === v, DIAGNOSTICS_BOUND_MS).catch(() => fail(`no diagnostics for version ${v} within ${DIAGNOSTICS_BOUND_MS} ms`, state));
          } else await sleep(20);
        } else {
          const td = { uri };
          const m = model();
          const at = resolve(m, step.a);
          switch (step.method) {
            case 'hover':
            case 'definition':
              request(`textDocument/${step.method}`, { textDocument: td, position: at });
              break;
            case 'references':
              request('textDocument/references', { textDocument: td, position: at, context: { includeDeclaration: step.pick % 2 === 0 } });
              break;
            case 'documentSymbol':
            case 'foldingRange':
              request(`textDocument/${step.method}`, { textDocument: td });
              break;
            case 'inlayHint':
              request('textDocument/inlayHint', { textDocument: td, range: range(step.a, step.b) });
              break;
            case 'codeAction': {
              // The diagnostics the client holds (maybe of an older version, as an editor's are mid-edit).
              const held = client.latestDiagnostics(uri)?.diagnostics ?? [];
              const diagnostics = held.slice(step.pick % (held.length + 1), (step.pick % (held.length + 1)) + 4);
              const only = [undefined, ['quickfix'], [FIX_ALL_KIND]][step.pick % 3];
              request('textDocument/codeAction', { textDocument: td, range: range(step.a, step.b), context: { diagnostics, ...(only ? { only } : {}) } }, (result) => {
                for (const action of Array.isArray(result) ? (result as { data?: unknown; edit?: unknown; title?: unknown }[]) : []) {
                  if (action && typeof action.title === 'string' && action.data !== undefined && action.edit === undefined) request('codeAction/resolve', action);
                }
              });
              break;
            }
            case 'codeLens':
              request('textDocument/codeLens', { textDocument: td }, (result) => {
                for (const lens of Array.isArray(result) ? (result as { command?: unknown }[]).slice(0, 4) : []) if (lens && lens.command === undefined) request('codeLens/resolve', lens);
              });
              break;
            case 'trace':
              request('kube-netlint/trace', { uri, packet: PACKETS[step.pick % PACKETS.length]!, ...(step.pick % 5 === 0 ? { from: 'host', mark: '0x4000' } : {}) });
              break;
            case 'remediationScript':
              request('workspace/executeCommand', { command: COMMAND_REMEDIATION_SCRIPT, arguments: [uri] });
              break;
          }
        }
      }

      // The final version: every request answered, then its diagnostics equal the CLI engine's.
      const finalVersion = version;
      while (pending.length > 0) await Promise.all(pending.splice(0));
      const expected = expectedDiagnostics(uri, languageId, text, finalVersion);
      let published: PublishDiagnosticsParams;
      if (kindForLanguage(languageId, text, uri)) {
        published = await client.waitForDiagnostics(uri, (p) => p.version === finalVersion, DIAGNOSTICS_BOUND_MS).catch(() => fail(`no diagnostics for the final version within ${DIAGNOSTICS_BOUND_MS} ms`, state));
      } else {
        // Not ours (any more): the server clears the document's diagnostics, without a version.
        stats.notOurs++;
        const deadline = Date.now() + DIAGNOSTICS_BOUND_MS;
        const cleared = (): boolean => {
          const p = client.latestDiagnostics(uri);
          return p === undefined || (p.version === undefined && p.diagnostics.length === 0);
        };
        while (!cleared() && Date.now() < deadline) await sleep(20);
        await sleep(100);
        if (!cleared()) fail(`diagnostics of a document that is not ${format.format} any more were not cleared: ${JSON.stringify(client.latestDiagnostics(uri))}`, state);
        published = { uri, diagnostics: [] };
      }
      if (client.process.exitCode !== null) fail(`the server exited (${client.process.exitCode}); stderr: ${client.stderr.join('').slice(-2000)}`, state);
      const failures = client.logs.slice(logsBefore).filter((l) => /\bfailed(?::| on )/.test(l));
      if (failures.length > 0) fail(`the server logged failures:\n${failures.slice(0, 3).join('\n')}`, state);
      if (JSON.stringify(published.diagnostics) !== JSON.stringify(expected)) {
        const got = published.diagnostics;
        const i = got.findIndex((d, k) => JSON.stringify(d) !== JSON.stringify(expected[k]));
        const k = i === -1 ? Math.min(got.length, expected.length) : i;
        fail(`published diagnostics differ from the CLI engine's lint: ${got.length} vs ${expected.length}; first difference at ${k}:\n  server: ${JSON.stringify(got[k])}\n  engine: ${JSON.stringify(expected[k])}`, state);
      }
      stats.diagnostics += expected.length;
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      client.forgetDiagnostics(uri);
      stats.sessions++;
      stats.byFormat[format.format] = (stats.byFormat[format.format] ?? 0) + 1;
    };

    const perFormat = Math.max(1, Math.floor(opts.sessions / seeds.length));
    for (const [k, { format, texts }] of seeds.entries()) {
      const started = Date.now();
      const before = { changes: stats.changes, requests: stats.requests };
      let failure: unknown;
      await fc
        .assert(
          fc.asyncProperty(
            fc.nat({ max: texts.length - 1 }),
            fc.array(mutation([...format.tokens]), { maxLength: 3 }),
            fc.array(stepArb(format.tokens), { minLength: 1, maxLength: opts.maxSteps ?? 16 }),
            (which, initial, steps) => session(k, which, initial, steps).catch((e: unknown) => {
              failure = e;
              throw e;
            }),
          ),
          // A failing session is reported as it is (no shrinking: each replay costs a server round trip
          // per step, and the session's final text is written out for replay).
          { numRuns: perFormat, seed: opts.seed + k, endOnFailure: true },
        )
        .catch((e: unknown) => {
          throw new Error(`${failure instanceof Error ? failure.message : String(failure)}\n${e instanceof Error ? e.message : String(e)}`);
        });
      opts.log?.(`${format.format.padEnd(18)} ${perFormat} sessions, ${stats.changes - before.changes} changes, ${stats.requests - before.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    return stats;
  } finally {
    client.kill();
  }
}
