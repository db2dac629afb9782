import { shown, SimEvent } from '../events.js';
import type { EventOptions } from '../events.js';
import type { Simulation } from '../simulation.js';
import { BaseResource } from './base.js';

/** A put of an item into a Store. */
export class StorePut<T> extends SimEvent<T> {
  /** The store it was made by (and waits on until served). */
  store: Store<T> | undefined = undefined;

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

  /** Withdraws it while it still waits, as leaving SimPy's `with` does: `using put = store.put(x)`, or call it in a `finally`. */
  [Symbol.dispose](): void {
    if (!this.triggered) this.store?.cancel(this);
  }
}

/** A get from a Store; succeeds with the item taken. */
export class StoreGet<T> extends SimEvent<T> {
  /** The store it was made by (and waits on until served). */
  store: Store<T> | undefined = undefined;

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

  /** Withdraws it while it still waits: an interrupted process's get would otherwise take the next item for no one. */
  [Symbol.dispose](): void {
    if (!this.triggered) this.store?.cancel(this);
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
    if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 1))) throw new RangeError(`capacity must be a whole number of items >= 1 (or Infinity), got ${shown(capacity)}`);
  }

  /** Adds an item, waiting until there is room. */
  put(item: T, options?: EventOptions): StorePut<T> {
    const put = new StorePut(this.sim, item, options);
    put.store = this;
    return this.addPut(put);
  }

  /** Takes the first item that `filter` accepts (any item without one), waiting until there is one. */
  get(filter?: (item: T) => boolean, options?: EventOptions): StoreGet<T> {
    const get = new StoreGet<T>(this.sim, filter, options);
    get.store = this;
    return this.addGet(get);
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
    let index: number;
    try {
      index = get.filter === undefined ? 0 : this.items.findIndex(get.filter);
    } catch (error) {
      // A filter that throws fails its own get, in its owner's process, and leaves the store serving the others.
      get.fail(error);
      return this.items.length > 0;
    }
    if (index >= 0 && index < this.items.length) {
      const [item] = this.items.splice(index, 1);
      get.succeed(item);
    }
    return this.items.length > 0;
  }
}
