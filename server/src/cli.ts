import { isMainThread } from 'node:worker_threads';
import { runAsync } from './cli/main';
import { serveLintWorker } from './cli/lintWorker';

// Entry of the `kube-netlint` binary. In a worker thread (check over many node folders, cli/pool.ts)
// the same bundle serves lint jobs instead, so dist/ holds one file for both.
if (!isMainThread) serveLintWorker();
else {
  // Output goes through write callbacks so a broken pipe (`kube-netlint check . | head`) ends
  // quietly instead of with a stack trace.
  process.stdout.on('error', () => process.exit(process.exitCode ?? 0));
  runAsync(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`kube-netlint: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
