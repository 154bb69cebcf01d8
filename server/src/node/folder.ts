import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { DocumentKind } from '../formats/kind';

/**
 * What "a node" is, for the CLI, the editor and the tests alike: a folder, and the files directly
 * inside it that could be dumps. One skip list, one size cap, one set of safety rules:
 *
 * - nothing outside the folder given is read: every path is resolved (realpath) and must stay
 *   inside the resolved root, so a symlink to `/etc/shadow` or `../../other-node` is skipped;
 * - symlink loops, dangling links, FIFOs, sockets and devices are skipped (a FIFO would block the
 *   read forever), and so are files above MAX_NODE_FILE_BYTES (a sparse 1 TB file has a small
 *   disk footprint but not a small read);
 * - each skip is one note (path + reason) and the walk goes on: one bad entry no longer aborts a run.
 *
 * A file given on its own is read with its siblings (its folder is its node), exactly as the
 * editor reads an open document's folder, so both report the same facts.
 */

/** Largest file read as a dump (the editor reads open documents of any size: the user chose them). */
export const MAX_NODE_FILE_BYTES = 256 * 1024 * 1024;

/** Not dumps: documentation, images, archives, code, editor droppings. */
export const SKIP_FILE = /^\.|\.(?:md|png|jpe?g|gif|svg|gz|tgz|zip|xz|bz2|zst|pdf|vsix|pcap|pcapng|js|ts)$/i;
/** Folders never walked into. */
export const SKIP_DIR = /^(?:\.|node_modules$)/;

/**
 * Path-based kinds: a file whose path (relative to the walk root, `/`-separated) matches is read
 * as that kind whatever its content says. Empty today; sosreport bundles
 * (`sos_commands/networking/iptables-save`, `sos_commands/kernel/sysctl_-a`, ...) will add rows
 * here. The first matching row wins.
 */
export const KIND_BY_PATH: readonly { readonly path: RegExp; readonly kind: DocumentKind }[] = [];

/** The kind a file's path decides, if any row of KIND_BY_PATH matches it. */
export function kindByPath(relativePath: string): DocumentKind | undefined {
  for (const row of KIND_BY_PATH) if (row.path.test(relativePath)) return row.kind;
  return undefined;
}

/** The file-system calls the walk makes (tests give a fake; the default is node:fs). */
export interface FolderReader {
  /** The entry itself (a symlink is reported as one). */
  lstat(path: string): EntryStat;
  /** What a path resolves to (throws on a dangling link or a loop). */
  stat(path: string): EntryStat;
  realpath(path: string): string;
  readdir(path: string): string[];
  readFile(path: string): string;
}

export interface EntryStat {
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
  readonly mtimeMs: number;
}

const statOf = (s: import('node:fs').Stats): EntryStat => ({
  kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other',
  size: s.size,
  mtimeMs: s.mtimeMs,
});

export const diskReader: FolderReader = {
  lstat: (p) => statOf(lstatSync(p)),
  stat: (p) => statOf(statSync(p)),
  realpath: (p) => realpathSync(p),
  readdir: (p) => readdirSync(p),
  readFile: (p) => readFileSync(p, 'utf8'),
};

/** A file of a node: where it is on disk and how to show it (built from the path the user gave). */
export interface NodeFile {
  /** The path as the user will see it. */
  readonly path: string;
  /** The path to read (inside the root). */
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Set when the file's path decides its kind (KIND_BY_PATH). */
  readonly kind?: DocumentKind;
}

export interface NodeFolder {
  /** The folder as the user will see it. */
  readonly name: string;
  /** The folder on disk. */
  readonly dir: string;
  readonly files: NodeFile[];
}

/** A file or folder left out, and why (one per entry). */
export interface SkipNote {
  readonly path: string;
  readonly reason: string;
}

const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);
const inside = (root: string, real: string): boolean => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
const shownJoin = (shown: string, name: string): string => (shown.endsWith('/') ? `${shown}${name}` : `${shown}/${name}`);

interface Walk {
  readonly reader: FolderReader;
  /** The resolved root: nothing outside it is read. */
  readonly root: string;
  readonly notes: SkipNote[];
  /** Resolved folders already walked (a link back up would walk them again). */
  readonly seenDirs: Set<string>;
}

