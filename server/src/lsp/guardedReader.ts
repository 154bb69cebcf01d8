import {
  ErrorCodes,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
  type ResponseMessage,
} from 'vscode-languageserver/node';
import { invalidParams } from './validate';

/** Why a message was dropped: logged by the server once its connection exists. */
export type DropLog = (reason: string) => void;

/**
 * Sits between the transport's reader and the connection: every message passes `validate.ts`
 * before any handler sees it. Malformed notifications are dropped, malformed requests get an
 * InvalidParams error (the client is not left waiting), both are logged.
 */
export class GuardedMessageReader implements MessageReader {
  private log: DropLog = () => undefined;

  constructor(
    private readonly inner: MessageReader,
    private readonly writer: MessageWriter,
  ) {}

  /** Where dropped messages are reported (set once the connection's console exists). */
  onDrop(log: DropLog): void {
    this.log = log;
  }

  get onError(): MessageReader['onError'] {
    return this.inner.onError;
  }
  get onClose(): MessageReader['onClose'] {
    return this.inner.onClose;
  }
  get onPartialMessage(): MessageReader['onPartialMessage'] {
    return this.inner.onPartialMessage;
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      const problem = this.problemOf(message);
      if (problem === undefined) callback(message);
    });
  }

  dispose(): void {
    this.inner.dispose();
  }

  /** Undefined when the message may pass; else it has been answered or dropped, and logged. */
  private problemOf(message: Message): string | undefined {
    const m: unknown = message;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return this.drop('not a JSON object');
    const { method, id, params } = m as { method?: unknown; id?: unknown; params?: unknown };
    const validId = typeof id === 'number' || typeof id === 'string';
    if (method === undefined) {
      // A response to one of our requests (workspace/configuration, showDocument, ...).
      return id === undefined ? this.drop('neither a request, a notification nor a response') : undefined;
    }
    if (typeof method !== 'string') return validId ? this.reject(id, ErrorCodes.InvalidRequest, 'method must be a string') : this.drop('method must be a string');
    if (id !== undefined && !validId) return this.drop(`${method}: id must be a number or a string`);
    const problem = invalidParams(method, params);
    if (problem === undefined) return undefined;
    return validId ? this.reject(id, ErrorCodes.InvalidParams, `${method}: ${problem}`) : this.drop(`${method}: ${problem}`);
  }

  private drop(reason: string): string {
    this.safeLog(`dropped a malformed message: ${reason}`);
    return reason;
  }

  private reject(id: number | string, code: number, reason: string): string {
    this.safeLog(`rejected a malformed request: ${reason}`);
    const response: ResponseMessage = { jsonrpc: '2.0', id, error: { code, message: reason } };
    this.writer.write(response).catch((e: unknown) => this.safeLog(`could not answer a malformed request: ${String(e)}`));
    return reason;
  }

  private safeLog(line: string): void {
    try {
      this.log(line);
    } catch {
      // Logging must never take the reader down with it.
    }
  }
}
