import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { lintNodePlain, type NodeInput } from '../fleet/lintNode';
import type { NodeResult } from '../fleet/result';
import type { Settings } from '../node/settings';
import type { LintJob, LintReply } from './lintWorker';

/**
 * Where a worker thread starts: the bundle itself (dist/cli.js), or, running from source (tests,
 * tsx), the source entry with tsx loaded in the worker too.
 */
function startWorker(): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(__filename);
  // A worker does not inherit tsx's loader for its entry file: register tsx's CommonJS hook first.
  const entry = JSON.stringify(join(__dirname, 'lintWorkerEntry.ts'));
  return new Worker(`require('tsx/cjs/api').register(); require(${entry});`, { eval: true });
}

/** Worker threads for a run: one per core, never more than there are nodes, `--jobs` if given. */
export function workerCount(nodes: number, jobs: number | undefined): number {
  return Math.max(1, Math.min(nodes, jobs ?? availableParallelism()));
}

/** Lints nodes one after the other in this thread (also what `run`, the synchronous entry, does). */
export function lintSerial(nodes: readonly NodeInput[], settingsOf: (node: NodeInput) => Settings, onDone: (i: number) => void = () => undefined): NodeResult[] {
  return nodes.map((n, i) => {
    const r = lintNodePlain(n, settingsOf(n));
    onDone(i);
    return r;
  });
}

/**
 * Lints nodes in `threads` worker threads, each taking the next node when it is free. Results are
 * put back in the nodes' order, so the output is the serial output whatever finished first.
 */
export async function lintParallel(nodes: readonly NodeInput[], settingsOf: (node: NodeInput) => Settings, threads: number, onDone: (i: number) => void = () => undefined): Promise<NodeResult[]> {
  if (threads <= 1 || nodes.length <= 1) return lintSerial(nodes, settingsOf, onDone);
  const results: (NodeResult | undefined)[] = new Array(nodes.length);
  let next = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: threads }, () => {
        const worker = startWorker();
        workers.push(worker);
        return new Promise<void>((done, fail) => {
          const send = (): void => {
            if (next >= nodes.length) return done();
            const id = next++;
            const job: LintJob = { id, node: nodes[id]!, settings: settingsOf(nodes[id]!) };
            worker.postMessage(job);
          };
          worker.on('message', (reply: LintReply) => {
            if ('error' in reply) return fail(new Error(`linting ${nodes[reply.id]!.name}: ${reply.error}`));
            results[reply.id] = reply.result;
            onDone(reply.id);
            send();
          });
          worker.on('error', fail);
          worker.on('exit', (code) => (next < nodes.length || code !== 0 ? fail(new Error(`a lint worker stopped (exit ${code})`)) : undefined));
          send();
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.map((r, i) => r ?? lintNodePlain(nodes[i]!, settingsOf(nodes[i]!)));
}
