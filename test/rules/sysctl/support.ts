import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../../server/src/engine/lint';
import type { CommandFix } from '../../../server/src/rules/rule';
import { lintText, type NodeFile, type RunOptions } from '../../helpers/ruleTester';

/** Helpers for the sysctl rule tests: example node folders and fixtures as `lintText` siblings, fix look-ups. */

const ROOT = join(__dirname, '..', '..', '..');

/** Every file of an examples/ node folder, as `{ path, text }`. */
export function exampleNode(name: string): NodeFile[] {
  const dir = join(ROOT, 'examples', name);
  return readdirSync(dir)
    .sort()
    .map((f) => ({ path: `examples/${name}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

/** Lints one file of an example folder with the other files as its node. */
export function lintExample(name: string, file: string): Report[] {
  const files = exampleNode(name);
  const me = files.find((f) => f.path.endsWith(`/${file}`));
  assert.ok(me, `examples/${name}/${file} exists`);
  return lintText(me.text, { path: me.path, node: files.filter((f) => f !== me) }).reports;
}

export function fixture(rel: string): string {
  return readFileSync(join(ROOT, 'test', 'fixtures', rel), 'utf8');
}

/** Reports of one rule. */
export function reportsOf(rule: string, text: string, options: RunOptions = {}): Report[] {
  return lintText(text, options).reports.filter((r) => r.ruleId === rule);
}

export function onlyCommand(report: Report): CommandFix {
  const fixes = report.fixes.filter((f): f is CommandFix => f.kind === 'command');
  assert.equal(fixes.length, 1, `${report.ruleId} offers one command fix`);
  return fixes[0]!;
}

/** Every sysctl-kind fixture of test/fixtures/sysctl, each linted alone. */
export function sysctlFixtures(): { name: string; text: string }[] {
  const dir = join(ROOT, 'test', 'fixtures', 'sysctl');
  return readdirSync(dir)
    .filter((f) => !f.endsWith('.md'))
    .sort()
    .map((f) => ({ name: `sysctl/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}
