import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { ConntrackStream } from '../formats/conntrack/stream';
import { parseDocument, type ParsedDocument } from './document';

/** Bytes read at a time (one buffer, reused). */
const READ_BYTES = 1 << 18;

/**
 * A `conntrack -L` file read in chunks (the CLI on big tables): the file is never one string, and
 * never one Buffer. Each read fills a reused buffer; its bytes up to the last "\n" are whole lines,
 * handed as bytes to the conntrack reader's chunk driver (`ConntrackStream.pushLines`: common
 * entries are counted from their bytes, other lines decoded); the bytes after it start the next
 * read. A read that holds no line break (a line longer than a read) is decoded by a StringDecoder
 * (a multi-byte character cut by the read stays whole) and pushed as text until its line ends.
 * The document's text is the text of the lines the model points into (`StreamedConntrack`), its
 * line index gives positions in the file, so rules, findings and their evidence are as for the
 * whole text (test/rules/conntrack/streamEquivalence.test.ts).
 *
 * `abortOn` (the suppression directive, which only the engine knows): lines of the file must be
 * seen whole to honour it, so a file that holds it (in a line the text reader reads: any line with
 * a comment sign, `ConntrackStream.directiveSeen`) is read whole instead, as before. `readBytes`:
 * the size of a read (tests make it small to cut lines and characters at every place).
 */
export function readConntrackFile(
  source: { readonly uri: string; readonly path: string; readonly file: string },
  abortOn?: string,
  readBytes = READ_BYTES,
): ParsedDocument<'conntrack'> {
  const stream = new ConntrackStream(abortOn);
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(Math.max(1, readBytes));
  const fd = openSync(source.file, 'r');
  let found = false;
  try {
    let carry = 0;
    // Whether the text driver holds the start of a line whose bytes the decoder reads.
    let inLine = false;
    for (;;) {
      const read = readSync(fd, buf, carry, buf.length - carry, null);
      const n = carry + read;
      const lf = read > 0 ? buf.lastIndexOf(10, n - 1) : -1;
      const cut = lf >= 0 ? lf + 1 : n;
      if (read === 0) {
        // The end: what is left is the last line, without a line break.
        stream.push(decoder.write(buf.subarray(0, n)) + decoder.end());
        found = stream.directiveSeen;
        break;
      }
      let from = 0;
      if (inLine || lf < 0) {
        // Finish (or go on with) a line longer than a read through the decoder.
        const first = lf < 0 ? n - 1 : buf.indexOf(10);
        stream.push(decoder.write(buf.subarray(0, first + 1)));
        from = first + 1;
        inLine = lf < 0;
      }
      stream.pushLines(buf, from, cut);
      if (stream.directiveSeen) {
        found = true;
        break;
      }
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
