import { SimEvent } from './events.js';
import type { EventOptions } from './events.js';
import type { Simulation } from './simulation.js';

/** Shared resources in SimPy's sense: Resource (servers), Container (a level), Store (items). */

/** A claim on one unit of a Resource; succeeds (with itself) when granted. */
export class Request extends SimEvent<Request> {
  override get kind(): string {
    return 'request';
  }
  /** When the request was granted, or undefined while it waits. */
  grantedAt: number | undefined = undefined;

  constructor(
    readonly resource: Resource,
    readonly priority: number,
    readonly order: number,
    options?: EventOptions,
  ) {
    super(resource.sim, options);
  }
}

/** Options of `Resource.request`. */
export interface RequestOptions extends EventOptions {
  /** Lower is served first; equal priorities are served first come, first served. Default 0. */
  priority?: number;
}

/** `capacity` identical servers; requests wait in priority, then FIFO, order. */
export class Resource {
  /** The granted requests. */
  readonly users: Request[] = [];
  /** The waiting requests, in service order. */
  readonly queue: Request[] = [];
  private requests = 0;

  constructor(
    readonly sim: Simulation,
    readonly capacity = 1,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
  }

  /** The number of units in use. */
  get count(): number {
    return this.users.length;
  }

  /** Asks for one unit; yield the returned event to wait until it is granted. */
  request(options?: RequestOptions): Request {
    const priority = options?.priority ?? 0;
    if (!Number.isFinite(priority)) throw new RangeError(`request priority must be finite, got ${priority}`);
    const request = new Request(this, priority, this.requests++, options);
    this.queue.splice(insertionIndex(this.queue, request), 0, request);
    this.grant();
    return request;
  }

  /** Gives a granted unit back, or withdraws a request still waiting (after an interrupt, say). */
  release(request: Request): void {
    const held = this.users.indexOf(request);
    if (held >= 0) {
      this.users.splice(held, 1);
      this.grant();
      return;
    }
    const waiting = this.queue.indexOf(request);
    if (waiting >= 0) this.queue.splice(waiting, 1);
  }

  private grant(): void {
    while (this.users.length < this.capacity && this.queue.length > 0) {
      const next = this.queue.shift()!;
      next.grantedAt = this.sim.now;
      this.users.push(next);
      next.succeed(next);
    }
  }
}

