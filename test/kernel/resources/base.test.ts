import { describe, expect, it } from 'vitest';
import { SimEvent } from '../../../src/kernel/events.js';
import { BaseResource, Container, Resource, Store } from '../../../src/kernel/resources.js';
import { Simulation } from '../../../src/kernel/simulation.js';

/** The put/get protocol every resource shares: queues, per-type hooks, settling, cancel. */

/** A put or get naming one token. */
class Token extends SimEvent<string> {
  constructor(
    sim: Simulation,
    readonly name: string,
  ) {
    super(sim);
  }
}

/**
 * A resource written only with the protocol's hooks: puts deposit named tokens while there is room
 * (a put that does not fit blocks the puts behind it); a get takes the token of its name and, when
 * that token is absent, waits without blocking the gets behind it. Every hook call is logged.
 */
class Depot extends BaseResource<Token, Token> {
  readonly tokens: string[] = [];
  readonly calls: string[] = [];

  constructor(
    sim: Simulation,
    readonly room: number,
  ) {
    super(sim);
  }

  put(name: string): Token {
    return this.addPut(new Token(this.sim, name));
  }

  get(name: string): Token {
    return this.addGet(new Token(this.sim, name));
  }

  protected doPut(put: Token): boolean {
    this.calls.push(`put ${put.name}`);
    if (this.tokens.length >= this.room) return false;
    this.tokens.push(put.name);
    put.succeed(put.name);
    return true;
  }

  protected doGet(get: Token): boolean {
    this.calls.push(`get ${get.name}`);
    const index = this.tokens.indexOf(get.name);
    if (index >= 0) {
      this.tokens.splice(index, 1);
      get.succeed(get.name);
    }
    return true;
  }
}

describe('a resource built on the protocol', () => {
  it('triggers a put or get its hook lets proceed at once, and keeps the others waiting in their queues', () => {
    const sim = new Simulation();
    const depot = new Depot(sim, 1);
    const a = depot.put('a');
    const b = depot.put('b');
    expect(a.triggered).toBe(true);
    expect(b.triggered).toBe(false);
    expect(depot.putQueue).toEqual([b]);
    const x = depot.get('x');
    expect(x.triggered).toBe(false);
    expect(depot.getQueue).toEqual([x]);
    sim.run();
    expect(a.processed && a.value).toBe('a');
  });

  it('offers waiting events in queue order and stops a side where its hook says the rest must wait', () => {
    const sim = new Simulation();
    const depot = new Depot(sim, 1);
    depot.put('a');
    depot.put('b'); // waits: no room
    depot.put('c'); // waits behind b
    depot.calls.length = 0;
    depot.get('x'); // absent: skipped, and the put side is still full
    // The puts are offered first and b's refusal stops c from being asked; then the gets.
    expect(depot.calls).toEqual(['put b', 'get x']);
  });

  it('a hook that lets a waiting event pass without serving it lets the events behind it proceed', () => {
    const sim = new Simulation();
    const depot = new Depot(sim, 3);
    const x = depot.get('x');
    const y = depot.get('y');
    depot.put('y');
    expect(x.triggered).toBe(false);
    expect(y.value).toBe('y');
    expect(depot.getQueue).toEqual([x]);
  });

  it('a get that makes room for a waiting put lets it in within the same instant, and that put can serve a waiting get', () => {
    const sim = new Simulation();
    const depot = new Depot(sim, 1);
    depot.put('a');
    const b = depot.put('b'); // waits for room
    const wantsB = depot.get('b'); // waits for b
    expect(b.triggered || wantsB.triggered).toBe(false);
    const takesA = depot.get('a');
    expect([takesA.triggered, b.triggered, wantsB.triggered]).toEqual([true, true, true]);
    expect(depot.tokens).toEqual([]);
    const processedAt: number[] = [];
    for (const event of [takesA, b, wantsB]) event.addCallback(() => processedAt.push(sim.now));
    sim.schedule(5, () => undefined);
    sim.run();
    expect(processedAt).toEqual([0, 0, 0]);
  });

  it('cancel withdraws a waiting put or get, then serves what the withdrawal unblocked', () => {
    const sim = new Simulation();
    const depot = new Depot(sim, 1);
    depot.put('a');
    const b = depot.put('b');
    const c = depot.put('c');
    expect(depot.cancel(b)).toBe(true);
    expect(depot.putQueue).toEqual([c]);
    depot.get('a');
    expect(c.triggered).toBe(true);
    expect(b.triggered).toBe(false);
    expect(depot.tokens).toEqual(['c']);
  });
});

/** A resource of one kind, with a way to make a put or get that waits and one that is served at once. */
interface Case {
  owner: BaseResource<SimEvent<any>, SimEvent<any>>;
  served(): SimEvent<any>;
  waiting(): SimEvent<any>;
}

const kinds: { kind: string; setup: (sim: Simulation) => Case }[] = [
  {
    kind: 'Resource',
    setup(sim) {
      const resource = new Resource(sim, 1);
      const waiting = (): SimEvent<any> => {
        resource.request();
        return resource.request();
      };
      return { owner: resource, served: () => resource.request(), waiting };
    },
  },
  {
    kind: 'Container',
    setup(sim) {
      const tank = new Container(sim, { capacity: 10, init: 5 });
      return { owner: tank, served: () => tank.get(1), waiting: () => tank.get(10) };
    },
  },
  {
    kind: 'Store',
    setup(sim) {
      const store = new Store<string>(sim, 1);
      return { owner: store, served: () => store.put('a'), waiting: () => store.get((item) => item === 'b') };
    },
  },
];

describe.each(kinds)('cancel on a $kind', ({ setup }) => {
  it('returns true once for a waiting event, which then never triggers', () => {
    const sim = new Simulation();
    const { waiting, owner } = setup(sim);
    const event = waiting();
    expect(event.triggered).toBe(false);
    expect(owner.cancel(event)).toBe(true);
    expect(owner.cancel(event)).toBe(false);
    expect([...owner.putQueue, ...owner.getQueue]).not.toContain(event);
    sim.run();
    expect(event.triggered).toBe(false);
  });

  it('returns false for an event already served, or one of another resource', () => {
    const sim = new Simulation();
    const { served, owner } = setup(sim);
    const event = served();
    expect(event.triggered).toBe(true);
    expect(owner.cancel(event)).toBe(false);
    const other = setup(sim);
    expect(owner.cancel(other.waiting())).toBe(false);
    expect(owner.cancel(sim.event())).toBe(false);
  });
});
