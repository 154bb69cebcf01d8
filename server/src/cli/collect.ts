import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A file to lint, with the path exactly as the user will see it (built from the PATH they gave). */
export interface InputFile {
  readonly path: string;
  readonly text: string;
}

/** Files of one node: the files directly inside one folder. */
export interface InputNode {
  readonly name: string;
  readonly files: InputFile[];
}

export class ReadError extends Error {}

/** Not dumps: documentation, images, archives, editor droppings. */
const SKIP_FILE = /^\.|\.(?:md|png|jpe?g|gif|svg|gz|tgz|zip|xz|bz2|pdf|vsix|pcap|pcapng)$/i;
const SKIP_DIR = /^(?:\.|node_modules$)/;

/**
 * Walks the given paths into nodes. A file given directly joins the node of its folder; a folder
 * is walked recursively and every folder holding files becomes one node. Unreadable paths throw
 * ReadError with the path in the message (the CLI exits 2 with it).
 */
export function collectNodes(paths: readonly string[]): InputNode[] {
  const nodes = new Map<string, InputNode>();
  const add = (nodeKey: string, file: InputFile): void => {
    let n = nodes.get(nodeKey);
    if (!n) nodes.set(nodeKey, (n = { name: nodeKey, files: [] }));
    if (!n.files.some((f) => f.path === file.path)) n.files.push(file);
  };
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new ReadError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  };
  const walk = (dir: string, shown: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (e) {
      throw new ReadError(`cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    for (const name of entries) {
      const full = join(dir, name);
      const display = shown.endsWith('/') ? `${shown}${name}` : `${shown}/${name}`;
      let st;
      try {
        st = statSync(full);
      } catch (e) {
        throw new ReadError(`cannot read ${display}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      if (st.isDirectory()) {
        if (!SKIP_DIR.test(name)) walk(full, display);
      } else if (st.isFile() && !SKIP_FILE.test(name)) {
        add(dir, { path: display, text: read(full) });
      }
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw new ReadError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (st.isDirectory()) walk(p, p);
    else add(dirname(p), { path: p, text: read(p) });
  }
  return [...nodes.values()];
}
