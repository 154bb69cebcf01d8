import {
  createServerPipeTransport,
  createServerSocketTransport,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { LspFrameSanitizer } from './frameReader';
import { GuardedMessageReader } from './guardedReader';

export interface Transport {
  readonly reader: GuardedMessageReader;
  readonly writer: MessageWriter;
  /** True for `--stdio`: stdout carries the protocol, so nothing else may write to it. */
  readonly stdio: boolean;
}

/** Where transport problems are reported: stderr until the connection's console exists. */
export const transportLog = {
  sink: (line: string): void => {
    process.stderr.write(`${line}\n`);
  },
  write(line: string): void {
    try {
      this.sink(line);
    } catch {
      // A failing log must not break reading.
    }
  },
};

/**
 * The reader and writer for the transport named on the command line, the same ones
 * vscode-languageserver would pick, with every incoming message validated (`guardedReader.ts`)
 * and, for `--stdio`, the byte stream re-framed so that a bad header cannot desynchronise it
 * (`frameReader.ts`).
 */
export function createTransport(argv: readonly string[], onFrame?: (bodyBytes: number) => void): Transport {
  const arg = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i === -1) return undefined;
    const a = argv[i]!;
    return a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[i + 1] ?? '');
  };
  let reader: MessageReader;
  let writer: MessageWriter;
  let stdio = false;
  const socket = arg('--socket');
  const pipe = arg('--pipe');
  if (argv.includes('--stdio')) {
    stdio = true;
    const frames = process.stdin.pipe(new LspFrameSanitizer((reason) => transportLog.write(`stdin framing: ${reason}`), onFrame));
    reader = new StreamMessageReader(frames);
    writer = new StreamMessageWriter(process.stdout);
  } else if (socket !== undefined) {
    [reader, writer] = createServerSocketTransport(Number.parseInt(socket, 10));
  } else if (pipe !== undefined) {
    [reader, writer] = createServerPipeTransport(pipe);
  } else {
    // VS Code's default (TransportKind.ipc) passes --node-ipc.
    reader = new IPCMessageReader(process);
    writer = new IPCMessageWriter(process);
  }
  const guarded = new GuardedMessageReader(reader, writer);
  guarded.onDrop((reason) => transportLog.write(reason));
  return { reader: guarded, writer, stdio };
}
