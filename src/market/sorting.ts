/**
 * Sorting the few providers or offers of a market, many times a run. Array.prototype.sort allocates
 * work arrays on every call (it showed in allocation profiles of the monthly loop); an insertion
 * sort of a handful of items allocates nothing.
 */

/**
 * Sorts `items` in place, stably, and returns it. For a consistent comparator the order is the one
 * Array.prototype.sort gives (both are stable). A comparator of prices is not consistent when a
 * price is NaN (a custom policy's), so then `sort` itself runs, and the order stays the one it
 * always was.
 */
export function sortByPrice<T>(items: T[], price: (item: T) => number, compare: (a: T, b: T) => number): T[] {
  for (const item of items) if (Number.isNaN(price(item))) return items.sort(compare);
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    let j = i;
    for (; j > 0 && compare(items[j - 1]!, item) > 0; j--) items[j] = items[j - 1]!;
    items[j] = item;
  }
  return items;
}
