import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Rule pages live in the repository (and the packaged extension) under docs/rules/<id>.md. */
export const DOCS_BASE_URL = 'https://github.com/kube-netlint/kube-netlint/blob/main/docs/rules/';

export function ruleDocsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}

let docsRoot: string | null | undefined;

/** Finds docs/rules by walking up from the running file: works from src (tests) and dist (bundles). */
export function ruleDocsDir(): string | undefined {
  if (docsRoot === undefined) {
    docsRoot = null;
    for (let dir = __dirname; ; dir = dirname(dir)) {
      const candidate = join(dir, 'docs', 'rules');
      if (existsSync(candidate)) {
        docsRoot = candidate;
        break;
      }
      if (dirname(dir) === dir) break;
    }
  }
  return docsRoot ?? undefined;
}

/**
 * Where an editor opens a rule's page: the page shipped with the extension (a file: URI, works
 * offline) when it is there, else the page on GitHub.
 */
export function ruleDocsHref(ruleId: string): string {
  const dir = ruleDocsDir();
  const path = dir && join(dir, `${ruleId}.md`);
  return path && existsSync(path) ? pathToFileURL(path).toString() : ruleDocsUrl(ruleId);
}

const cache = new Map<string, string | undefined>();

export function ruleDocsMarkdown(ruleId: string): string | undefined {
  if (!cache.has(ruleId)) {
    const dir = ruleDocsDir();
    const path = dir && join(dir, `${ruleId}.md`);
    cache.set(ruleId, path && existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  }
  return cache.get(ruleId);
}

/** The first paragraph after the title: what a hover on a diagnostic shows. */
export function ruleSummary(ruleId: string): string | undefined {
  const md = ruleDocsMarkdown(ruleId);
  if (!md) return undefined;
  const paragraphs = md.split(/\r?\n\s*\r?\n/).map((p) => p.trim());
  return paragraphs.find((p) => p && !p.startsWith('#'));
}

/** Local path of a rule's page, for the "Show documentation" command when offline. */
export function ruleDocsPath(ruleId: string): string | undefined {
  const dir = ruleDocsDir();
  return dir ? join(dir, `${ruleId}.md`) : undefined;
}
