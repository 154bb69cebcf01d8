// Shared plumbing of the editor tests: code-server install check, suite build, a code-server on loopback with
// fresh dirs, Debian Chromium through playwright-core, and cleanup that always runs.
// Used by run-code-server-tests.mjs, test-vsix.mjs and test/vscode/ui/*.mjs.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = join(ROOT, '.cache');
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR ?? join(CACHE, 'code-server');
export const SUITE_OUT = join(CACHE, 'vscode-tests', 'suite');
export const RESULTS_DIR = join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** The extension gallery points at a dead loopback port: nothing is looked up outside. */
export const DEAD_GALLERY = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' });

export const log = (msg) => process.stderr.write(`[vscode-tests] ${msg}\n`);

/** Milliseconds since `t0`, rounded, for the figures the runners print. */
export const since = (t0) => Math.round(performance.now() - t0);

/** Runs a command synchronously with inherited output; throws with a clear message on failure. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

/** Installs code-server into the cache (no-op when present). */
export function ensureCodeServer() {
  run('bash', [join(ROOT, 'scripts', 'vscode', 'install-code-server.sh'), CODE_SERVER_DIR]);
  return CODE_SERVER_DIR;
}

/** dist/client.js + dist/server.js, as `npm run build` makes them. */
export function buildExtension() {
  run(process.execPath, [join(ROOT, 'scripts', 'build.mjs')]);
}

/** Bundles test/vscode/suite/*.ts into .cache/vscode-tests/suite (vscode and mocha stay external). */
export async function buildSuite() {
  const { build } = await import('esbuild');
  rmSync(SUITE_OUT, { recursive: true, force: true });
  const dir = join(ROOT, 'test', 'vscode', 'suite');
  await build({
    entryPoints: ['index.ts', 'extension.test.ts', 'trace.test.ts', 'nftables.test.ts', 'large.test.ts', 'largeDump.ts'].map((f) => join(dir, f)),
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return SUITE_OUT;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** Fresh directories for one code-server run under .cache/vscode-tests/<name>-<pid>. */
export function runDirs(name) {
  const base = join(CACHE, 'vscode-tests', `${name}-${process.pid}`);
  rmSync(base, { recursive: true, force: true });
  const dirs = {
    base,
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    workspace: join(base, 'workspace'),
    xdg: join(base, 'xdg'),
    log: join(base, 'code-server.log'),
    results: join(base, 'results.json'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.workspace, dirs.xdg]) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User', 'settings.json'),
    `${JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'security.workspace.trust.enabled': false,
        'files.hotExit': 'off',
        'window.restoreWindows': 'none',
        'editor.hover.delay': 100,
        'chat.disableAIFeatures': true,
        // The run directory lives inside the repository's git work tree: keep git (and its prompt) out.
        'git.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    )}\n`,
  );
  return dirs;
}

/** Environment for code-server (and so for the extension host and the language server it starts). */
function codeServerEnv(dirs, extra) {
  const env = { ...process.env, ...extra };
  env.EXTENSIONS_GALLERY = DEAD_GALLERY;
  // code-server writes its config and logs under XDG dirs: keep them in the run directory, not in $HOME.
  env.XDG_CONFIG_HOME = join(dirs.xdg, 'config');
  env.XDG_DATA_HOME = join(dirs.xdg, 'data');
  env.XDG_CACHE_HOME = join(dirs.xdg, 'cache');
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

const ENTRY = () => join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');

/** `code-server --install-extension VSIX` into the run's extensions dir. */
export function installExtension(dirs, vsix) {
  run(process.execPath, [ENTRY(), '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--install-extension', vsix], {
    env: codeServerEnv(dirs, {}),
  });
}

/**
 * Starts code-server on 127.0.0.1:<free port> in its own process group (so the extension host and the
 * language server die with it) and waits for /healthz. Returns { port, origin, stop }.
 */
export async function startCodeServer(dirs, { env = {}, folder = dirs.workspace } = {}) {
  const port = await freePort();
  const out = createWriteStream(dirs.log);
  const child = spawn(
    process.execPath,
    [
      ENTRY(),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--user-data-dir', dirs.userData,
      '--extensions-dir', dirs.extensions,
      folder,
    ],
    { cwd: dirs.base, env: codeServerEnv(dirs, env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000);
    await gone;
    clearTimeout(timer);
    // Children that outlived the server (language server, extension host) share its process group.
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* none left */
    }
  };
  cleanups.push(stop);
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited (${exited.code ?? exited.signal}) before listening; log:\n${tail(dirs.log)}`);
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not answer on ${origin} within 30 s; log:\n${tail(dirs.log)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, origin, stop, child };
}

export function tail(file, lines = 40) {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Debian Chromium through playwright-core (no browser download). */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM=/path)`);
  const { chromium } = await import('playwright-core');
  // Debian's chromium writes crash-report and dconf state under XDG dirs: keep them out of $HOME.
  const home = join(CACHE, 'vscode-tests', `chromium-${process.pid}`);
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, env });
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  cleanups.push(() => browser.close().catch(() => undefined));
  return browser;
}

