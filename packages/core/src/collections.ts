/** Small list helpers used across core and the adapters, one copy each. */

/**
 * Removes duplicates, keeping the first occurrence's order.
 *
 * @example unique(['a', 'b', 'a']) // ['a', 'b']
 */
export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/**
 * Removes duplicates and sorts (ids and names, compared as strings).
 *
 * @example sortedUnique(['b', 'a', 'b']) // ['a', 'b']
 */
export function sortedUnique<T extends string>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort();
}

/**
 * Splits a list into consecutive pieces of at most `size` items (AWS calls that take a bounded number of names).
 *
 * @example chunk([1, 2, 3, 4, 5], 2) // [[1, 2], [3, 4], [5]]
 */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += size) pieces.push(items.slice(start, start + size));
  return pieces;
}