/** What an entry is once links are resolved, or a note saying why it is left out. */
function resolveEntry(w: Walk, full: string, shown: string, named = false): { stat: EntryStat; real: string } | undefined {
  let own: EntryStat;
  try {
    own = w.reader.lstat(full);
  } catch (e) {
    w.notes.push({ path: shown, reason: `cannot read it (${errCode(e)})` });
    return undefined;
  }
  let real: string;
  let stat: EntryStat;
  try {
    real = w.reader.realpath(full);
    stat = own.kind === 'symlink' ? w.reader.stat(full) : own;
  } catch (e) {
    const code = errCode(e);
    w.notes.push({ path: shown, reason: code === 'ELOOP' ? 'a symbolic link loop' : code === 'ENOENT' ? 'a dangling symbolic link' : `cannot resolve it (${code})` });
    return undefined;
  }
  // A file the user named is read wherever it links to: they asked for it. Nothing else leaves the folder.
  if (!named && !inside(w.root, real)) {
    w.notes.push({ path: shown, reason: 'a symbolic link that leads outside the folder given; not followed' });
    return undefined;
  }
  return { stat, real };
}

/** Checks a file entry; returns the NodeFile to read or pushes a note. */
function fileEntry(w: Walk, full: string, shown: string, stat: EntryStat, relative: string): NodeFile | undefined {
  if (stat.kind !== 'file') {
    w.notes.push({ path: shown, reason: 'not a regular file (a FIFO, socket or device)' });
    return undefined;
  }
  if (stat.size > MAX_NODE_FILE_BYTES) {
    w.notes.push({ path: shown, reason: `${stat.size} bytes, above the ${MAX_NODE_FILE_BYTES}-byte limit for a dump` });
    return undefined;
  }
  const kind = kindByPath(relative);
  return { path: shown, file: full, size: stat.size, mtimeMs: stat.mtimeMs, ...(kind ? { kind } : {}) };
}

/**
 * The node folders under `path` (a folder: walked, every folder holding files is a node; a file:
 * its folder is its node). Throws only when `path` itself cannot be read: everything below it that
 * cannot be read safely becomes a note. Folders are walked with an explicit stack, in name order.
 */
export function listNodes(path: string, reader: FolderReader = diskReader): { nodes: NodeFolder[]; notes: SkipNote[] } {
  const own = reader.stat(path);
  if (own.kind !== 'dir') return nodeOfFolder(dirname(path), reader, path);
  const w: Walk = { reader, root: reader.realpath(path), notes: [], seenDirs: new Set() };
  const nodes: NodeFolder[] = [];
  const stack: { dir: string; shown: string; relative: string }[] = [{ dir: path, shown: path, relative: '' }];
  w.seenDirs.add(w.root);
  while (stack.length > 0) {
    const { dir, shown, relative } = stack.pop()!;
    let names: string[];
    try {
      names = reader.readdir(dir).sort();
    } catch (e) {
      w.notes.push({ path: shown, reason: `cannot list it (${errCode(e)})` });
      continue;
    }
    const files: NodeFile[] = [];
    const subdirs: { dir: string; shown: string; relative: string }[] = [];
    for (const name of names) {
      const full = join(dir, name);
      const display = shownJoin(shown, name);
      const rel = relative ? `${relative}/${name}` : name;
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
        subdirs.push({ dir: full, shown: display, relative: rel });
        continue;
      }
      if (dirName) continue;
      const f = fileEntry(w, full, display, entry.stat, rel);
      if (f) files.push(f);
    }
    if (files.length > 0) nodes.push({ name: shown, dir, files });
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
  return { nodes, notes: w.notes };
}

/**
 * The node of one folder: its files only (no sub-folders), with the same rules. What the editor
 * reads for an open document's siblings, and what the CLI reads for a file given on its own.
 * Throws when the folder cannot be listed at all.
 */
export function nodeOfFolder(dir: string, reader: FolderReader = diskReader, given?: string): { nodes: NodeFolder[]; notes: SkipNote[] } {
  const w: Walk = { reader, root: reader.realpath(dir), notes: [], seenDirs: new Set() };
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
    const f = fileEntry(w, full, display, entry.stat, name);
    if (f) files.push(f);
  }
  return { nodes: files.length > 0 ? [{ name: dir, dir, files }] : [], notes: w.notes };
}
