/**
 * One string per distinct ASCII byte value, for the byte fast path (`fastLine.ts`): protocol
 * names, states and group keys (addresses) of a million entries are a few thousand distinct values,
 * so a value seen before costs a hash and a compare of its bytes, not a new string. Bounded: past
 * MAX_KEYS distinct values or MAX_BYTES of their bytes, a value is decoded each time instead (as the
 * text reader slices it), so memory does not grow with the table.
 */
export const MAX_KEYS = 1 << 15;
const SLOTS = MAX_KEYS * 2;
const MAX_BYTES = 1 << 20;
/** Entries of the direct-mapped cache in front of the hash table (most lookups repeat a recent value). */
const FRONT = 1024;

export class ByteKeys {
  /** Open addressing: index + 1 of the key in each slot, 0 for an empty slot. */
  private readonly slots = new Int32Array(SLOTS);
  private readonly hashes = new Int32Array(MAX_KEYS);
  private readonly starts = new Int32Array(MAX_KEYS);
  private readonly lengths = new Int32Array(MAX_KEYS);
  private readonly strings: string[] = [];
  private readonly pool = new Uint8Array(MAX_BYTES);
  private used = 0;
  /** Index + 1 of a recent key per (length, first, middle, last byte), 0 for none. */
  private readonly front = new Int32Array(FRONT);
  /** The index of the key `get` returned last (`MAX_KEYS` and up index nothing: not kept). */
  id = 0;

  /** The string of b[s, e) (printable ASCII, s < e). */
  get(b: Buffer, s: number, e: number): string {
    const len = e - s;
    const f = (len ^ (b[s]! << 1) ^ (b[s + (len >> 1)]! << 3) ^ (b[e - 1]! << 5)) & (FRONT - 1);
    const recent = this.front[f]! - 1;
    if (recent >= 0 && this.lengths[recent] === len && this.equal(recent, b, s, len)) {
      this.id = recent;
      return this.strings[recent]!;
    }
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    let slot = h & (SLOTS - 1);
    for (;;) {
      const k = this.slots[slot]! - 1;
      if (k < 0) break;
      if (this.hashes[k] === h && this.lengths[k] === len && this.equal(k, b, s, len)) {
        this.front[f] = k + 1;
        this.id = k;
        return this.strings[k]!;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    const v = b.toString('latin1', s, e);
    const n = this.strings.length;
    if (n < MAX_KEYS && this.used + len <= MAX_BYTES) {
      this.pool.set(b.subarray(s, e), this.used);
      this.hashes[n] = h;
      this.starts[n] = this.used;
      this.lengths[n] = len;
      this.strings.push(v);
      this.slots[slot] = n + 1;
      this.front[f] = n + 1;
      this.used += len;
      this.id = n;
    } else this.id = MAX_KEYS;
    return v;
  }

  private equal(k: number, b: Uint8Array, s: number, len: number): boolean {
    const p = this.pool;
    const at = this.starts[k]!;
    for (let i = 0; i < len; i++) if (p[at + i] !== b[s + i]) return false;
    return true;
  }
}
