/**
 * VS Code's built-in shell-script TextMate grammar (`source.shell`), the reference of the grammar
 * benchmark, taken from the code-server npm package (which ships VS Code's built-in extensions).
 *
 * Looked up in order, first hit wins:
 *   1. an extracted code-server of the right version under .cache/code-server/package/ or
 *      .cache/code-server/ (another contributor's cache);
 *   2. .cache/bench/code-server-<version>/shell-unix-bash.tmLanguage.json (extracted earlier);
 *   3. .cache/bench/code-server-<version>.tgz, extracting that one member with tar;
 *   4. `npm pack code-server@<version>` into .cache/bench/, then 3.
 * Only the grammar file is extracted; temporary directories are removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { Registry, parseRawGrammar } from 'vscode-textmate';
import type { IGrammar } from 'vscode-textmate';
import { loadGrammar } from '../../test/grammars/tokenize';
import { onCleanup } from './cleanup';
import { REPO_ROOT } from './dump';

export const CODE_SERVER_VERSION = '4.100.3';
const MEMBER = 'package/lib/vscode/extensions/shellscript/syntaxes/shell-unix-bash.tmLanguage.json';
const IN_PACKAGE = MEMBER.slice('package/'.length);
const CACHE = join(REPO_ROOT, '.cache', 'bench');

export interface ShellGrammarFile {
  readonly path: string;
  /** Where it came from, for the report. */
  readonly origin: string;
}

function versionOf(packageJson: string): string | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(packageJson, 'utf8'));
    return typeof v === 'object' && v !== null && typeof (v as { version?: unknown }).version === 'string' ? (v as { version: string }).version : undefined;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: readonly string[], cwd: string, timeoutMs: number): { ok: boolean; detail: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return { ok: false, detail: r.error.message };
  const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(0, 6).join('\n');
  return { ok: r.status === 0, detail: r.status === 0 ? tail : `exit ${r.status ?? r.signal}: ${tail}` };
}

/** Extracts the grammar member of `tgz` to `dest` (through a temporary directory). */
function extractMember(tgz: string, dest: string): { ok: boolean; detail: string } {
  const tmp = mkdtempSync(join(CACHE, 'extract-'));
  const cleanup = onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    const r = run('tar', ['-xzf', tgz, '-C', tmp, MEMBER], CACHE, 120_000);
    const got = join(tmp, MEMBER);
    if (!r.ok || !existsSync(got)) return { ok: false, detail: r.detail || `${MEMBER} not in ${tgz}` };
    mkdirSync(join(dest, '..'), { recursive: true });
    renameSync(got, dest);
    return { ok: true, detail: '' };
  } finally {
    cleanup();
  }
}

/** Finds or fetches the grammar file; throws an Error with a clear message when it cannot. */
export function obtainShellGrammar(version = CODE_SERVER_VERSION): ShellGrammarFile {
  for (const root of [join(REPO_ROOT, '.cache', 'code-server', 'package'), join(REPO_ROOT, '.cache', 'code-server')]) {
    const file = join(root, IN_PACKAGE);
    if (existsSync(file) && versionOf(join(root, 'package.json')) === version) {
      return { path: file, origin: `code-server ${version} already extracted in ${root.slice(REPO_ROOT.length + 1)}/` };
    }
  }
  const extracted = join(CACHE, `code-server-${version}`, 'shell-unix-bash.tmLanguage.json');
  if (existsSync(extracted)) return { path: extracted, origin: `cached ${extracted.slice(REPO_ROOT.length + 1)} (from code-server ${version})` };
  mkdirSync(CACHE, { recursive: true });
  const tgz = join(CACHE, `code-server-${version}.tgz`);
  if (existsSync(tgz)) {
    const r = extractMember(tgz, extracted);
    if (r.ok) return { path: extracted, origin: `extracted from cached ${tgz.slice(REPO_ROOT.length + 1)}` };
    process.stderr.write(`cached ${tgz} is unusable (${r.detail}); downloading it again\n`);
    rmSync(tgz, { force: true });
  }
  process.stderr.write(`downloading code-server@${version} (npm pack) into ${CACHE} for its shell grammar...\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = run(npm, ['pack', `code-server@${version}`, '--pack-destination', CACHE, '--loglevel=error'], CACHE, 600_000);
  if (!r.ok || !existsSync(tgz)) {
    if (existsSync(tgz)) rmSync(tgz, { force: true });
    throw new Error(
      `could not fetch code-server@${version} from the npm registry (npm pack ${r.detail || 'produced no tarball'}).\n` +
        `The grammar benchmark compares against VS Code's shell grammar from that package. Make the registry reachable, ` +
        `or put the file ${MEMBER} of code-server-${version}.tgz at ${extracted}.`,
    );
  }
  const x = extractMember(tgz, extracted);
  if (!x.ok) throw new Error(`downloaded ${tgz} but could not extract ${MEMBER}: ${x.detail}`);
  return { path: extracted, origin: `downloaded code-server-${version}.tgz (npm pack) and extracted the grammar` };
}

export interface Grammars {
  readonly iptables: IGrammar;
  readonly shell: IGrammar;
  /** The `version` field of the shell grammar (the better-shell-syntax commit it was converted from). */
  readonly shellVersion: string;
}

/**
 * Loads our `source.iptables` through the grammar tests' loader (which also loads the oniguruma
 * WASM) and `source.shell` in a registry of its own on the same oniguruma instance, so both are
 * tokenized by the same engine VS Code uses.
 */
export async function loadGrammars(shellFile: ShellGrammarFile): Promise<Grammars> {
  const iptables = await loadGrammar('source.iptables');
  const text = readFileSync(shellFile.path, 'utf8');
  const raw: unknown = JSON.parse(text);
  const shellVersion = typeof raw === 'object' && raw !== null && typeof (raw as { version?: unknown }).version === 'string' ? (raw as { version: string }).version : 'unknown';
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (scope === 'source.shell' ? parseRawGrammar(text, shellFile.path) : null),
  });
  const shell = await registry.loadGrammar('source.shell');
  if (!shell) throw new Error(`source.shell not found in ${shellFile.path}`);
  return { iptables, shell, shellVersion };
}
