import { byPath } from '../fleet/result';
import type { NodeInput } from '../fleet/lintNode';
import type { Settings } from '../node/settings';
import type { CheckArgs } from './checkArgs';
import { collectNodes, ReadError } from './collect';
import { ConfigError, settingsResolver } from './config';
import type { CliIO } from './io';

/** The path shown for standard input (`--stdin`). */
export const STDIN_PATH = '<stdin>';

export interface Gathered {
  /** In path order: the order of every output, serial or parallel. */
  readonly nodes: readonly NodeInput[];
  readonly settingsOf: (node: NodeInput) => Settings;
}

/**
 * Reads what a command lints: the node folders under the PATHs (skipped entries noted on stderr),
 * or standard input as one file of the kind given (`stream`: big conntrack tables are left on disk
 * for the lint to read in chunks, for commands that only report); and the settings of each node (config file
 * found upward, then the flags). Returns the exit status instead when that cannot be done.
 */
export function gather(args: CheckArgs, io: CliIO, options: { readonly stream?: boolean } = {}): Gathered | number {
  const notes: string[] = [];
  let settingsOf: (path: string) => Settings;
  try {
    settingsOf = settingsResolver(args, notes);
    let nodes: NodeInput[];
    if (args.stdinKind) {
      settingsOf(process.cwd());
      nodes = [{ name: STDIN_PATH, files: [{ path: STDIN_PATH, text: io.stdin(), kind: args.stdinKind }], context: [] }];
    } else {
      nodes = collectNodes(args.paths, (note) => io.err(`kube-netlint: skipped ${note.path}: ${note.reason}\n`), undefined, options).sort((a, b) => byPath(a.name, b.name));
      for (const n of nodes) settingsOf(n.name);
    }
    for (const n of notes) io.err(`kube-netlint: ${n}\n`);
    const cwd = process.cwd();
    return { nodes, settingsOf: (node) => settingsOf(node.name === STDIN_PATH ? cwd : node.name) };
  } catch (e) {
    if (e instanceof ReadError || e instanceof ConfigError) {
      io.err(`kube-netlint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
