import { shown, SimEvent } from '../events.js';
import type { EventOptions } from '../events.js';
import type { Simulation } from '../simulation.js';
import { BaseResource } from './base.js';

/** A put into or get from a Container. */
export class ContainerEvent extends SimEvent<number> {
  /** The container it was made by (and waits on until served). */
  container: Container | undefined = undefined;

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

  /** Withdraws it while it still waits, as leaving SimPy's `with` does: `using get = tank.get(5)`, or call it in a `finally`. */
  [Symbol.dispose](): void {
    if (!this.triggered) this.container?.cancel(this);
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
export class Container extends BaseResource<ContainerEvent, ContainerEvent> {
  /** The current level. */
  level: number;
  /** The most the container holds. */
  readonly capacity: number;

  constructor(sim: Simulation, options: ContainerOptions = {}) {
    super(sim);
    this.capacity = options.capacity ?? Infinity;
    this.level = options.init ?? 0;
    if (!(this.capacity > 0)) throw new RangeError(`capacity must be > 0, got ${this.capacity}`);
    if (!(this.level >= 0 && this.level <= this.capacity)) {
      throw new RangeError(`init must be in [0, capacity ${this.capacity}], got ${this.level}`);
    }
  }

  /** Adds `amount`, waiting until there is room for all of it. */
  put(amount: number, options?: EventOptions): ContainerEvent {
    return this.addPut(this.event('put', amount, options));
  }

  /** Takes `amount`, waiting until the level allows it. */
  get(amount: number, options?: EventOptions): ContainerEvent {
    return this.addGet(this.event('get', amount, options));
  }

  private event(direction: 'put' | 'get', amount: number, options: EventOptions | undefined): ContainerEvent {
    const event = new ContainerEvent(this.sim, direction, this.checked(direction, amount), options);
    event.container = this;
    return event;
  }

  // Each hook serves at most one event and then yields to the other side, so a put and the get it
  // unblocks (or a get and the put it makes room for) are triggered in that order. A head that
  // cannot proceed blocks the events behind it: strict FIFO on each side.
  protected doPut(put: ContainerEvent): boolean {
    if (this.level + put.amount <= this.capacity) {
      this.level += put.amount;
      put.succeed(put.amount);
    }
    return false;
  }

  protected doGet(get: ContainerEvent): boolean {
    if (get.amount <= this.level) {
      this.level -= get.amount;
      get.succeed(get.amount);
    }
    return false;
  }

  // A finite number: a string would be added as text ('10' + '5'), and an infinite amount leaves the level NaN.
  private checked(direction: 'put' | 'get', amount: number): number {
    if (typeof amount !== 'number' || !(amount > 0 && amount <= this.capacity && amount < Infinity)) {
      throw new RangeError(`${direction} amount must be a finite number in (0, capacity ${this.capacity}], got ${shown(amount)}`);
    }
    return amount;
  }
}
