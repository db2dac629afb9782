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
