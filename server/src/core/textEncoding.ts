/**
 * How a dump file's bytes become text, and back.
 *
 * Dumps are UTF-8 (or plain ASCII) as the tools print them, except when they were captured on
 * Windows: PowerShell 5's `kubectl exec node -- iptables-save > node.rules` writes UTF-16LE with a
 * byte-order mark, and read as UTF-8 every other character is a NUL. Such a file is decoded as
 * UTF-16 (little or big endian, by its mark, or without one when the head's odd or even bytes are
 * nearly all NUL), the mark kept as U+FEFF at the start of the text, so that the readers report it
 * as they report any mark (iptables-restore refuses it) and `encodeText` gives back the same bytes.
 */
import { isAscii } from 'node:buffer';

export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncoding;
}

/** How many leading bytes the NUL count looks at, and the share of NULs that makes UTF-16 (ASCII text in UTF-16 is half NULs). */
const PROBE = 4096;
const NUL_SHARE = 0.9;

/** The UTF-16 byte order of `bytes`, or undefined for UTF-8/ASCII. */
export function utf16Order(bytes: Uint8Array): 'utf16le' | 'utf16be' | undefined {
  if (bytes.length >= 2) {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf16le';
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf16be';
  }
  const n = Math.min(bytes.length, PROBE) & ~1;
  if (n < 8) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  // Mostly ASCII characters: their high byte is NUL, the low one is not.
  if (oddNul >= pairs * NUL_SHARE && evenNul === 0) return 'utf16le';
  if (evenNul >= pairs * NUL_SHARE && oddNul === 0) return 'utf16be';
  return undefined;
}

/** The text of a file's bytes (UTF-16 by mark or by NULs, else UTF-8; invalid UTF-8 becomes U+FFFD as Node decodes it). */
export function decodeText(bytes: Uint8Array): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const order = utf16Order(buf);
  // ASCII only (nearly every dump) is taken as it is: UTF-8 decoding cost a cold `check` of an 8 MB dump more than reading it.
  if (order === undefined) return { text: isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8'), encoding: 'utf8' };
  // An odd last byte is half a character: it reads as U+FFFD, as a cut UTF-8 sequence would.
  const even = buf.subarray(0, buf.length & ~1);
  const le = order === 'utf16le' ? even : Buffer.from(even).swap16();
  const text = le.toString('utf16le');
  return { text: buf.length % 2 === 1 ? `${text}\ufffd` : text, encoding: order };
}

/** The bytes of `text` in `encoding` (the inverse of decodeText for the text it gave). */
export function encodeText(text: string, encoding: TextEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  const le = Buffer.from(text, 'utf16le');
  return encoding === 'utf16le' ? le : le.swap16();
}
