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
