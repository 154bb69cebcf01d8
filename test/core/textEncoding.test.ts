import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeText, encodeText, utf16Order } from '../../server/src/core/textEncoding';

/** Dump files are UTF-8, or the UTF-16 a Windows capture writes; either reads as its text and writes back as the same bytes. */
const DUMP = '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "café ✓" -j ACCEPT\nCOMMIT\n';

describe('text encodings of dump files', () => {
  it('reads UTF-16 by its mark (LE and BE) and, without a mark, by its NULs; the mark stays as U+FEFF', () => {
    const le = Buffer.from(`\ufeff${DUMP}`, 'utf16le');
    assert.deepEqual(decodeText(le), { text: `\ufeff${DUMP}`, encoding: 'utf16le' });
    const be = Buffer.from(`\ufeff${DUMP}`, 'utf16le').swap16();
    assert.deepEqual(decodeText(be), { text: `\ufeff${DUMP}`, encoding: 'utf16be' });
    assert.deepEqual(decodeText(Buffer.from(DUMP, 'utf16le')), { text: DUMP, encoding: 'utf16le' });
    assert.deepEqual(decodeText(Buffer.from(DUMP, 'utf16le').swap16()), { text: DUMP, encoding: 'utf16be' });
  });

  it('reads UTF-8 (with or without its mark) and ASCII as UTF-8, and a cut UTF-16 character as U+FFFD', () => {
    assert.deepEqual(decodeText(Buffer.from(DUMP, 'utf8')), { text: DUMP, encoding: 'utf8' });
    assert.deepEqual(decodeText(Buffer.from(`\ufeff${DUMP}`, 'utf8')), { text: `\ufeff${DUMP}`, encoding: 'utf8' });
    const cut = Buffer.from(`\ufeffCOMMIT`, 'utf16le');
    assert.equal(decodeText(cut.subarray(0, cut.length - 1)).text, '\ufeffCOMMI\ufffd');
  });

  it('writes back the bytes it read (property, both byte orders and UTF-8)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('utf16le' as const, 'utf16be' as const), (s, order) => {
        const bytes = encodeText(`\ufeff${s}`, order);
        const d = decodeText(bytes);
        assert.equal(d.encoding, order);
        assert.equal(d.text, `\ufeff${s}`);
        assert.ok(encodeText(d.text, d.encoding).equals(bytes));
        const utf8 = Buffer.from(s, 'utf8');
        assert.ok(encodeText(decodeText(utf8).text, 'utf8').equals(utf8));
      }),
      { numRuns: 500 },
    );
  });

  it('never takes UTF-8 text or binary with a few NULs for UTF-16 (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 8, maxLength: 300 }), fc.uint8Array({ minLength: 8, maxLength: 300 }), (s, raw) => {
        assert.equal(utf16Order(Buffer.from(s.replace(/\u0000/g, ''), 'utf8')), undefined);
        // Random bytes are UTF-16 only with a mark or nearly every other byte NUL.
        const order = utf16Order(raw);
        if (order !== undefined && !(raw[0] === 0xff && raw[1] === 0xfe) && !(raw[0] === 0xfe && raw[1] === 0xff)) {
          let nul = 0;
          for (let i = order === 'utf16le' ? 1 : 0; i < raw.length - 1; i += 2) if (raw[i] === 0) nul++;
          assert.ok(nul >= (raw.length >> 1) * 0.9);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
