#!/usr/bin/env node
// Packaging check: builds, packages the .vsix exactly as users get it, installs it into code-server (fresh
// extensions dir) with `--install-extension`, checks what it ships, and runs the extension-host suite against the
// INSTALLED extension (no extensionDevelopmentPath): activation, language ids, diagnostics, quick fix, hover,
// settings, the docs page opened from inside the extension, the remediation command.
//
//   node scripts/vscode/test-vsix.mjs [--no-build] [--keep]
//
// Output: .cache/kube-netlint.vsix. The 50 MB test is skipped here (it tests the server, not the packaging).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  buildExtension,
  buildSuite,
  CACHE,
  cleanup,
  ensureCodeServer,
  installExtension,
  log,
  printResults,
  ROOT,
  run,
  runDirs,
  runSuiteInCodeServer,
  since,
} from './lib.mjs';

const args = process.argv.slice(2);
const VSIX = join(CACHE, 'kube-netlint.vsix');

/** Every file under `dir`, relative, sorted. */
function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), base) : [relative(base, join(dir, e.name))]))
    .sort();
}

/** What the allow-list in .vscodeignore promises, and what must never ship. */
function checkContents(files) {
  const problems = [];
  for (const must of ['package.json', 'dist/client.js', 'dist/server.js', 'docs/rules/iptables/masquerade-without-random-fully.md']) {
    if (!files.includes(must)) problems.push(`missing ${must}`);
  }
  // vsce stores the readme as readme.md and the licence as LICENSE.txt.
  if (!files.some((f) => /^readme\.md$/i.test(f))) problems.push('missing README.md');
  if (!files.some((f) => /^licen[cs]e(\.txt|\.md)?$/i.test(f))) problems.push('missing LICENSE');
  if (!files.some((f) => /^syntaxes\/.+\.tmLanguage\.json$/.test(f))) problems.push('no grammar under syntaxes/');
  // Every path the manifest points at must be inside the package.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const referenced = [
    pkg.main,
    ...(pkg.contributes?.languages ?? []).map((l) => l.configuration),
    ...(pkg.contributes?.grammars ?? []).map((g) => g.path),
  ].filter(Boolean).map((p) => p.replace(/^\.\//, ''));
  for (const r of referenced) {
    if (!files.includes(r)) problems.push(`manifest references ${r}, not in the package`);
  }
  for (const f of files) {
    if (/^(node_modules|test|server|client|scripts|examples|bench|\.cache|\.vscode)\//.test(f) || /\.map$|\.ts$/.test(f)) problems.push(`should not ship: ${f}`);
  }
  return problems;
}

let code = 1;
const t0 = performance.now();
try {
  ensureCodeServer();
  let t = performance.now();
  if (!args.includes('--no-build')) buildExtension();
  rmSync(VSIX, { force: true });

  const vsce = spawnSync('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--out', VSIX], { cwd: ROOT, encoding: 'utf8' });
  if (vsce.status !== 0) {
    const why = `${vsce.stdout}\n${vsce.stderr}`.split('\n').filter((l) => /ERROR|Error/.test(l)).join(' ').trim() || `exit ${vsce.status}`;
    throw new Error(`vsce package fails in the repository: ${why}`);
  }
  log(`packaged ${relative(ROOT, VSIX)} (${Math.round(statSync(VSIX).size / 1024)} KiB) in ${since(t)} ms`);

  const dirs = runDirs('vsix');
  t = performance.now();
  installExtension(dirs, VSIX);
  const installed = readdirSync(dirs.extensions).filter((d) => d.startsWith('kube-netlint.kube-netlint-'));
  if (installed.length !== 1) throw new Error(`expected one installed kube-netlint in ${dirs.extensions}, found: ${readdirSync(dirs.extensions).join(', ')}`);
  const extDir = join(dirs.extensions, installed[0]);
  const files = walk(extDir).filter((f) => f !== '.vsixmanifest');
  log(`installed ${installed[0]} in ${since(t)} ms: ${files.length} files, ${Math.round(files.reduce((n, f) => n + statSync(join(extDir, f)).size, 0) / 1024)} KiB`);
  const problems = checkContents(files);
  for (const p of problems) log(`package problem: ${p}`);

  await buildSuite();
  // The workbench runs extension tests only in an extension development window: an empty "test host"
  // extension provides one, while kube-netlint itself is the installed copy.
  const host = join(dirs.base, 'test-host');
  mkdirSync(host, { recursive: true });
  writeFileSync(
    join(host, 'package.json'),
    `${JSON.stringify({ name: 'test-host', publisher: 'kube-netlint-tests', version: '0.0.0', engines: { vscode: '^1.100.0' } }, null, 2)}\n`,
  );
  const result = await runSuiteInCodeServer(dirs, {
    extensionDevelopmentPath: host,
    env: { KN_SKIP_LARGE: '1', KN_MODE: 'installed' },
    timeoutMs: Number(process.env.KN_TIMEOUT_MS ?? 4 * 60_000),
  });
  printResults(result.results);
  code = result.code === 0 && problems.length === 0 ? 0 : 1;
  log(`vsix check ${code === 0 ? 'passed' : 'FAILED'} (suite exit ${result.code}, ${problems.length} package problem(s)) in ${since(t0)} ms`);
  if (code === 0 && !args.includes('--keep')) rmSync(dirs.base, { recursive: true, force: true });
  else log(`run directory kept: ${dirs.base}`);
} catch (e) {
  log(`error: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
} finally {
  await cleanup();
}
process.exit(code);
