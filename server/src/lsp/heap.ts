import { setFlagsFromString } from 'node:v8';

/**
 * Above this size a document (or an incoming message) is big: while one is open or arriving, the
 * heap is kept small. The 75,000-line kube-proxy dump (8 MB) is below it: typing in it keeps V8's
 * default (faster) heap growth.
 */
export const BIG_DOCUMENT_CHARS = 16_000_000;

/**
 * V8's `--optimize-for-size` while a big document is open or arriving: the heap grows late and is
 * collected early. V8 reads the flag when it decides how far the heap may grow, so setting it at
 * run time takes effect; it is set from inside the server so it holds however the server was
 * started (VS Code over IPC, or a plain `node dist/server.js --stdio` from Neovim, Helix, Emacs).
 *
 * Why: opening a 50 MB dump receives its text (one 50 MB message), parses it into a model about
 * twice that size, and the parse's short-lived objects come on top. With the default growth the
 * server reached ~430 MB resident before its first full collection; with the flag the same open
 * peaks near 270 MB (bench/server-memory.bench.ts) for some more collector time. The flag is off
 * otherwise because it costs small documents' keystrokes collector time (more, smaller
 * collections of the young generation).
 */
export class HeapMode {
  private small = false;

  /** `setFlag`: where the flag goes (V8; a test records the calls). */
  constructor(private readonly setFlag: (flag: string) => void = setFlagsFromString) {}

  /**
   * A big message was announced by its frame header and no document has been opened or changed
   * since (a big message that is neither keeps the heap small: slower, never bigger).
   */
  private arriving = false;

  /** A message of `bytes` is about to be read (stdio framing): a big one is received with a small heap. */
  incoming(bytes: number): void {
    if (bytes < BIG_DOCUMENT_CHARS) return;
    this.arriving = true;
    this.set(true);
  }

  /** After a validation (or a close): a small heap while any open document is big or a big message is still arriving. */
  settle(openLengths: Iterable<number>): void {
    let big = this.arriving;
    for (const n of openLengths) if (n >= BIG_DOCUMENT_CHARS) big = true;
    this.set(big);
  }

  /** A document was opened or changed: the message announced (if any) has arrived; a big document keeps the heap small. */
  received(length: number): void {
    this.arriving = false;
    if (length >= BIG_DOCUMENT_CHARS) this.set(true);
  }

  private set(small: boolean): void {
    if (small === this.small) return;
    this.small = small;
    try {
      this.setFlag(small ? '--optimize-for-size' : '--no-optimize-for-size');
    } catch {
      // An embedder that refuses flags: the server works, with the default heap growth.
    }
  }
}
