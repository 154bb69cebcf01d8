import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import type { DocumentKind } from '../formats/kind';
import { decodeText } from '../core/textEncoding';

/**
 * One entry of a node folder and the safety rules every walk applies to it (node/folder.ts for
 * plain folders, node/bundleNodes.ts for support bundles):
 *
 * - nothing outside the folder given is read: every path is resolved (realpath) and must stay
 *   inside the resolved root, so a symlink to `/etc/shadow` or `../../other-node` is skipped;
 * - symlink loops, dangling links, FIFOs, sockets and devices are skipped (a FIFO would block the
 *   read forever), and so are files above MAX_NODE_FILE_BYTES (a sparse 1 TB file has a small
 *   disk footprint but not a small read);
 * - each skip is one note (path + reason) and the walk goes on: one bad entry no longer aborts a run.
 */

/** Largest file read as a dump (the editor reads open documents of any size: the user chose them). */
export const MAX_NODE_FILE_BYTES = 256 * 1024 * 1024;

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
  // UTF-16 from a Windows capture, else UTF-8 (core/textEncoding.ts).
  readFile: (p) => decodeText(readFileSync(p)).text,
};

/** A file of a node: where it is on disk and how to show it (built from the path the user gave). */
export interface NodeFile {
  /** The path as the user will see it. */
  readonly path: string;
  /** The path to read (inside the root). */
  readonly file: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Set when the file's path decides its kind (a bundle's KIND_BY_PATH). */
  readonly kind?: DocumentKind;
}

export interface NodeFolder {
  /** The folder as the user will see it. */
  readonly name: string;
  /** The folder on disk: the node's identity (a plain folder, or a bundle's root). */
  readonly dir: string;
  readonly files: NodeFile[];
  /**
   * Files read for the node's facts only, reported elsewhere: a Cilium sysdump's cluster-wide
   * manifests, which each of its nodes reads and which are linted once, as a node of their own.
   */
  readonly context?: NodeFile[];
}

/** A file or folder left out, and why (one per entry). */
export interface SkipNote {
  readonly path: string;
  readonly reason: string;
}

export const errCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);
const inside = (root: string, real: string): boolean => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
export const shownJoin = (shown: string, name: string): string => (shown === '' ? name : shown.endsWith('/') ? `${shown}${name}` : `${shown}/${name}`);

export interface Walk {
  readonly reader: FolderReader;
  /** The resolved root: nothing outside it is read. */
  readonly root: string;
  readonly notes: SkipNote[];
  /** Resolved folders already walked (a link back up would walk them again). */
  readonly seenDirs: Set<string>;
}

export function newWalk(reader: FolderReader, dir: string): Walk {
  const root = reader.realpath(dir);
  return { reader, root, notes: [], seenDirs: new Set([root]) };
}

/** What an entry is once links are resolved, or a note saying why it is left out. */
export function resolveEntry(w: Walk, full: string, shown: string, named = false): { stat: EntryStat; real: string } | undefined {
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
export function fileEntry(w: Walk, full: string, shown: string, stat: EntryStat, kind?: DocumentKind): NodeFile | undefined {
  if (stat.kind !== 'file') {
    w.notes.push({ path: shown, reason: 'not a regular file (a FIFO, socket or device)' });
    return undefined;
  }
  if (stat.size > MAX_NODE_FILE_BYTES) {
    w.notes.push({ path: shown, reason: `${stat.size} bytes, above the ${MAX_NODE_FILE_BYTES}-byte limit for a dump` });
    return undefined;
  }
  return { path: shown, file: full, size: stat.size, mtimeMs: stat.mtimeMs, ...(kind ? { kind } : {}) };
}

/** Whether `path` is a folder (no note: a probe of a name that may not exist). */
export function isDir(reader: FolderReader, path: string): boolean {
  try {
    return reader.stat(path).kind === 'dir';
  } catch {
    return false;
  }
}
