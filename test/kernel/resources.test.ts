import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Container, Resource, Store } from '../../src/kernel/resources.js';
import { Simulation } from '../../src/kernel/simulation.js';

/** Resource (servers), Container (a level) and Store (items), in SimPy's semantics. */

describe('Resource', () => {
  it('grants a free unit at once (processed at the current time) and succeeds with the request itself', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const req = resource.request();
    expect(req.triggered).toBe(true);
    expect(req.grantedAt).toBe(0);
    expect(resource.count).toBe(1);
    expect(resource.users).toEqual([req]);
    expect(sim.run({ until: req })).toBe(req);
  });

  it('serves waiting requests by priority (lower first), then first come first served', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const order: string[] = [];
    const user = (name: string, arrival: number, priority: number): void => {
      sim.process(function* () {
        yield arrival;
        const req = resource.request({ priority });
        yield req;
        order.push(name);
        yield 10;
        resource.release(req);
      });
    };
    user('first-holder', 0, 5);
    user('low-a', 1, 3);
    user('high-a', 2, -1);
    user('low-b', 3, 3);
    user('mid', 4, 0);
    user('high-b', 5, -1);
    sim.run();
    expect(order).toEqual(['first-holder', 'high-a', 'high-b', 'mid', 'low-a', 'low-b']);
    expect(sim.now).toBe(60);
  });

  it('equal priorities requested at the same time are served in request order', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const holder = resource.request();
    const waiting = Array.from({ length: 6 }, () => resource.request({ priority: 2 }));
    expect(resource.queue).toEqual(waiting);
    const order: number[] = [];
    waiting.forEach((req, i) =>
      req.addCallback(() => {
        order.push(i);
        sim.schedule(1, () => resource.release(req));
      }),
    );
    sim.schedule(1, () => resource.release(holder));
    sim.run();
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('capacity > 1 serves that many at once', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 3);
    const starts: number[] = [];
    for (let i = 0; i < 7; i++) {
      sim.process(function* () {
        const req = resource.request();
        yield req;
        starts.push(sim.now);
        expect(resource.count).toBeLessThanOrEqual(3);
        yield 4;
        resource.release(req);
      });
    }
    sim.run();
    expect(starts).toEqual([0, 0, 0, 4, 4, 4, 8]);
    expect(sim.now).toBe(12);
  });

  it('release grants the next waiting request at the release time', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const a = resource.request();
    const b = resource.request();
    expect(b.triggered).toBe(false);
    expect(resource.queue).toEqual([b]);
    sim.schedule(7, () => resource.release(a));
    sim.run();
    expect(b.processed).toBe(true);
    expect(b.grantedAt).toBe(7);
    expect(resource.users).toEqual([b]);
    expect(resource.queue).toEqual([]);
  });

  it('release withdraws a request that is still waiting', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const a = resource.request();
    const b = resource.request();
    const c = resource.request();
    resource.release(b);
    expect(resource.queue).toEqual([c]);
    resource.release(a);
    expect(resource.users).toEqual([c]);
    sim.run();
    expect(b.triggered).toBe(false);
  });

  it('releasing twice, or a foreign request, is harmless', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const other = new Resource(sim, 1);
    const a = resource.request();
    const b = resource.request();
    resource.release(a);
    resource.release(a);
    resource.release(other.request());
    expect(resource.users).toEqual([b]);
    expect(resource.count).toBe(1);
  });

  it('rejects a bad capacity or priority', () => {
    const sim = new Simulation();
    for (const capacity of [0, -1, 1.5, NaN, Infinity]) expect(() => new Resource(sim, capacity)).toThrow(RangeError);
    const resource = new Resource(sim, 1);
    for (const priority of [NaN, Infinity]) expect(() => resource.request({ priority })).toThrow(RangeError);
  });
});

