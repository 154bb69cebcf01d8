import { diffNodes, type NodeDiff, type PlacedFinding } from '../fleet/diff';
import { lintNodePlain } from '../fleet/lintNode';
import type { NodeResult } from '../fleet/result';
import type { CheckArgs } from './checkArgs';
import { fails } from './check';
import { gather } from './gather';
import type { CliIO } from './io';
import { wrap, TEXT_WIDTH } from './output';

/** Lints one capture (a node folder, or one dump with its siblings); exit status when it is not exactly one node. */
function lintCapture(path: string, args: CheckArgs, io: CliIO): NodeResult | number {
  const g = gather({ ...args, paths: [path] }, io);
  if (typeof g === 'number') return g;
  if (g.nodes.length !== 1) {
    io.err(`kube-netlint: diff compares two captures of one node; ${path} holds ${g.nodes.length} node folders\n`);
    return 2;
  }
  return lintNodePlain(g.nodes[0]!, g.settingsOf(g.nodes[0]!));
}

function findingLines(sign: '+' | '-', f: PlacedFinding): string[] {
  const head = `${sign} ${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.rule}: ${f.title}`;
  return [head, ...wrap(f.message, TEXT_WIDTH - 4).map((l) => `    ${l}`)];
}

export function diffText(d: NodeDiff, before: string, after: string): string {
  const lines = [`kube-netlint diff ${before} -> ${after}`];
  for (const f of d.facts) lines.push(`fact ${f.fact}: ${f.before ?? 'not known'} -> ${f.after ?? 'not known'}`);
  for (const f of d.filesAdded) lines.push(`file added: ${f}`);
  for (const f of d.filesRemoved) lines.push(`file removed: ${f}`);
  if (d.appeared.length) lines.push(`Appeared (${d.appeared.length}):`, ...d.appeared.flatMap((f) => findingLines('+', f)));
  if (d.resolved.length) lines.push(`Resolved (${d.resolved.length}):`, ...d.resolved.flatMap((f) => findingLines('-', f)));
  lines.push(`${d.appeared.length} appeared, ${d.resolved.length} resolved, ${d.unchanged} unchanged`);
  return `${lines.join('\n')}\n`;
}

const jsonFinding = (f: PlacedFinding): object => ({ file: f.file, rule: f.rule, severity: f.severity, message: f.message, range: f.range, fingerprint: f.fingerprint });

/**
 * `diff BEFORE AFTER`: what changed between two captures of a node. Exit 1 when a finding
 * appeared at or above --fail-on (default: any severity: an upgrade should add nothing), else 0.
 */
export function diffCommand(args: CheckArgs, io: CliIO): number {
  const [beforePath, afterPath] = args.paths as [string, string];
  const before = lintCapture(beforePath, args, io);
  if (typeof before === 'number') return before;
  const after = lintCapture(afterPath, args, io);
  if (typeof after === 'number') return after;
  const d = diffNodes(before, after);
  if (args.format === 'json') {
    io.out(
      `${JSON.stringify({
        before: beforePath,
        after: afterPath,
        appeared: d.appeared.map(jsonFinding),
        resolved: d.resolved.map(jsonFinding),
        unchanged: d.unchanged,
        facts: d.facts,
        filesAdded: d.filesAdded,
        filesRemoved: d.filesRemoved,
      })}\n`,
    );
  } else io.out(diffText(d, beforePath, afterPath));
  // Without --fail-on, anything that appeared counts (hints too): after an upgrade nothing new is expected.
  return d.appeared.some((f) => args.failOn === undefined || fails(f.severity, args.failOn)) ? 1 : 0;
}