/** The workbench URL for `folder`, optionally with a test payload (remote paths on the server). */
export function workbenchUrl(server, folder, payload) {
  const url = new URL(`${server.origin}/`);
  url.searchParams.set('folder', folder);
  if (payload) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** vscode-remote URI of a path on the code-server machine. */
export function remote(server, path) {
  return `vscode-remote://127.0.0.1:${server.port}${path}`;
}

const cleanups = [];
/** Stops everything started (browsers, code-servers), newest first. Safe to call twice. */
export async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch {
      /* best effort */
    }
  }
}
let signalled = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (signalled) return;
    signalled = true;
    log(`${sig}: stopping code-server and Chromium`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Rejects after `ms` with `what`; the timer does not keep the process alive. */
export function deadline(ms, what) {
  let timer;
  const p = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`overall timeout: ${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    timer.unref();
  });
  p.cancel = () => clearTimeout(timer);
  return p;
}

/**
 * Runs the extension-host suite in code-server + Chromium with `extensionDevelopmentPath` (the repository, or a
 * stand-in when the extension under test is the one installed in dirs.extensions: env KN_MODE=installed).
 * Resolves with { code, results, ms }.
 */
export async function runSuiteInCodeServer(dirs, { extensionDevelopmentPath, env = {}, timeoutMs = 10 * 60_000, verbose = false }) {
  const t0 = performance.now();
  const scratch = join(dirs.workspace, 'scratch');
  const server = await startCodeServer(dirs, {
    env: { KN_REPO: ROOT, KN_RESULTS: dirs.results, KN_SCRATCH: scratch, KN_MODE: 'dev', ...env },
  });
  log(`code-server ${server.origin} up in ${since(t0)} ms (log: ${dirs.log})`);
  const browser = await launchChromium();
  const page = await browser.newPage();
  let settle;
  const exited = new Promise((r) => (settle = r));
  await page.exposeFunction('codeAutomationExit', (code) => settle(code));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // The extension host's console calls, printf-style: format them as Node's console would.
    const text = format(...(Array.isArray(args) ? args : [args])).trimEnd();
    if (verbose || !isNoise(text)) process.stdout.write(`${text}\n`);
  });
  if (verbose) page.on('console', (m) => process.stderr.write(`[page ${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`));
  const payload = [
    ['extensionDevelopmentPath', remote(server, extensionDevelopmentPath)],
    ['extensionTestsPath', remote(server, join(SUITE_OUT, 'index'))],
    ['skipWelcome', 'true'],
  ];
  await page.goto(workbenchUrl(server, dirs.workspace, payload));
  const limit = deadline(timeoutMs, 'the extension-host suite');
  let code;
  try {
    code = await Promise.race([exited, limit]);
  } catch (e) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const shot = join(RESULTS_DIR, `timeout-${process.pid}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    log(`${e.message}; screenshot ${shot}`);
    code = 124;
  } finally {
    limit.cancel();
  }
  const results = existsSync(dirs.results) ? JSON.parse(readFileSync(dirs.results, 'utf8')) : undefined;
  return { code, results, ms: since(t0) };
}

/** Workbench log lines that say nothing about the suite. */
function isNoise(text) {
  return /^\[(?:driver|perf)\]|Extension Host|\[Extension Host\] (?:debugger|Debugger)|marketplace|Gallery|telemetry|Failed to fetch|net::ERR_|127\.0\.0\.1:9/i.test(text) && !/\bfigure\b|passing|failing|✔|✓|\d+\) /.test(text);
}

/** Prints the suite's figures and per-test durations from its results file. */
export function printResults(results) {
  if (!results) {
    log('no results file: the suite did not run to completion (see the log above)');
    return;
  }
  for (const t of results.tests) log(`${t.state.padEnd(7)} ${String(t.ms).padStart(6)} ms  ${t.title}${t.error ? `\n          ${t.error.split('\n')[0]}` : ''}`);
  for (const [k, v] of Object.entries(results.figures ?? {})) log(`figure ${k} = ${v}`);
}
