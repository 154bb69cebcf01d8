/**
 * Array helpers that stay on the heap. `target.push(...items)` and `Math.max(...items)` pass every
 * item as a call argument, on the stack: with an input-sized array (a chain of 200,000 rules, a
 * scheduler list of a million flags) they throw "Maximum call stack size exceeded". These loop.
 */

/** Appends every item of `items` to `target` (in place); returns `target`. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const x of items) target.push(x);
  return target;
}

/** The largest of `first` and every number in `rest`. */
export function maxOf(first: number, ...lists: readonly (readonly number[])[]): number {
  let m = first;
  for (const list of lists) for (const x of list) if (x > m) m = x;
  return m;
}
