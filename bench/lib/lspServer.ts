/**
 * The through-the-server half of the editor benchmarks (editor.bench.ts on an iptables-save
 * dump, nftables-lsp.bench.ts on an nftables ruleset): one real server over stdio
 * (`node dist/server.js --stdio`, test/helpers/lspClient.ts), the file opened in a fresh folder
 * per run with its first hover and definition timed, then warm rounds of requests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DefinitionRequest,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  type Definition,
  type LocationLink,
  type Position,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../../test/helpers/lspClient';
import { onCleanup } from './cleanup';
import { fmtMs, log } from './report';
import { nowMs, rng, shuffled } from './stats';

export interface BenchServer {
  readonly client: TestClient;
  readonly connection: ProtocolConnection;
  /** A temporary folder of the benchmark's own, removed with the server. */
  readonly dir: string;
}

/**
 * Starts the server, initializes it, runs `body`, shuts the server down and returns what `body`
 * returned. `beforeInitialize` may register handlers that must see the first messages. The
 * server and the folder go on any exit (interruption included); on an error the server's
 * stderr is logged.
 */
export async function withServer<T>(tmpPrefix: string, body: (server: BenchServer) => Promise<T>, beforeInitialize?: (c: ProtocolConnection) => void): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
  const client = new TestClient();
  const cleanup = onCleanup(() => {
    client.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    const c = client.connection;
    beforeInitialize?.(c);
    await c.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
    await c.sendNotification(InitializedNotification.type, {});
    const result = await body({ client, connection: c, dir });
    await c.sendRequest(ShutdownRequest.type);
    await c.sendNotification(ExitNotification.type);
    await client.exited().catch(() => undefined);
    return result;
  } catch (e) {
    if (client.stderr.length) log(`server stderr:\n${client.stderr.join('').slice(-4000)}`);
    throw e;
  } finally {
    cleanup();
  }
}

/** Whether a definition answer points anywhere. */
export const hasDefinition = (d: Definition | LocationLink[] | null): boolean => d !== null && (!Array.isArray(d) || d.length > 0);

export interface OpenSpec {
  /** Runs after the warm-up (run 0). */
  readonly runs: number;
  readonly fileName: string;
  readonly languageId: string;
  readonly text: string;
  readonly diagnosticsTimeoutMs: number;
  readonly hoverAt: Position;
  readonly defAt: Position;
  /** What stands at `hoverAt` and `defAt`, for the error when the server answers nothing there. */
  readonly hoverWhat: string;
  readonly defWhat: string;
}

export interface OpenFigures {
  /** The file of the last run, still open. */
  readonly uri: string;
  /** Diagnostics published for the last run. */
  readonly diagnostics: number;
  /** didOpen -> publishDiagnostics, ms, one per run (the warm-up left out). */
  readonly openMs: number[];
  /** The first hover and the first definition after the diagnostics (cold), ms, one per run. */
  readonly cold: { readonly hover: number[]; readonly definition: number[] };
  /** The first request after the diagnostics, whichever it was (it builds the navigation index). */
  readonly first: number[];
}

/**
 * 1 warm-up + `runs` opens of `text`, each in a folder of its own (the server reads the open
 * file's folder for node facts), closing the previous file first; after each the first hover
 * and the first definition, order alternating from run to run.
 */
export async function openRuns(server: BenchServer, spec: OpenSpec): Promise<OpenFigures> {
  const { client, connection: c, dir } = server;
  const openMs: number[] = [];
  const cold = { hover: [] as number[], definition: [] as number[] };
  const first: number[] = [];
  let uri = '';
  let diagnostics = 0;
  for (let k = 0; k <= spec.runs; k++) {
    const folder = join(dir, `node-${k}`);
    mkdirSync(folder);
    const file = join(folder, spec.fileName);
    writeFileSync(file, spec.text);
    if (uri) await c.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    uri = pathToFileURL(file).href;
    const t0 = nowMs();
    await c.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: spec.languageId, version: 1, text: spec.text } });
    const diags = await client.waitForDiagnostics(uri, (p) => p.version === 1, spec.diagnosticsTimeoutMs);
    const open = nowMs() - t0;
    diagnostics = diags.diagnostics.length;
    const textDocument = { uri };
    const firstHover = async (): Promise<number> => {
      const t = nowMs();
      const h = await c.sendRequest(HoverRequest.type, { textDocument, position: spec.hoverAt });
      if (!h) throw new Error(`the server gave no hover at ${spec.hoverWhat}`);
      return nowMs() - t;
    };
    const firstDefinition = async (): Promise<number> => {
      const t = nowMs();
      const d = await c.sendRequest(DefinitionRequest.type, { textDocument, position: spec.defAt });
      if (!hasDefinition(d)) throw new Error(`the server gave no definition at ${spec.defWhat}`);
      return nowMs() - t;
    };
    let h: number;
    let def: number;
    if (k % 2 === 0) {
      h = await firstHover();
      def = await firstDefinition();
    } else {
      def = await firstDefinition();
      h = await firstHover();
    }
    log(`lsp ${k === 0 ? 'warm-up' : `run ${k}`}: didOpen -> diagnostics ${fmtMs(open)} ms (${diagnostics} diagnostics), first hover ${fmtMs(h)} ms, first definition ${fmtMs(def)} ms`);
    if (k > 0) {
      openMs.push(open);
      cold.hover.push(h);
      cold.definition.push(def);
      first.push(k % 2 === 0 ? h : def);
    }
  }
  return { uri, diagnostics, openMs, cold, first };
}

/**
 * 1 warm-up + `rounds` rounds over `positions`, shuffled anew each round (seeded by `seed` + the
 * round), every op at each position, the ops' order rotating from one position to the next.
 * `request` sends one op and says whether the server answered; `onLastRound` sees the answers of
 * the last round. Returns each op's round-trip times, ms, one list per round (warm-up left out).
 */
export async function warmRounds<Op extends string, P>(
  ops: readonly Op[],
  positions: readonly P[],
  rounds: number,
  seed: number,
  request: (op: Op, pos: P) => Promise<boolean>,
  onLastRound?: (op: Op, pos: P, ok: boolean) => void,
): Promise<Record<Op, number[][]>> {
  const out = Object.fromEntries(ops.map((op) => [op, [] as number[][]])) as Record<Op, number[][]>;
  for (let k = 0; k <= rounds; k++) {
    const round = Object.fromEntries(ops.map((op) => [op, [] as number[]])) as Record<Op, number[]>;
    const order = shuffled(positions, rng(seed + k));
    for (let i = 0; i < order.length; i++) {
      const pos = order[i]!;
      for (let j = 0; j < ops.length; j++) {
        const op = ops[(i + j) % ops.length]!;
        const t0 = nowMs();
        const ok = await request(op, pos);
        const ms = nowMs() - t0;
        if (k === 0) continue;
        round[op].push(ms);
        if (k === rounds) onLastRound?.(op, pos, ok);
      }
    }
    if (k > 0) for (const op of ops) out[op].push(round[op]);
  }
  return out;
}
