/**
 * Writes the node folder. Safe by construction: the folder must be new, empty, or explicitly
 * given up (--force); every file is created with O_CREAT|O_EXCL|O_NOFOLLOW, so an existing name
 * (a symlink planted to point at /etc/shadow, a file of an earlier run) is never opened through;
 * and file names are plain names checked here, so nothing is written outside the folder.
 */
import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class OutDirError extends Error {}

/** Dumps hold addresses, rules and connections of the node: readable by the collecting user only. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@+-]{0,127}$/;

/**
 * Makes `dir` ready: creates it (with missing parents) or accepts an existing empty directory;
 * a non-empty one only with `force`. A symlink or a non-directory is refused, force or not:
 * following it would write somewhere the user did not name.
 */
export function prepareOutDir(dir: string, force: boolean): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutDirError(`cannot use ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    try {
      mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    } catch (e2) {
      throw new OutDirError(`cannot create ${dir}: ${(e2 as NodeJS.ErrnoException).code ?? String(e2)}`);
    }
    return;
  }
  if (st.isSymbolicLink()) throw new OutDirError(`${dir} is a symbolic link: give the real directory (the collector never writes through links)`);
  if (!st.isDirectory()) throw new OutDirError(`${dir} exists and is not a directory`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !force) throw new OutDirError(`${dir} is not empty (${entries.length} entries): choose a new --out, or pass --force to replace the files the collector writes`);
}

/** Throws unless `name` is a plain file name (no separator, no `..`, no leading dot or dash). */
export function checkFileName(name: string): void {
  if (!PLAIN_NAME.test(name) || name === '..' || name === '.') throw new OutDirError(`refusing file name ${JSON.stringify(name)}`);
}

/**
 * With --force: removes the files an earlier capture left (names `isOurs` accepts), so the folder
 * holds one capture, not two mixed. Entries are unlinked, which removes a symlink itself and never
 * its target; directories and every other name are left alone (notes, manifests the user added).
 */
export function removePrevious(dir: string, isOurs: (name: string) => boolean): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!isOurs(name)) continue;
    const path = join(dir, name);
    try {
      if (lstatSync(path).isDirectory()) continue;
      unlinkSync(path);
      removed.push(name);
    } catch (e) {
      throw new OutDirError(`cannot remove ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  return removed;
}

/**
 * Creates `dir/name` and writes `data`. O_EXCL: an entry of that name that appeared since the
 * folder was prepared (a planted symlink) makes the write fail instead of being followed.
 */
export function writeNew(dir: string, name: string, data: Uint8Array | string): number {
  checkFileName(name);
  const path = join(dir, name);
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OutDirError(code === 'EEXIST' ? `${path} already exists; not writing through it` : `cannot create ${path}: ${code ?? String(e)}`);
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes.length;
}
