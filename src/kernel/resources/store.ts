import { SimEvent } from '../events.js';
import type { EventOptions } from '../events.js';
import type { Simulation } from '../simulation.js';
import { BaseResource } from './base.js';

/** A put of an item into a Store. */
export class StorePut<T> extends SimEvent<T> {
  override get kind(): string {
    return 'put';
  }
  constructor(
    sim: Simulation,
    readonly item: T,
    options?: EventOptions,
  ) {
    super(sim, options);
  }
}

/** A get from a Store; succeeds with the item taken. */
export class StoreGet<T> extends SimEvent<T> {
  override get kind(): string {
    return 'get';
  }
  constructor(
    sim: Simulation,
    readonly filter: ((item: T) => boolean) | undefined,
    options?: EventOptions,
  ) {
    super(sim, options);
  }
}

/**
 * Discrete items (orders, contracts) kept in arrival order. `get(filter)` takes the first item the
 * filter accepts; a get whose filter matches nothing waits without blocking the gets behind it.
 */
export class Store<T> extends BaseResource<StorePut<T>, StoreGet<T>> {
  /** The items held, oldest first. */
  readonly items: T[] = [];

  constructor(
    sim: Simulation,
    readonly capacity = Infinity,
  ) {
    super(sim);
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
  }

  /** Adds an item, waiting until there is room. */
  put(item: T, options?: EventOptions): StorePut<T> {
    return this.addPut(new StorePut(this.sim, item, options));
  }

  /** Takes the first item that `filter` accepts (any item without one), waiting until there is one. */
  get(filter?: (item: T) => boolean, options?: EventOptions): StoreGet<T> {
    return this.addGet(new StoreGet<T>(this.sim, filter, options));
  }

  protected doPut(put: StorePut<T>): boolean {
    if (this.items.length >= this.capacity) return false;
    this.items.push(put.item);
    put.succeed(put.item);
    return true;
  }

  // A get that finds no match waits without blocking the ones behind it; once the store is empty
  // none of them can proceed.
  protected doGet(get: StoreGet<T>): boolean {
    const index = get.filter === undefined ? 0 : this.items.findIndex(get.filter);
    if (index >= 0 && index < this.items.length) {
      const [item] = this.items.splice(index, 1);
      get.succeed(item);
    }
    return this.items.length > 0;
  }
}
