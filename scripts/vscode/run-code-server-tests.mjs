#!/usr/bin/env node
// `npm run test:vscode`: the extension-host test suite (test/vscode/suite, mocha + the `vscode` API) in real
// VS Code 1.100.3 — code-server 4.100.3 on 127.0.0.1 with Debian Chromium as the workbench, no internet needed.
//
//   node scripts/vscode/run-code-server-tests.mjs [--grep PATTERN] [--no-large] [--no-build] [--verbose] [--keep]
//
// Steps: install code-server into .cache (once), `node scripts/build.mjs` (dist/), bundle the suite with esbuild,
// start code-server with fresh user-data/extensions dirs and the gallery pointed at 127.0.0.1:9, open the
// workbench in Chromium with extensionDevelopmentPath = this repository and extensionTestsPath = the suite, print
// what the suite logs, and exit with its code. code-server (its whole process group: extension host, language
// server) and Chromium are always stopped. Overall timeout: KN_TIMEOUT_MS (default 10 min).
import { rmSync } from 'node:fs';
import { buildExtension, buildSuite, cleanup, ensureCodeServer, log, printResults, ROOT, runDirs, runSuiteInCodeServer, since } from './lib.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

let code = 1;
const t0 = performance.now();
try {
  let t = performance.now();
  ensureCodeServer();
  log(`code-server ready in ${since(t)} ms`);
  if (!flag('--no-build')) {
    t = performance.now();
    buildExtension();
    await buildSuite();
    log(`extension + suite built in ${since(t)} ms`);
  } else {
    await buildSuite();
  }
  const dirs = runDirs('suite');
  const grep = option('--grep');
  const result = await runSuiteInCodeServer(dirs, {
    extensionDevelopmentPath: ROOT,
    env: { ...(grep ? { KN_GREP: grep } : {}), ...(flag('--no-large') ? { KN_SKIP_LARGE: '1' } : {}) },
    timeoutMs: Number(process.env.KN_TIMEOUT_MS ?? 10 * 60_000),
    verbose: flag('--verbose'),
  });
  printResults(result.results);
  code = result.code;
  log(`suite ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${result.ms} ms (total ${since(t0)} ms)`);
  if (code === 0 && !flag('--keep')) rmSync(dirs.base, { recursive: true, force: true });
  else log(`run directory kept: ${dirs.base}`);
} catch (e) {
  log(`error: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