describe('Container', () => {
  it('starts at init, gets and puts change the level', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 100, init: 40 });
    expect(tank.level).toBe(40);
    const g = tank.get(15);
    expect(g.triggered).toBe(true);
    expect(tank.level).toBe(25);
    const p = tank.put(50);
    expect(p.triggered).toBe(true);
    expect(tank.level).toBe(75);
    sim.run();
    expect(g.value).toBe(15);
    expect(p.value).toBe(50);
  });

  it('a get blocks until enough has been put', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 10 });
    let gotAt = -1;
    sim.process(function* () {
      yield tank.get(6);
      gotAt = sim.now;
    });
    sim.schedule(1, () => tank.put(4));
    sim.schedule(3, () => tank.put(4));
    sim.run();
    expect(gotAt).toBe(3);
    expect(tank.level).toBe(2);
  });

  it('a put blocks until there is room for all of it', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 10, init: 8 });
    let putAt = -1;
    sim.process(function* () {
      yield tank.put(5);
      putAt = sim.now;
    });
    sim.schedule(2, () => tank.get(2));
    sim.schedule(4, () => tank.get(1));
    sim.run();
    expect(putAt).toBe(4);
    expect(tank.level).toBe(10);
  });

  it('strict FIFO: a big waiting get blocks later small gets', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { init: 3 });
    const order: string[] = [];
    const big = tank.get(10);
    const small = tank.get(1);
    big.addCallback(() => order.push(`big at ${sim.now}`));
    small.addCallback(() => order.push(`small at ${sim.now}`));
    expect(small.triggered).toBe(false); // 3 are there, but the big get is ahead
    sim.schedule(5, () => tank.put(7));
    sim.schedule(6, () => tank.put(1));
    sim.run();
    expect(order).toEqual(['big at 5', 'small at 6']);
    expect(tank.level).toBe(0);
  });

  it('strict FIFO: a big waiting put blocks later small puts', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 10, init: 5 });
    const big = tank.put(8);
    const small = tank.put(1);
    expect(big.triggered).toBe(false);
    expect(small.triggered).toBe(false);
    tank.get(3);
    expect(big.triggered).toBe(true);
    expect(tank.level).toBe(10);
    expect(small.triggered).toBe(false);
    tank.get(1);
    expect(small.triggered).toBe(true);
  });

  it('a get can make room for a waiting put, which can satisfy a waiting get, in one go', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 5, init: 5 });
    const put = tank.put(4); // waits for room
    const getBig = tank.get(5); // takes everything, lets the put in
    expect(getBig.triggered).toBe(true);
    expect(put.triggered).toBe(true);
    expect(tank.level).toBe(4);
  });

  it('cancelling a waiting get unblocks the gets behind it', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { init: 3 });
    const big = tank.get(10);
    const small = tank.get(2);
    expect(small.triggered).toBe(false);
    expect(tank.cancel(big)).toBe(true);
    expect(small.triggered).toBe(true);
    expect(tank.level).toBe(1);
    expect(tank.cancel(big)).toBe(false);
    expect(tank.cancel(small)).toBe(false); // already served
    tank.put(20);
    sim.run();
    expect(big.triggered).toBe(false);
    expect(tank.level).toBe(21);
  });

  it('cancelling a waiting put withdraws it', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 2, init: 2 });
    const put = tank.put(2);
    expect(tank.cancel(put)).toBe(true);
    tank.get(2);
    expect(tank.level).toBe(0);
    expect(put.triggered).toBe(false);
  });

  it('the level never goes below 0 nor above capacity under random traffic', () => {
    const rng = seedrandom.alea('container');
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 20, init: 10 });
    let puts = 0;
    let gets = 0;
    for (let k = 0; k < 3; k++) {
      sim.process(function* producer() {
        for (let i = 0; i < 100; i++) {
          yield rng() * 2;
          yield tank.put(1 + Math.floor(rng() * 8));
          puts++;
        }
      });
      sim.process(function* consumer() {
        for (let i = 0; i < 100; i++) {
          yield rng() * 2;
          yield tank.get(1 + Math.floor(rng() * 8));
          gets++;
        }
      });
    }
    let steps = 0;
    while (sim.step()) {
      steps++;
      expect(tank.level).toBeGreaterThanOrEqual(0);
      expect(tank.level).toBeLessThanOrEqual(20);
    }
    expect(steps).toBeGreaterThan(1000);
    expect(puts).toBeGreaterThan(200);
    expect(gets).toBeGreaterThan(200);
  });

  it('rejects invalid amounts and options', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 10, init: 5 });
    for (const amount of [0, -1, NaN, 11, Infinity]) {
      expect(() => tank.put(amount)).toThrow(RangeError);
      expect(() => tank.get(amount)).toThrow(RangeError);
    }
    expect(tank.level).toBe(5);
    expect(tank.putQueue).toEqual([]);
    expect(tank.getQueue).toEqual([]);
    expect(() => new Container(sim, { capacity: 0 })).toThrow(RangeError);
    expect(() => new Container(sim, { capacity: NaN })).toThrow(RangeError);
    expect(() => new Container(sim, { capacity: 5, init: 6 })).toThrow(RangeError);
    expect(() => new Container(sim, { init: -1 })).toThrow(RangeError);
    expect(() => new Container(sim, { init: NaN })).toThrow(RangeError);
  });

  it('accepts fractional amounts', () => {
    const sim = new Simulation();
    const tank = new Container(sim, { capacity: 1 });
    tank.put(0.25);
    tank.put(0.5);
    expect(tank.level).toBe(0.75);
    tank.get(0.75);
    expect(tank.level).toBe(0);
  });
});

