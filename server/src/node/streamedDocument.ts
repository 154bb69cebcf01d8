import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ConntrackStream } from '../formats/conntrack/stream';
import { parseDocument, type ParsedDocument } from './document';

/** Bytes read at a time (one buffer, reused). */
const READ_BYTES = 1 << 20;

/**
 * A `conntrack -L` file read in chunks (the CLI on big tables): the file is never one string, and
 * never one Buffer. Each read fills a reused buffer, the text up to its last "\n" is decoded
 * (StringDecoder: a multi-byte character cut by a read that holds no line break stays whole) and
 * handed to the conntrack reader's chunk driver; the bytes after it start the next read. The
 * document's text is the text of the lines the model points into (`StreamedConntrack`), its line
 * index gives positions in the file, so rules, findings and their evidence are as for the whole
 * text (test/rules/conntrack/streamEquivalence.test.ts).
 *
 * `abortOn` (the suppression directive, which only the engine knows): lines of the file must be
 * seen whole to honour it, so a file that holds it is read whole instead, as before.
 */
export function readConntrackFile(source: { readonly uri: string; readonly path: string; readonly file: string }, abortOn?: string): ParsedDocument<'conntrack'> {
  const stream = new ConntrackStream();
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(READ_BYTES);
  const fd = openSync(source.file, 'r');
  let found = false;
  try {
    let carry = 0;
    let tail = '';
    let marked = false;
    for (;;) {
      const read = readSync(fd, buf, carry, buf.length - carry, null);
      const n = carry + read;
      let cut = n;
      if (read > 0) {
        const lf = buf.lastIndexOf(10, n - 1);
        if (lf >= 0) cut = lf + 1;
      }
      const piece = read > 0 ? decoder.write(buf.subarray(0, cut)) : decoder.write(buf.subarray(0, n)) + decoder.end();
      if (abortOn !== undefined && piece.length > 0) {
        // The directive follows a comment sign ('#' or ';'), in this piece or at the end of the last one.
        const mark = piece.indexOf('#') >= 0 || piece.indexOf(';') >= 0;
        if ((mark || marked) && (tail + piece).includes(abortOn)) {
          found = true;
          break;
        }
        marked = mark;
        tail = piece.slice(-abortOn.length);
      }
      stream.push(piece);
      if (read === 0) break;
      buf.copyWithin(0, cut, n);
      carry = n - cut;
    }
  } finally {
    closeSync(fd);
  }
  if (found) return parseDocument({ uri: source.uri, path: source.path, text: readFileSync(source.file, 'utf8'), kind: 'conntrack' }) as ParsedDocument<'conntrack'>;
  const { model, text, lines } = stream.end();
  return { uri: source.uri, path: source.path, text, kind: 'conntrack', model, lines };
}
