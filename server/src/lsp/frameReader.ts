import { Transform, type TransformCallback } from 'node:stream';

/**
 * Re-frames an LSP byte stream (`--stdio`) so that one bad header cannot make the server deaf.
 *
 * vscode-jsonrpc's StreamMessageReader throws on a header line without `:` after it has consumed
 * the header but not the body; the body then sits in front of every later header, and no message
 * is ever read again. This stream reads the framing itself and passes on only well-formed frames
 * (`Content-Length: N\r\n\r\n` + N bytes, bodies streamed through without copying):
 * - a header block with exactly one numeric Content-Length is a frame; other lines in it (even
 *   without `:`) are ignored and reported;
 * - anything else (garbage between messages, a block without a usable Content-Length, a header
 *   that does not end within 4 KiB) is skipped up to the next `Content-Length:`, where reading
 *   resynchronises.
 * Bodies are not looked at: a body that is not JSON is the reader's problem, and it is consumed.
 */
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const MARKER = 'content-length:';
const MAX_HEADER_BYTES = 4096;
/** Above V8's longest string a body could never be decoded; such a length is a corrupt header. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;

export type FrameLog = (reason: string) => void;

export class LspFrameSanitizer extends Transform {
  /** Bytes of a header block not yet complete (bounded by MAX_HEADER_BYTES plus one chunk). */
  private header: Buffer = Buffer.alloc(0);
  /** Bytes of the current body still to pass through. */
  private bodyLeft = 0;

  constructor(
    private readonly log: FrameLog = () => undefined,
    /** Told each frame's body length as soon as its header is read, before the body arrives. */
    private readonly onFrame: (bodyBytes: number) => void = () => undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk);
    } catch (e) {
      // Never reached by any input we know of; if it is, the framing restarts instead of the stream dying.
      this.header = Buffer.alloc(0);
      this.bodyLeft = 0;
      this.log(`framing error, resynchronising: ${String(e)}`);
    }
    done();
  }

  private consume(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0) {
      if (this.bodyLeft > 0) {
        const take = Math.min(this.bodyLeft, data.length);
        this.push(data.subarray(0, take));
        this.bodyLeft -= take;
        data = data.subarray(take);
        continue;
      }
      this.header = this.header.length === 0 ? data : Buffer.concat([this.header, data]);
      data = this.readHeaders();
    }
  }

  /** Reads complete header blocks from `this.header`; returns the bytes after a frame's header (its body). */
  private readHeaders(): Buffer {
    for (;;) {
      const end = this.header.indexOf(HEADER_END);
      if (end === -1) {
        if (this.header.length <= MAX_HEADER_BYTES) return Buffer.alloc(0);
        this.resync('a header block longer than 4 KiB');
        continue;
      }
      const length = this.contentLength(this.header.subarray(0, end).toString('latin1'));
      if (length === undefined) {
        this.resync('a header block without one numeric Content-Length');
        continue;
      }
      const rest = this.header.subarray(end + HEADER_END.length);
      this.onFrame(length);
      this.push(Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'latin1'));
      this.bodyLeft = length;
      if (length > 0) {
        this.header = Buffer.alloc(0);
        return rest;
      }
      this.header = rest;
    }
  }

  private contentLength(block: string): number | undefined {
    let length: number | undefined;
    let seen = 0;
    const ignored: string[] = [];
    for (const line of block.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1 || line.slice(0, colon).trim().toLowerCase() !== 'content-length') {
        if (colon === -1) ignored.push(line);
        continue;
      }
      seen++;
      const value = line.slice(colon + 1).trim();
      if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_BODY_BYTES) length = Number(value);
    }
    if (seen !== 1 || length === undefined) return undefined;
    if (ignored.length > 0) this.log(`ignored ${ignored.length} header line(s) without ':' (${JSON.stringify(ignored[0]!.slice(0, 60))})`);
    return length;
  }

  /** Drops bytes up to the next `Content-Length:` after the first byte (so every call makes progress). */
  private resync(reason: string): void {
    const text = this.header.toString('latin1').toLowerCase();
    const next = text.indexOf(MARKER, 1);
    // Keep a tail that may be the start of a marker split across chunks.
    const cut = next === -1 ? Math.max(1, this.header.length - (MARKER.length - 1)) : next;
    this.log(`skipped ${cut} byte(s) of ${reason}`);
    this.header = this.header.subarray(cut);
  }
}
