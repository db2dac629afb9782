import type { SimEvent } from '../events.js';
import type { Simulation } from '../simulation.js';

/**
 * The put/get protocol shared by Resource, Container and Store, as SimPy's `BaseResource`: puts and
 * gets wait in their own queues, and after every change (a new put or get, a cancel, a release)
 * the waiting ones are offered to the subclass's hooks, puts then gets, until neither side moves.
 * A put can thus make room for a waiting get, and a get for a waiting put, in the same instant.
 */
export abstract class BaseResource<Put extends SimEvent<any>, Get extends SimEvent<any>> {
  /** Puts waiting to proceed, in the order they are served. */
  readonly putQueue: Put[] = [];
  /** Gets waiting to proceed, in the order they are served. */
  readonly getQueue: Get[] = [];

  constructor(readonly sim: Simulation) {}

  /**
   * Carries out `put` if it can proceed now (triggering it), or leaves it waiting; returns whether
   * the puts queued behind it may still proceed in this round.
   */
  protected abstract doPut(put: Put): boolean;

  /** As `doPut`, for a waiting get. */
  protected abstract doGet(get: Get): boolean;

  /** Withdraws a put or get that is still waiting; returns whether it was. */
  cancel(event: Put | Get): boolean {
    if (!(withdraw(this.putQueue, event as Put) || withdraw(this.getQueue, event as Get))) return false;
    this.settle();
    return true;
  }

  /** Queues a put at `index` (default: last), serves what can proceed, and returns the put. */
  protected addPut<E extends Put>(put: E, index = this.putQueue.length): E {
    this.putQueue.splice(index, 0, put);
    this.settle();
    return put;
  }

  /** Queues a get last, serves what can proceed, and returns the get. */
  protected addGet<E extends Get>(get: E): E {
    this.getQueue.push(get);
    this.settle();
    return get;
  }

  /** Serves puts and gets until neither side can proceed: each side's progress may unblock the other. */
  protected settle(): void {
    for (let progress = true; progress; ) {
      progress = this.putQueue.length > 0 && this.serve('put');
      if (this.getQueue.length > 0 && this.serve('get')) progress = true;
    }
  }

  // SimPy's `_trigger_put` and `_trigger_get`: offers the waiting events of one side to its hook, in
  // queue order, until the hook says the rest must wait; returns whether any was served.
  private serve(side: 'put' | 'get'): boolean {
    const queue: SimEvent<any>[] = side === 'put' ? this.putQueue : this.getQueue;
    let served = false;
    for (let i = 0; i < queue.length; ) {
      const event = queue[i]!;
      const proceed = side === 'put' ? this.doPut(event as Put) : this.doGet(event as Get);
      if (event.triggered) {
        // shift, not splice, at the head (the usual case): splice allocates the array it returns.
        if (i === 0) queue.shift();
        else queue.splice(i, 1);
        served = true;
      } else {
        i++;
      }
      if (!proceed) break;
    }
    return served;
  }
}

function withdraw<E>(queue: E[], event: E): boolean {
  const index = queue.indexOf(event);
  if (index < 0) return false;
  queue.splice(index, 1);
  return true;
}