describe('Store', () => {
  it('get blocks until an item is put, and yields the item', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim);
    let got: string | undefined;
    let at = -1;
    sim.process(function* () {
      got = yield store.get();
      at = sim.now;
    });
    sim.schedule(3, () => store.put('widget'));
    sim.run();
    expect(got).toBe('widget');
    expect(at).toBe(3);
    expect(store.items).toEqual([]);
  });

  it('gives items first in, first out to gets in request order', () => {
    const sim = new Simulation();
    const store = new Store<number>(sim);
    const gets = [store.get(), store.get(), store.get()];
    store.put(1);
    store.put(2);
    store.put(3);
    store.put(4);
    sim.run();
    expect(gets.map((g) => g.value)).toEqual([1, 2, 3]);
    expect(store.items).toEqual([4]);
  });

  it('put blocks while the store is full', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim, 2);
    const log: string[] = [];
    sim.process(function* () {
      for (const item of ['a', 'b', 'c', 'd']) {
        yield store.put(item);
        log.push(`put ${item} at ${sim.now}`);
      }
    });
    sim.process(function* () {
      yield 5;
      log.push(`got ${yield store.get()} at ${sim.now}`);
      yield 5;
      log.push(`got ${yield store.get()} at ${sim.now}`);
    });
    sim.run();
    expect(log).toEqual(['put a at 0', 'put b at 0', 'got a at 5', 'put c at 5', 'got b at 10', 'put d at 10']);
    expect(store.items).toEqual(['c', 'd']);
  });

  it('a filtered get takes the first matching item', () => {
    const sim = new Simulation();
    const store = new Store<{ kind: string; id: number }>(sim);
    store.put({ kind: 'cpu', id: 1 });
    store.put({ kind: 'gpu', id: 2 });
    store.put({ kind: 'gpu', id: 3 });
    const g = store.get((item) => item.kind === 'gpu');
    expect(g.triggered).toBe(true);
    expect(g.value).toEqual({ kind: 'gpu', id: 2 });
    expect(store.items.map((i) => i.id)).toEqual([1, 3]);
  });

  it('a filtered get that matches nothing does not block later gets', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim);
    const picky = store.get((item) => item === 'rare');
    const any = store.get();
    const gpu = store.get((item) => item.startsWith('gpu'));
    store.put('common');
    store.put('gpu-1');
    expect(picky.triggered).toBe(false);
    expect(any.value).toBe('common');
    expect(gpu.value).toBe('gpu-1');
    store.put('rare');
    expect(picky.value).toBe('rare');
    sim.run();
  });

  it('an item matching an earlier filtered get goes to it, not to a later unfiltered get', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim);
    const picky = store.get((item) => item === 'x');
    const any = store.get();
    store.put('x');
    expect(picky.value).toBe('x');
    expect(any.triggered).toBe(false);
  });

  it('a get frees room for a waiting put', () => {
    const sim = new Simulation();
    const store = new Store<number>(sim, 1);
    store.put(1);
    const waiting = store.put(2);
    expect(waiting.triggered).toBe(false);
    const g = store.get();
    expect(g.value).toBe(1);
    expect(waiting.triggered).toBe(true);
    expect(store.items).toEqual([2]);
  });

  it('cancel withdraws a waiting get or put', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim, 1);
    const g = store.get();
    expect(store.cancel(g)).toBe(true);
    expect(store.cancel(g)).toBe(false);
    store.put('a');
    expect(g.triggered).toBe(false);
    expect(store.items).toEqual(['a']);
    const p = store.put('b');
    expect(store.cancel(p)).toBe(true);
    expect(store.get().value).toBe('a');
    expect(store.items).toEqual([]);
    expect(p.triggered).toBe(false);
    sim.run();
  });

  it('cancelling a waiting put that blocks nothing else keeps the order of the others', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim, 1);
    store.put('a');
    const b = store.put('b');
    const c = store.put('c');
    store.cancel(b);
    store.get();
    expect(c.triggered).toBe(true);
    expect(store.items).toEqual(['c']);
  });

  it('rejects a capacity below 1', () => {
    const sim = new Simulation();
    for (const capacity of [0, -1, NaN]) expect(() => new Store(sim, capacity)).toThrow(RangeError);
  });
});
