import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../../server/src/engine/lint';
import { lintText, type RunOptions } from '../../helpers/ruleTester';

const ROOT = join(__dirname, '..', '..', '..');

export interface FolderReport extends Report {
  readonly path: string;
  readonly line: number;
}

/**
 * Lints every iptables dump of a node folder (examples/<node>) or a single fixture file, with the
 * other files of the folder as its node siblings, the way the CLI and the editor group them.
 */
export function lintNodeFolder(rel: string, options: Omit<RunOptions, 'path' | 'node'> = {}): FolderReport[] {
  const dir = join(ROOT, rel);
  const files = readdirSync(dir)
    .sort()
    .map((f) => ({ path: `${rel}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  return lintFiles(files, options);
}

export function lintFixture(rel: string, options: Omit<RunOptions, 'path'> = {}): FolderReport[] {
  return lintFiles([{ path: `test/fixtures/${rel}`, text: readFileSync(join(ROOT, 'test', 'fixtures', rel), 'utf8') }], options);
}

function lintFiles(files: readonly { path: string; text: string }[], options: Omit<RunOptions, 'path'>): FolderReport[] {
  const out: FolderReport[] = [];
  for (const f of files) {
    const { doc, reports } = lintText(f.text, { ...options, path: f.path, node: [...(options.node ?? []), ...files.filter((o) => o !== f)] });
    if (doc.kind !== 'iptables') continue;
    for (const r of reports) out.push({ ...r, path: f.path, line: doc.lines.positionAt(r.span.start).line + 1 });
  }
  return out;
}

export function fixtureNames(dir: 'iptables' | 'iptables-list'): string[] {
  return readdirSync(join(ROOT, 'test', 'fixtures', dir)).sort().map((f) => `${dir}/${f}`);
}

/** Findings of one rule over every real iptables fixture (each linted as a node of its own). */
export function acrossFixtures(ruleId: string): { path: string; line: number; severity: string }[] {
  const out: { path: string; line: number; severity: string }[] = [];
  for (const f of [...fixtureNames('iptables'), ...fixtureNames('iptables-list')]) {
    for (const r of lintFixture(f)) if (r.ruleId === ruleId) out.push({ path: f, line: r.line, severity: r.severity });
  }
  return out;
}

/** Counts per file, e.g. `{ 'iptables/a.txt': 2 }`. */
export function countByFile(rows: readonly { path: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.path] = (counts[r.path] ?? 0) + 1;
  return counts;
}
