#!/usr/bin/env node
// `npm run test:vscode-desktop`: the same extension-host suite (test/vscode/suite) in desktop VS Code (Electron),
// downloaded by @vscode/test-electron 2.5.x into .vscode-test/ (gitignored). For machines with internet access;
// this repository's CI machine has none, so `npm run test:vscode` (code-server) is the one CI runs.
//
//   node scripts/vscode/run-desktop-tests.mjs [--grep PATTERN] [--no-large] [--no-build]
//
// Environment: KN_VSCODE_VERSION (default 1.100.3, the code-server build's VS Code), KN_VSCODE_EXECUTABLE (use an
// installed VS Code instead of downloading), KN_TIMEOUT_MS (default 10 min). On Linux without a display it
// re-runs itself under `xvfb-run -a` (Debian package xvfb) when available.
// Fails fast, with a clear message, when VS Code is neither cached nor downloadable.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildExtension, buildSuite, deadline, log, printResults, ROOT, runDirs, since, SUITE_OUT } from './lib.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const version = process.env.KN_VSCODE_VERSION ?? '1.100.3';
const cachePath = join(ROOT, '.vscode-test');
const UPDATE_HOST = 'https://update.code.visualstudio.com';

function fail(message, code = 1) {
  log(`error: ${message}`);
  process.exit(code);
}

const t0 = performance.now();
const { downloadAndUnzipVSCode, runTests } = await import('@vscode/test-electron');

// 1. VS Code itself: given, cached, or downloaded (probe first so that no network fails in seconds, not minutes).
let vscodeExecutablePath = process.env.KN_VSCODE_EXECUTABLE;
if (vscodeExecutablePath) {
  if (!existsSync(vscodeExecutablePath)) fail(`KN_VSCODE_EXECUTABLE=${vscodeExecutablePath} does not exist`);
} else {
  const cached = existsSync(join(cachePath, `vscode-${process.platform === 'linux' ? `linux-${process.arch}` : process.platform}-${version}`));
  if (!cached) {
    try {
      const r = await fetch(`${UPDATE_HOST}/api/releases/stable`, { signal: AbortSignal.timeout(8000) });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
    } catch (e) {
      const cause = e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}` : String(e);
      fail(
        `cannot download VS Code ${version} from ${UPDATE_HOST}: ${cause}.\n` +
          '  This machine has no internet access to VS Code downloads. Use `npm run test:vscode` (the same suite in\n' +
          '  code-server from the npm registry), or set KN_VSCODE_EXECUTABLE to an installed VS Code, or pre-populate\n' +
          `  ${cachePath} on a machine with internet.`,
      );
    }
  }
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath, timeout: 15_000 });
  } catch (e) {
    fail(`downloading VS Code ${version} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  log(`VS Code ${version} ready in ${since(t0)} ms: ${vscodeExecutablePath}`);
}

// 2. A display: Electron needs one on Linux (VS Code is resolved first, so the re-run does not download again).
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  if (process.env.KN_UNDER_XVFB) fail('no display even under xvfb-run');
  const xvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' });
  if (xvfb.status !== 0) {
    fail('desktop VS Code needs a display: set DISPLAY, or install xvfb (apt-get install -y xvfb) so this script can use xvfb-run');
  }
  const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, KN_UNDER_XVFB: '1', KN_VSCODE_EXECUTABLE: vscodeExecutablePath } });
  process.exit(r.status ?? 1);
}

// 3. Build and run.
if (!flag('--no-build')) buildExtension();
await buildSuite();
const dirs = runDirs('desktop');
const grep = option('--grep');
const limit = deadline(Number(process.env.KN_TIMEOUT_MS ?? 10 * 60_000), 'the desktop suite');
let code = 1;
try {
  code = await Promise.race([
    runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(SUITE_OUT, 'index.js'),
      launchArgs: [
        dirs.workspace,
        '--user-data-dir', dirs.userData,
        '--extensions-dir', dirs.extensions,
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
        '--no-sandbox',
      ],
      extensionTestsEnv: {
        KN_REPO: ROOT,
        KN_RESULTS: dirs.results,
        KN_SCRATCH: join(dirs.workspace, 'scratch'),
        KN_MODE: 'dev',
        ...(grep ? { KN_GREP: grep } : {}),
        ...(flag('--no-large') ? { KN_SKIP_LARGE: '1' } : {}),
      },
    }),
    limit,
  ]);
} catch (e) {
  log(`error: ${e instanceof Error ? e.message : String(e)}`);
  code = typeof e?.code === 'number' ? e.code : 1;
} finally {
  limit.cancel();
}
const { readFileSync } = await import('node:fs');
printResults(existsSync(dirs.results) ? JSON.parse(readFileSync(dirs.results, 'utf8')) : undefined);
log(`desktop suite ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${since(t0)} ms`);
if (code === 0) rmSync(dirs.base, { recursive: true, force: true });
process.exit(code);
