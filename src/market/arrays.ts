/**
 * `items.map(f)`, as an array of one shape whoever calls it. Once TurboFan optimises a function that
 * calls Array.prototype.map, the arrays that map makes there are "holey" where the builtin's were
 * "packed". Code optimised on the arrays of earlier runs (the world's actors, the market's
 * positions) then deoptimises at the first holey one, and so on each time another caller of map
 * gets optimised: storms of recompiles every few hundred runs, about a tenth of a run's CPU time.
 * Arrays grown by push are packed either way.
 */
export function mapped<T, U>(items: readonly T[], f: (item: T, index: number) => U): U[] {
  const result: U[] = [];
  for (let i = 0; i < items.length; i++) result.push(f(items[i]!, i));
  return result;
}

/**
 * Sums by key, the keys in order of first appearance, for the handful of keys of one market (its
 * providers): a Map, or keyed stores into a fresh record, cost more than a scan of a short array.
 * Each sum starts from 0, as `(sums.get(key) ?? 0) + value` would.
 */
export class KeyedSums<K> {
  readonly keys: K[] = [];
  readonly sums: number[] = [];

  add(key: K, value: number): void {
    const at = this.keys.indexOf(key);
    if (at >= 0) {
      this.sums[at]! += value;
      return;
    }
    this.keys.push(key);
    this.sums.push(0 + value);
  }
}
