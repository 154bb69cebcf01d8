import { MAX_KEYS } from './byteKeys';

/** Distinct keys kept per count map (protocol names, states); the rest is counted under `(other)`. */
export const MAX_COUNT_KEYS = 256;

/** Counts one `key` in a count map of the model (at most MAX_COUNT_KEYS keys, then `(other)`). */
export function increment(m: Map<string, number>, key: string): void {
  const v = m.get(key);
  if (v !== undefined) m.set(key, v + 1);
  else if (m.size < MAX_COUNT_KEYS) m.set(key, 1);
  else m.set('(other)', (m.get('(other)') ?? 0) + 1);
}

/**
 * The byte fast path's counts for one count map, by key id (`ByteKeys.id`), added to the map by
 * `flush`: a key is counted with `increment` when first seen, which decides its place for good (its
 * own entry, or `(other)` once the map is full: a map only grows), so later counts can be summed
 * per id and added at the end, and the map's keys, order and values are those of `increment` on
 * every line. Lines of the text reader keep calling `increment` meanwhile: additions commute.
 */
export class DeferredCounts {
  /** Per id: 0 not seen yet, 1 counted under its key, 2 counted under `(other)`. */
  private readonly place = new Uint8Array(MAX_KEYS);
  private readonly pending = new Float64Array(MAX_KEYS);
  private readonly seen: number[] = [];
  private readonly keys: string[] = [];

  constructor(private readonly map: Map<string, number>) {}

  add(key: string, id: number): void {
    if (id >= MAX_KEYS) {
      increment(this.map, key);
      return;
    }
    if (this.place[id] !== 0) {
      this.pending[id] = this.pending[id]! + 1;
      return;
    }
    increment(this.map, key);
    this.place[id] = this.map.has(key) ? 1 : 2;
    this.seen.push(id);
    this.keys.push(key);
  }

  /** Adds the pending counts to the map. */
  flush(): void {
    for (let k = 0; k < this.seen.length; k++) {
      const id = this.seen[k]!;
      const n = this.pending[id]!;
      if (n === 0) continue;
      this.pending[id] = 0;
      const target = this.place[id] === 1 ? this.keys[k]! : '(other)';
      this.map.set(target, (this.map.get(target) ?? 0) + n);
    }
  }
}
