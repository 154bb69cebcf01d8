/**
 * Cleanup that also runs when a benchmark is interrupted (Ctrl-C, or run.ts's time limit sends
 * SIGTERM), where `finally` blocks do not: temporary folders, spawned servers.
 */
const tasks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const t of [...tasks]) {
    tasks.delete(t);
    try {
      t();
    } catch {
      // Best effort: the process is exiting.
    }
  }
}

/** Registers `task`; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(task: () => void): () => void {
  if (!installed) {
    installed = true;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        runAll();
        process.exit(sig === 'SIGINT' ? 130 : 143);
      });
    }
    process.once('exit', runAll);
  }
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    tasks.delete(run);
    task();
  };
  tasks.add(run);
  return run;
}