// Binary search for the first waiting request served after `request`: keeps the queue sorted by (priority, order).
function insertionIndex(queue: Request[], request: Request): number {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const other = queue[mid]!;
    if (other.priority < request.priority || (other.priority === request.priority && other.order < request.order)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A put into or get from a Container. */
export class ContainerEvent extends SimEvent<number> {
  constructor(
    sim: Simulation,
    readonly direction: 'put' | 'get',
    readonly amount: number,
    options?: EventOptions,
  ) {
    super(sim, options);
  }
  override get kind(): string {
    return this.direction;
  }
}

/** Options of `new Container`. */
export interface ContainerOptions {
  /** The most the container holds; default Infinity. */
  capacity?: number;
  /** The initial level; default 0. */
  init?: number;
}

/**
 * A continuous level (a GPU inventory, a budget): `put` waits for room, `get` waits for stock.
 * Each side is served strictly first come, first served, so a large get is never starved by small ones.
 */
export class Container {
  /** The current level. */
  level: number;
  /** The most the container holds. */
  readonly capacity: number;
  /** Puts waiting for room, in order. */
  readonly putQueue: ContainerEvent[] = [];
  /** Gets waiting for stock, in order. */
  readonly getQueue: ContainerEvent[] = [];

  constructor(
    readonly sim: Simulation,
    options: ContainerOptions = {},
  ) {
    this.capacity = options.capacity ?? Infinity;
    this.level = options.init ?? 0;
    if (!(this.capacity > 0)) throw new RangeError(`capacity must be > 0, got ${this.capacity}`);
    if (!(this.level >= 0 && this.level <= this.capacity)) {
      throw new RangeError(`init must be in [0, capacity ${this.capacity}], got ${this.level}`);
    }
  }

  /** Adds `amount`, waiting until there is room for all of it. */
  put(amount: number, options?: EventOptions): ContainerEvent {
    return this.enqueue(this.putQueue, 'put', amount, options);
  }

  /** Takes `amount`, waiting until the level allows it. */
  get(amount: number, options?: EventOptions): ContainerEvent {
    return this.enqueue(this.getQueue, 'get', amount, options);
  }

  /** Withdraws a put or get that is still waiting; returns whether it was. */
  cancel(event: ContainerEvent): boolean {
    const queue = event.direction === 'put' ? this.putQueue : this.getQueue;
    const index = queue.indexOf(event);
    if (index < 0) return false;
    queue.splice(index, 1);
    this.settle();
    return true;
  }

  private enqueue(queue: ContainerEvent[], kind: 'put' | 'get', amount: number, options?: EventOptions): ContainerEvent {
    if (!(amount > 0 && amount <= this.capacity)) {
      throw new RangeError(`${kind} amount must be in (0, capacity ${this.capacity}], got ${amount}`);
    }
    const event = new ContainerEvent(this.sim, kind, amount, options);
    queue.push(event);
    this.settle();
    return event;
  }

  // Serves the heads of both queues until neither can proceed: a get can make room for a waiting put and vice versa.
  private settle(): void {
    for (let progress = true; progress; ) {
      progress = false;
      const put = this.putQueue[0];
      if (put !== undefined && this.level + put.amount <= this.capacity) {
        this.putQueue.shift();
        this.level += put.amount;
        put.succeed(put.amount);
        progress = true;
      }
      const get = this.getQueue[0];
      if (get !== undefined && get.amount <= this.level) {
        this.getQueue.shift();
        this.level -= get.amount;
        get.succeed(get.amount);
        progress = true;
      }
    }
  }
}

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
export class Store<T> {
  /** The items held, oldest first. */
  readonly items: T[] = [];
  /** Puts waiting for room, in order. */
  readonly putQueue: StorePut<T>[] = [];
  /** Gets waiting for a matching item, in order. */
  readonly getQueue: StoreGet<T>[] = [];

  constructor(
    readonly sim: Simulation,
    readonly capacity = Infinity,
  ) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
  }

  /** Adds an item, waiting until there is room. */
  put(item: T, options?: EventOptions): StorePut<T> {
    const event = new StorePut(this.sim, item, options);
    this.putQueue.push(event);
    this.settle();
    return event;
  }

  /** Takes the first item that `filter` accepts (any item without one), waiting until there is one. */
  get(filter?: (item: T) => boolean, options?: EventOptions): StoreGet<T> {
    const event = new StoreGet<T>(this.sim, filter, options);
    this.getQueue.push(event);
    this.settle();
    return event;
  }

  /** Withdraws a put or get that is still waiting; returns whether it was. */
  cancel(event: StorePut<T> | StoreGet<T>): boolean {
    const queue: SimEvent<T>[] = event instanceof StorePut ? this.putQueue : this.getQueue;
    const index = queue.indexOf(event);
    if (index < 0) return false;
    queue.splice(index, 1);
    this.settle();
    return true;
  }

  private settle(): void {
    for (let progress = true; progress; ) {
      progress = false;
      while (this.putQueue.length > 0 && this.items.length < this.capacity) {
        const put = this.putQueue.shift()!;
        this.items.push(put.item);
        put.succeed(put.item);
        progress = true;
      }
      for (let g = 0; g < this.getQueue.length && this.items.length > 0; ) {
        const get = this.getQueue[g]!;
        const index = get.filter === undefined ? 0 : this.items.findIndex(get.filter);
        if (index < 0) {
          g++;
          continue;
        }
        const [item] = this.items.splice(index, 1);
        this.getQueue.splice(g, 1);
        get.succeed(item);
        progress = true;
      }
    }
  }
}
