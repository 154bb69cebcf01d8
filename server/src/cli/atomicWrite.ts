import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { decodeText, encodeText } from '../core/textEncoding';

/** Why a file was not rewritten (the run goes on with the other files). */
export class WriteRefused extends Error {}

const inside = (root: string, real: string): boolean => real.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * Replaces a file's text so that a reader sees either the old or the new file, never half of
 * one, even if the machine stops: the new text goes to a temporary file in the same folder (same
 * filesystem), is flushed to disk (fsync), gets the old file's mode (and owner when we are root),
 * and is renamed over the old one; then the folder is flushed so the rename is durable.
 *
 * Only a regular file inside `folder` is written: a path that resolves (through links) out of it
 * is refused, and a link inside it to a file inside it updates that file and stays a link. The
 * file must still hold exactly `expected` (the text that was linted): if it changed meanwhile, or
 * its bytes are not the text we read (invalid UTF-8 sequences would be rewritten as U+FFFD), it
 * is refused rather than clobbered. It is written in the encoding it was read in (UTF-8, or the
 * UTF-16 of a Windows capture).
 */
export function writeFileAtomic(path: string, folder: string, expected: string, text: string): void {
  let real: string;
  let root: string;
  try {
    real = realpathSync(path);
    root = realpathSync(folder);
  } catch (e) {
    throw new WriteRefused(`cannot resolve it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (!inside(root, real)) throw new WriteRefused('it leads outside the folder given');
  const st = lstatSync(real);
  if (!st.isFile()) throw new WriteRefused('not a regular file');
  // Written back in the encoding it was read in (a UTF-16 capture stays UTF-16, core/textEncoding.ts).
  const current = readFileSync(real);
  const { encoding } = decodeText(current);
  if (!current.equals(encodeText(expected, encoding))) throw new WriteRefused('it changed since it was read, or is not valid UTF-8 text');
  const temp = join(dirname(real), `.${basename(real)}.kube-netlint-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': O_CREAT|O_EXCL, never opens an existing file or a planted link.
  const fd = openSync(temp, 'wx', 0o600);
  try {
    const data = encodeText(text, encoding);
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    fchmodSync(fd, st.mode & 0o7777);
    if (process.getuid?.() === 0) {
      try {
        fchownSync(fd, st.uid, st.gid);
      } catch {
        // A filesystem without owners (some mounts): the mode is kept, the owner is root's.
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, real);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created or already renamed
    }
    throw e;
  }
  const dirFd = openSync(dirname(real), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
