import { dirname } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { pushAll } from '../core/arrays';
import { applyEdits, chooseFixes } from '../engine/fixes';
import type { LintedFile } from '../fleet/result';
import type { Settings } from '../node/settings';
import { lintedFile, lintNode, type NodeInput } from '../fleet/lintNode';
import { writeFileAtomic, WriteRefused } from './atomicWrite';
import type { CheckArgs } from './checkArgs';
import { fails } from './check';
import { gather } from './gather';
import type { CliIO } from './io';
import { summary } from './output';

/**
 * Fix passes per node: a fix can make a new finding (or unblock one that overlapped), so fixes
 * are applied and the node re-linted until nothing applies; a rule pair that keeps undoing each
 * other is stopped here and reported.
 */
export const MAX_FIX_PASSES = 10;

interface FileOutcome {
  readonly path: string;
  readonly original: string;
  readonly fixed: string;
  readonly applied: number;
}

/** Fixes one node's files in memory until stable; returns what changed and the findings left (the last lint). */
function fixNode(node: NodeInput, settings: Settings, unsafe: boolean, io: CliIO): { files: FileOutcome[]; held: number; remaining: LintedFile[] } {
  const texts = new Map(node.files.map((f) => [f.path, f.text]));
  const applied = new Map<string, number>();
  for (let pass = 0; ; pass++) {
    const current: NodeInput = { ...node, files: node.files.map((f) => ({ ...f, text: texts.get(f.path)! })) };
    const { results, ruleErrors } = lintNode(current, settings);
    const plan = results.map((r) => ({ r, c: chooseFixes(r.reports, unsafe) }));
    const pending = plan.some((p) => p.c.chosen.length > 0);
    if (!pending || pass === MAX_FIX_PASSES) {
      for (const e of ruleErrors) io.err(`kube-netlint: internal error in rule ${e}\n`);
      if (pending) io.err(`kube-netlint: ${node.name}: fixes still apply after ${MAX_FIX_PASSES} passes (two fixes undo each other?); stopped there\n`);
      const files = node.files
        .map((f) => ({ path: f.path, original: f.text, fixed: texts.get(f.path)!, applied: applied.get(f.path) ?? 0 }))
        .filter((f) => f.fixed !== f.original);
      return { files, held: plan.reduce((n, p) => n + p.c.held, 0), remaining: results.map((r) => lintedFile(node.name, r)) };
    }
    for (const { r, c } of plan) {
      if (c.chosen.length === 0) continue;
      texts.set(r.document.path, applyEdits(r.document.text, c.chosen.flatMap((f) => f.edits)));
      applied.set(r.document.path, (applied.get(r.document.path) ?? 0) + c.chosen.length);
    }
  }
}

/**
 * `fix PATH...`: applies the safe edit fixes in place (needs-review ones only with --unsafe),
 * re-linting until stable; `--dry-run` prints a unified diff instead of writing. Files are
 * written atomically (writeFileAtomic). Exit: 2 if a file could not be written, else 1 when the
 * findings left fail --fail-on, else 0.
 */
export function fixCommand(args: CheckArgs, io: CliIO): number {
  const g = gather(args, io);
  if (typeof g === 'number') return g;
  let status = 0;
  let held = 0;
  const remaining: LintedFile[] = [];
  for (const node of g.nodes) {
    const r = fixNode(node, g.settingsOf(node), args.unsafe === true, io);
    held += r.held;
    pushAll(remaining, r.remaining);
    for (const f of r.files) {
      if (args.dryRun) {
        io.out(createTwoFilesPatch(f.path, f.path, f.original, f.fixed, undefined, undefined, { context: 3 }));
        continue;
      }
      try {
        writeFileAtomic(f.path, dirname(f.path), f.original, f.fixed);
        io.err(`kube-netlint: fixed ${f.applied} finding${f.applied === 1 ? '' : 's'} in ${f.path}\n`);
      } catch (e) {
        status = 2;
        const why = e instanceof WriteRefused ? e.message : `${(e as NodeJS.ErrnoException).code ?? String(e)}`;
        io.err(`kube-netlint: not written ${f.path}: ${why}\n`);
      }
    }
  }
  if (held) io.err(`kube-netlint: ${held} fix${held === 1 ? '' : 'es'} need${held === 1 ? 's' : ''} review and ${held === 1 ? 'was' : 'were'} not applied (--unsafe applies them)\n`);
  io.err(`${args.dryRun ? 'after these fixes: ' : 'left: '}${summary(remaining)}`);
  if (status) return status;
  return remaining.some((f) => f.findings.some((x) => fails(x.severity, args.failOn))) ? 1 : 0;
}
