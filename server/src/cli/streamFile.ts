import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { detectKind } from '../formats/detect';
import type { DocumentKind } from '../formats/kind';

/**
 * Which files `check` reads in chunks instead of whole: conntrack tables from this size up
 * (node/streamedDocument.ts). A 1,000,000-entry `conntrack -L` is 150 MB; read whole, its Buffer
 * and its string are alive at once (2 x 150 MB). Below this size reading whole costs little.
 */
export const STREAM_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Bytes read to decide the kind before reading the file. Detection (formats/detect.ts) looks at
 * no more than the first 65,536 UTF-16 units (core/lines.ts headLines); a UTF-8 byte is at least a
 * third of a unit, so 256 KB decode to more than that and the kind is the one the whole text gets.
 */
const HEAD_BYTES = 256 * 1024;

/** The file's first HEAD_BYTES, decoded (a character cut at the end is left out, not replaced). */
function head(file: string): string {
  const buf = Buffer.allocUnsafe(HEAD_BYTES);
  const fd = openSync(file, 'r');
  try {
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, HEAD_BYTES - n, null);
      if (r === 0) break;
      n += r;
      if (n === HEAD_BYTES) break;
    }
    return new StringDecoder('utf8').write(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether `check` should stream this file: at least `minBytes`, and a conntrack dump by its path
 * in a bundle (`kind`) or by the content of its head. Anything else, or a file whose head cannot
 * be read (the whole read then reports why), is read whole as before.
 */
export function shouldStream(f: { readonly file: string; readonly path: string; readonly size: number; readonly kind?: DocumentKind }, minBytes = STREAM_MIN_BYTES): boolean {
  if (f.size < minBytes) return false;
  if (f.kind !== undefined) return f.kind === 'conntrack';
  try {
    return detectKind(head(f.file), f.path).kind === 'conntrack';
  } catch {
    return false;
  }
}
