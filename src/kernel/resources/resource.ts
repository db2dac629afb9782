import { SimEvent } from '../events.js';
import type { EventOptions } from '../events.js';
import type { Simulation } from '../simulation.js';
import { BaseResource } from './base.js';

/** A claim on one unit of a Resource; succeeds (with itself) when granted. */
export class Request extends SimEvent<Request> {
  override get kind(): string {
    return 'request';
  }
  /** When the request was granted, or undefined while it waits. */
  grantedAt: number | undefined = undefined;

  /**
   * Releases the unit, or withdraws the request while it waits, as leaving SimPy's `with
   * res.request()` does: `using req = resource.request()` (TypeScript 5.2+), or call it in a
   * `finally`. Without it, an interrupted process's request is granted later to no one.
   */
  [Symbol.dispose](): void {
    this.resource.release(this);
  }

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

/**
 * `capacity` identical servers; requests wait in priority, then FIFO, order. A request is a put
 * that proceeds while a unit is free; a release gives the unit back at once, so no get ever waits.
 */
export class Resource extends BaseResource<Request, never> {
  /** The granted requests. */
  readonly users: Request[] = [];
  private requests = 0;

  constructor(
    sim: Simulation,
    readonly capacity = 1,
  ) {
    super(sim);
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
  }

  /** The waiting requests, in service order. */
  get queue(): Request[] {
    return this.putQueue;
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
    return this.addPut(request, insertionIndex(this.putQueue, request));
  }

  /** Gives a granted unit back, or withdraws a request still waiting (after an interrupt, say). */
  release(request: Request): void {
    const held = this.users.indexOf(request);
    if (held < 0) {
      this.cancel(request);
      return;
    }
    this.users.splice(held, 1);
    this.settle();
  }

  protected doPut(request: Request): boolean {
    if (this.users.length >= this.capacity) return false;
    request.grantedAt = this.sim.now;
    this.users.push(request);
    request.succeed(request);
    return true;
  }

  protected doGet(): boolean {
    return false;
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
