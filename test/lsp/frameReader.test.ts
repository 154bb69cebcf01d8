import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspFrameSanitizer } from '../../server/src/lsp/frameReader';

/** Feeds `chunks` through the sanitizer and returns what comes out, plus what it logged. */
async function run(chunks: readonly (string | Buffer)[]): Promise<{ out: string; logs: string[] }> {
  const logs: string[] = [];
  const s = new LspFrameSanitizer((r) => logs.push(r));
  const parts: Buffer[] = [];
  s.on('data', (b: Buffer) => parts.push(b));
  const ended = new Promise((resolve) => s.on('end', resolve));
  for (const c of chunks) s.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  s.end();
  await ended;
  return { out: Buffer.concat(parts).toString('latin1'), logs };
}

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('LspFrameSanitizer (--stdio framing)', () => {
  it('passes well-formed frames through unchanged, in any chunking', async () => {
    const input = frame('{"a":1}') + frame('{"b":2}') + `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n${frame('{}')}`;
    const expected = frame('{"a":1}') + frame('{"b":2}') + frame('{}');
    assert.equal((await run([input])).out, expected);
    const bytes = Buffer.from(input, 'latin1');
    for (let size = 1; size <= 7; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      assert.equal((await run(chunks)).out, expected, `chunks of ${size}`);
    }
  });

  it('reads a frame whose header block has a line without ":" and reports the line', async () => {
    const r = await run([`Content-Length: 2\r\nbogus header\r\n\r\n{}${frame('[]')}`]);
    assert.equal(r.out, frame('{}') + frame('[]'));
    assert.match(r.logs.join('\n'), /ignored 1 header line\(s\) without ':' \("bogus header"\)/);
  });

  it('skips a block without Content-Length, and garbage between frames, up to the next Content-Length', async () => {
    const r = await run([`no colon\r\n\r\n{"method":"exit"}\x00\xff${frame('{"ok":1}')}junk junk${frame('{"ok":2}')}`]);
    assert.equal(r.out, frame('{"ok":1}') + frame('{"ok":2}'));
    assert.ok(r.logs.some((l) => l.startsWith('skipped')), r.logs.join('\n'));
  });

  it('resynchronises when the marker is split across chunks of garbage', async () => {
    const r = await run(['garbage garbage Content-Len', 'gth: 2\r\n\r\n{}']);
    assert.equal(r.out, frame('{}'));
  });

  it('treats non-numeric and absurd Content-Length values as a broken block', async () => {
    for (const bad of ['Content-Length: abc', 'Content-Length: 99999999999', 'Content-Length: -1']) {
      const r = await run([`${bad}\r\n\r\n{}${frame('[1]')}`]);
      assert.equal(r.out, frame('[1]'), bad);
    }
  });

  it('gives up on a header that never ends within 4 KiB, without holding more than that', async () => {
    const r = await run(['A'.repeat(100_000), frame('{}')]);
    assert.equal(r.out, frame('{}'));
  });

  it('streams a large body through without waiting for all of it', async () => {
    const body = `"${'x'.repeat(1_000_000)}"`;
    const r = await run([`Content-Length: ${body.length}\r\n\r\n`, body.slice(0, 10), body.slice(10), frame('{}')]);
    assert.equal(r.out, frame(body) + frame('{}'));
  });

  it('passes an empty body and carries on with the next frame', async () => {
    assert.equal((await run([`Content-Length: 0\r\n\r\n${frame('{}')}`])).out, `Content-Length: 0\r\n\r\n${frame('{}')}`);
  });
});
