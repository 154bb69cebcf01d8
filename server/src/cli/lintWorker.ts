import { parentPort } from 'node:worker_threads';
import { lintNodePlain, type NodeInput } from '../fleet/lintNode';
import type { NodeResult } from '../fleet/result';
import type { Settings } from '../node/settings';

/** One node to lint, sent to a worker thread; `id` is its place in the run's (sorted) order. */
export interface LintJob {
  readonly id: number;
  readonly node: NodeInput;
  readonly settings: Settings;
}

export type LintReply = { readonly id: number; readonly result: NodeResult } | { readonly id: number; readonly error: string };

/**
 * The worker thread's side: lint each node it is sent and post back plain data. A node that
 * makes the engine throw (it should not: rules are isolated) is answered with the error, so the
 * run reports it instead of waiting forever.
 */
export function serveLintWorker(): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', (job: LintJob) => {
    let reply: LintReply;
    try {
      reply = { id: job.id, result: lintNodePlain(job.node, job.settings) };
    } catch (e) {
      reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}
