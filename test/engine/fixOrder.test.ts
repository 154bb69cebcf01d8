import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, chooseFixes } from '../../server/src/engine/fixes';
import { lintNode, type NodeInput } from '../../server/src/fleet/lintNode';
import { DEFAULT_SETTINGS } from '../../server/src/node/settings';

/**
 * "Fix all" (every safe fix that does not touch another, one pass after another) and the quick
 * fixes taken one at a time (the first safe fix, re-lint, again) must leave a node in the same
 * state: no fix may depend on another having been applied first or not. Run over every node
 * folder of the examples and the test fixtures; nodes where more than one fix applies are what
 * this is about, and there must be some.
 */

const ROOT = join(__dirname, '..', '..');
const MAX_PASSES = 1000;

function nodeFolders(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    const names = readdirSync(dir);
    if (names.some((n) => statSync(join(dir, n)).isFile())) out.push(dir);
    if (depth < 3) for (const n of names) if (statSync(join(dir, n)).isDirectory()) walk(join(dir, n), depth + 1);
  };
  walk(join(ROOT, 'examples'), 0);
  walk(join(ROOT, 'test', 'fixtures'), 0);
  return out;
}

function read(dir: string): NodeInput {
  const files = readdirSync(dir)
    .filter((n) => statSync(join(dir, n)).isFile() && statSync(join(dir, n)).size < 2_000_000)
    .map((n) => ({ path: join(dir, n), text: readFileSync(join(dir, n), 'utf8') }));
  return { name: dir, files, context: [] };
}

/** Applies fixes until none applies: all of a pass at once (`oneAtATime` false) or the first one only; returns the texts and the fixes applied. */
function fixUntilStable(node: NodeInput, oneAtATime: boolean): { texts: Map<string, string>; applied: number } {
  const texts = new Map(node.files.map((f) => [f.path, f.text]));
  let applied = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const current: NodeInput = { ...node, files: node.files.map((f) => ({ ...f, text: texts.get(f.path)! })) };
    let any = false;
    for (const { document, reports } of lintNode(current, DEFAULT_SETTINGS).results) {
      const { chosen } = chooseFixes(reports, false);
      if (chosen.length === 0) continue;
      const taken = oneAtATime ? chosen.slice(0, 1) : chosen;
      texts.set(document.path, applyEdits(document.text, taken.flatMap((f) => f.edits)));
      applied += taken.length;
      any = true;
      if (oneAtATime) break;
    }
    if (!any) return { texts, applied };
  }
  throw new Error(`${node.name}: fixes still apply after ${MAX_PASSES} passes`);
}

describe('fix all and quick fixes one at a time', () => {
  it('leave every node of the examples and fixtures in the same state', () => {
    let several = 0;
    for (const dir of nodeFolders()) {
      const node = read(dir);
      const all = fixUntilStable(node, false);
      const single = fixUntilStable(node, true);
      for (const f of node.files) assert.equal(all.texts.get(f.path), single.texts.get(f.path), `${f.path}: fix all and one at a time differ`);
      if (single.applied >= 2) several++;
    }
    assert.ok(several >= 3, `only ${several} nodes get two or more fixes: the comparison says little`);
  });
});
