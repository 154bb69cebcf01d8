import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';

/** The extension's id (`publisher.name` in package.json). */
export const EXTENSION_ID = 'kube-netlint.kube-netlint';
export const RULE = 'iptables/masquerade-without-random-fully';

/**
 * What the runner tells the suite, through the environment of the server the extension host runs in
 * (code-server or VS Code inherit it): where the repository is (examples, docs), and where the
 * extension under test is expected to be loaded from (the repository, or an installed .vsix).
 */
export const config = {
  /** Repository root: examples/ and docs/ are read from it (an installed .vsix has no examples). */
  repo: process.env['KN_REPO'] ?? resolve(__dirname, '..', '..', '..'),
  /** `dev` (extensionDevelopmentPath = repository) or `installed` (from the extensions dir). */
  mode: process.env['KN_MODE'] === 'installed' ? 'installed' : 'dev',
  /** Scratch directory for copies of examples (inside the opened workspace folder when there is one). */
  scratch: process.env['KN_SCRATCH'],
};

export function readRepoFile(rel: string): string {
  return readFileSync(join(config.repo, rel), 'utf8');
}

/** A fresh copy of an example node folder (all its dumps: rules read the folder as one node). */
export function copyExampleNode(example: string): string {
  const base = config.scratch ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!base) throw new Error('no scratch directory: set KN_SCRATCH or open a workspace folder');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${example}-`));
  cpSync(join(config.repo, 'examples', example), dir, { recursive: true });
  return dir;
}

/** Resolves with the diagnostics of `uri` once `predicate` holds; listens to onDidChangeDiagnostics, no sleeping. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  ms = 20_000,
): Promise<vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (predicate(now)) return Promise.resolve(now);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      const have = vscode.languages.getDiagnostics(uri).map((d) => `${String(codeOf(d))}@${d.range.start.line}:${d.range.start.character} sev=${d.severity}`);
      reject(new Error(`timed out after ${ms} ms waiting for diagnostics (${what}) on ${uri.fsPath}; have: [${have.join(', ')}]`));
    }, ms);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const current = vscode.languages.getDiagnostics(uri);
      if (predicate(current)) {
        clearTimeout(timer);
        sub.dispose();
        resolvePromise(current);
      }
    });
  });
}

/** Resolves when `event` fires with a value satisfying `predicate` (checked against `current()` first). */
export function waitForEvent<T>(event: vscode.Event<T>, predicate: (value: T) => boolean, what: string, ms = 10_000): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const sub = event((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolvePromise(value);
    });
  });
}

export function codeOf(d: vscode.Diagnostic): string | number | undefined {
  const code = d.code;
  return typeof code === 'object' ? code.value : code;
}

export function withCode(diagnostics: readonly vscode.Diagnostic[], code: string): vscode.Diagnostic[] {
  return diagnostics.filter((d) => codeOf(d) === code);
}

/** The text of a hover's contents, whatever form each part has. */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n\n');
}

/** The first paragraph of a rule's docs page after its title (what the server's hover shows). */
export function docsSummary(ruleId: string): string {
  const md = readRepoFile(join('docs', 'rules', `${ruleId}.md`));
  const paragraph = md
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .find((p) => p !== '' && !p.startsWith('#'));
  if (!paragraph) throw new Error(`docs/rules/${ruleId}.md has no summary paragraph`);
  return paragraph;
}

/** 0-based line index of the first line of `text` that equals `line` exactly. */
export function lineIndexOf(text: string, line: string): number {
  const index = text.split(/\r?\n/).indexOf(line);
  if (index < 0) throw new Error(`line not found: ${line}`);
  return index;
}

export async function settle<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(promise),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
