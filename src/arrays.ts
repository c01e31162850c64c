// Helpers for arrays that grow with the input. Spreading one into a call (Math.min(...xs),
// out.push(...xs)) passes every element as an argument and throws "Maximum call stack size
// exceeded" past about a hundred thousand: these loop instead.

/** Appends every item of `items` to `target`; returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The least and greatest of the numbers, or null for none. */
export function minMax(values: Iterable<number>): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { min, max } : null;
}

/**
 * The index of the first item whose key is past `value` (>, or >= with `orEqual`), in a list
 * sorted by that key; the list's length when there is none. A binary search.
 */
export function firstPast<T>(sorted: readonly T[], value: number, key: (item: T) => number, orEqual = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = sorted[mid];
    const k = item === undefined ? Infinity : key(item);
    if (orEqual ? k < value : k <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The number itself: the key of a list of numbers. */
export const itself = (n: number): number => n;

/**
 * Adds `value` to the list kept under `key`, making the list on first use. In place: a list
 * rebuilt by spreading at each addition ([...list, value]) costs the square of its length.
 */
export function addTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [value]);
  else list.push(value);
}
