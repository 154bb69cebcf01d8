import { dirname, join, normalize } from 'node:path';
import { pushAll } from '../core/arrays';
import { bundleNodes, bundleOf, bundleRootOf, sysdumpAbove } from './bundleNodes';
import { diskReader, fileEntry, newWalk, resolveEntry, shownJoin, errCode, type FolderReader, type NodeFile, type NodeFolder, type SkipNote } from './entries';

export { KIND_BY_PATH, kindByPath, PATH_KIND_ROWS } from './bundles';
export { diskReader, MAX_NODE_FILE_BYTES, type EntryStat, type FolderReader, type NodeFile, type NodeFolder, type SkipNote } from './entries';

/**
 * What "a node" is, for the CLI, the editor and the tests alike: a folder, and the files directly
 * inside it that could be dumps; or a support bundle (a sosreport, a Cilium sysdump's per-node
 * bugtool folder: node/bundles.ts), read whole as one node with each file's kind decided by its
 * path. One skip list, one size cap, one set of safety rules (node/entries.ts).
 *
 * A file given on its own is read with its siblings (its folder, or the bundle holding it, is its
 * node), exactly as the editor reads an open document's node, so both report the same facts.
 */

/** Not dumps: documentation, images, archives, code, editor droppings. (Bundles decide by path instead.) */
export const SKIP_FILE = /^\.|\.(?:md|png|jpe?g|gif|svg|gz|tgz|zip|xz|bz2|zst|pdf|vsix|pcap|pcapng|js|ts)$/i;
/** Folders never walked into. */
export const SKIP_DIR = /^(?:\.|node_modules$)/;

/**
 * The node folders under `path` (a folder: walked, every folder holding files is a node, a bundle
 * root is its bundle's nodes; a file: the node holding it, see nodeOfFile). Throws only when `path`
 * itself cannot be read: everything below it that cannot be read safely becomes a note. Folders
 * are walked with an explicit stack, in name order.
 */
export function listNodes(path: string, reader: FolderReader = diskReader): { nodes: NodeFolder[]; notes: SkipNote[] } {
  const own = reader.stat(path);
  if (own.kind !== 'dir') return nodeOfFile(path, reader, path);
  const w = newWalk(reader, path);
  const nodes: NodeFolder[] = [];
  const stack: { dir: string; shown: string }[] = [{ dir: path, shown: path }];
  while (stack.length > 0) {
    const { dir, shown } = stack.pop()!;
    let names: string[];
    try {
      names = reader.readdir(dir).sort();
    } catch (e) {
      w.notes.push({ path: shown, reason: `cannot list it (${errCode(e)})` });
      continue;
    }
    const bundle = bundleOf(reader, dir, names);
    if (bundle) {
      pushAll(nodes, bundleNodes(w, bundle, dir, shown, names));
      continue;
    }
    const files: NodeFile[] = [];
    const subdirs: { dir: string; shown: string }[] = [];
    for (const name of names) {
      const full = join(dir, name);
      const display = shownJoin(shown, name);
      const dirName = SKIP_DIR.test(name);
      if (SKIP_FILE.test(name) && !dirName) continue;
      const entry = resolveEntry(w, full, display);
      if (!entry) continue;
      if (entry.stat.kind === 'dir') {
        if (dirName) continue;
        if (w.seenDirs.has(entry.real)) {
          w.notes.push({ path: display, reason: 'a symbolic link loop (this folder is already read)' });
          continue;
        }
        w.seenDirs.add(entry.real);
        subdirs.push({ dir: full, shown: display });
        continue;
      }
      if (dirName) continue;
      const f = fileEntry(w, full, display, entry.stat);
      if (f) files.push(f);
    }
    if (files.length > 0) nodes.push({ name: shown, dir, files });
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
  return { nodes, notes: w.notes };
}

/**
 * The node holding a file: the bundle it sits in (node/bundleNodes.ts looks up for the root), else
 * its folder. What the editor reads for an open document, and what the CLI reads for a file given
 * on its own (`given`: the path as the user spelled it, kept for that file and read even when the
 * bundle's path table does not map it). Throws when the node's folder cannot be listed at all.
 */
export function nodeOfFile(file: string, reader: FolderReader = diskReader, given?: string): { nodes: NodeFolder[]; notes: SkipNote[] } {
  const dir = dirname(file);
  const found = bundleRootOf(reader, dir);
  if (!found) return nodeOfFolder(dir, reader, given);
  // Shown as the user would: the root is the given path with one `..` per folder climbed.
  const shown = given === undefined ? found.root : normalize(join(given, ...Array<string>(found.up + 1).fill('..')));
  const w = newWalk(reader, found.root);
  const named = given === undefined ? undefined : { file: normalize(file), shown: given };
  const names = reader.readdir(found.root);
  const nodes = bundleNodes(w, found.type, found.root, shown, names, named);
  // A sysdump lists its cluster manifests and every node: keep the one holding the file.
  let node = nodes.find((n) => n.files.some((f) => normalize(f.file) === normalize(file))) ?? nodes[0];
  if (node && !node.context && found.type === 'cilium-bugtool') {
    const sysdump = sysdumpAbove(reader, found.root);
    if (sysdump) {
      const above = bundleNodes(newWalk(reader, sysdump), 'cilium-sysdump', sysdump, join(shown, '..'), reader.readdir(sysdump));
      const cluster = above.find((n) => n.dir === sysdump);
      if (cluster) node = { ...node, context: cluster.files };
    }
  }
  return { nodes: node ? [node] : [], notes: w.notes };
}

/** The identity of the node holding a file (the bundle root it sits in, else its folder): cheap probes, no listing of the bundle. */
export function nodeKeyOf(file: string, reader: FolderReader = diskReader): string {
  const dir = dirname(file);
  return bundleRootOf(reader, dir)?.root ?? dir;
}

/**
 * The node of one folder: its files only (no sub-folders), with the same rules. What the editor
 * reads for an open document's siblings outside bundles, and the CLI for a file given on its own.
 * Throws when the folder cannot be listed at all.
 */
export function nodeOfFolder(dir: string, reader: FolderReader = diskReader, given?: string): { nodes: NodeFolder[]; notes: SkipNote[] } {
  const w = newWalk(reader, dir);
  const files: NodeFile[] = [];
  // A file named by the user keeps the spelling they gave (`dump.txt`, not `./dump.txt`).
  const givenName = given === undefined ? undefined : given.slice(given.lastIndexOf('/') + 1);
  for (const name of reader.readdir(dir).sort()) {
    const isGiven = name === givenName;
    if (SKIP_FILE.test(name) && !isGiven) continue;
    const full = join(dir, name);
    const display = isGiven ? given! : shownJoin(dir, name);
    const entry = resolveEntry(w, full, display, isGiven);
    if (!entry || entry.stat.kind === 'dir') continue;
    const f = fileEntry(w, full, display, entry.stat);
    if (f) files.push(f);
  }
  return { nodes: files.length > 0 ? [{ name: dir, dir, files }] : [], notes: w.notes };
}
