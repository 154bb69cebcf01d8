import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const SERVER_JS = join(__dirname, '..', '..', 'dist', 'server.js');

/**
 * A minimal LSP client over stdio for protocol tests: spawns the shipped server bundle exactly as
 * any editor would (`node dist/server.js --stdio`) and collects what it publishes.
 */
export class TestClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  readonly stderr: string[] = [];
  /** What the server logged through window/logMessage. */
  readonly logs: string[] = [];
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; predicate: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];

  constructor(args: readonly string[] = ['--stdio'], env: Readonly<Record<string, string>> = {}) {
    this.process = spawn(process.execPath, [SERVER_JS, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.process.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const w of [...this.waiters]) {
        if (w.uri === p.uri && w.predicate(p)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.onRequest('workspace/configuration', () => [{}]);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/showDocument', () => ({ success: true }));
    this.connection.listen();
  }

  /** Resolves with the first published diagnostics for `uri` that satisfy `predicate`, or rejects after `ms`. */
  waitForDiagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true, ms = 10_000): Promise<PublishDiagnosticsParams> {
    const have = this.diagnostics.get(uri);
    if (have && predicate(have)) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${ms} ms; stderr: ${this.stderr.join('')}`)), ms);
      this.waiters.push({ uri, predicate, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  /** Waits for the server process to exit and returns its exit code. */
  exited(ms = 5_000): Promise<number | null> {
    if (this.process.exitCode !== null) return Promise.resolve(this.process.exitCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('server did not exit')), ms);
      this.process.once('exit', (code) => (clearTimeout(timer), resolve(code)));
    });
  }

  /** Writes raw bytes to the server's stdin (framing abuse), resolved once flushed. */
  writeRaw(bytes: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.process.stdin!.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  /** The diagnostics last published for `uri` (undefined before the first), without waiting. */
  latestDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return this.diagnostics.get(uri);
  }

  /** Forgets what was published for `uri` (a fuzz session ends with its document closed: the map must not grow). */
  forgetDiagnostics(uri: string): void {
    this.diagnostics.delete(uri);
  }

  kill(): void {
    this.connection.dispose();
    this.process.kill();
  }
}
