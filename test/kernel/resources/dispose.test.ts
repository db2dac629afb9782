import { describe, expect, it } from 'vitest';
import { Interrupt } from '../../../src/kernel/events.js';
import { Container, Resource, Store } from '../../../src/kernel/resources.js';
import { Simulation } from '../../../src/kernel/simulation.js';

/**
 * What SimPy's `with resource.request() as req:` does on the way out, here `using` (or a call in a
 * `finally`): an interrupted process withdraws what it still waits for, so nothing is granted, taken
 * or filled later for no one; a granted unit goes back. And the edges that used to fail silently or far away.
 */

describe('an interrupted process that disposes of what it waited for', () => {
  it('leaves a Resource serving the next process, where an orphan request held the unit forever', () => {
    for (const dispose of [false, true]) {
      const sim = new Simulation();
      const machine = new Resource(sim, 1);
      const order: string[] = [];
      sim.process(function* holder() {
        const request = machine.request();
        yield request;
        yield 10;
        machine.release(request);
      });
      const waiting = sim.process(function* impatient() {
        const request = machine.request();
        try {
          yield request;
        } catch (error) {
          expect(error).toBeInstanceOf(Interrupt);
          if (dispose) request[Symbol.dispose]();
        }
      });
      sim.process(function* third() {
        yield 1;
        const request = machine.request();
        yield request;
        order.push(`third at ${sim.now}`);
        request[Symbol.dispose]();
      });
      sim.schedule(2, () => waiting.interrupt('gave up'));
      sim.run();
      // Disposed, the third process is served when the holder releases at 10; orphaned, never.
      expect(order).toEqual(dispose ? ['third at 10'] : []);
      expect(machine.count).toBe(dispose ? 0 : 1);
    }
  });

  it('leaves a Store\'s next item and a Container\'s stock to those who still wait', () => {
    const sim = new Simulation();
    const store = new Store<string>(sim);
    const tank = new Container(sim);
    const got: string[] = [];
    const impatient = sim.process(function* () {
      const item = store.get();
      const fuel = tank.get(5);
      try {
        yield item;
      } catch {
        item[Symbol.dispose]();
        fuel[Symbol.dispose]();
      }
    });
    sim.schedule(1, () => impatient.interrupt());
    sim.schedule(2, () => {
      store.put('order');
      tank.put(5);
    });
    sim.process(function* patient() {
      yield 3;
      got.push((yield store.get()) as string, String((yield tank.get(5)) as number));
    });
    sim.run();
    expect(got).toEqual(['order', '5']);
    expect([store.items.length, tank.level, store.getQueue.length, tank.getQueue.length]).toEqual([0, 0, 0, 0]);
  });
});

describe('kernel inputs that used to fail silently or far from their cause', () => {
  it('refuses a time or an amount given as text, which would be added as text (5 + \'3\' = \'53\')', () => {
    const sim = new Simulation({ start: 5 });
    expect(() => sim.schedule('3' as unknown as number, () => {})).toThrow("delay must be a finite number >= 0, got '3' (a string)");
    expect(() => sim.timeout('3' as unknown as number)).toThrow("timeout delay must be a finite number >= 0, got '3' (a string)");
    expect(() => sim.at('9' as unknown as number, () => {})).toThrow(/got '9' \(a string\)/);
    expect(() => new Container(sim, { init: 10 }).put('5' as unknown as number)).toThrow(/put amount must be a finite number .*got '5' \(a string\)/);
    expect(() => new Container(sim).put(Infinity)).toThrow(/finite number/);
    expect(() => sim.run({ until: '30' as unknown as number })).toThrow("until must be a time or an event of this simulation, got '30' (a string)");
    expect(() => new Simulation({ start: '5' as unknown as number })).toThrow("start must be a finite number, got '5' (a string)");
  });

  it('refuses a process body that is no generator where it is made, and a yield of another simulation\'s event where it is yielded', () => {
    const sim = new Simulation();
    expect(() => sim.process((async () => {}) as never)).toThrow(/needs a generator \(the result of a function\*\), got \[object Promise\] \(object\)/);
    const other = new Simulation();
    let caught: unknown;
    sim.process(function* () {
      try {
        yield other.timeout(1);
      } catch (error) {
        caught = error;
      }
    });
    sim.run();
    expect(String(caught)).toMatch(/TypeError: this process yielded this timeout of another simulation/);
  });

  it('fails a Store get whose filter throws, in its own process, and goes on serving the others', () => {
    const sim = new Simulation();
    const store = new Store<{ n: number } | null>(sim);
    let failure: unknown;
    let served: unknown;
    sim.process(function* () {
      try {
        yield store.get((item) => item!.n === 2);
      } catch (error) {
        failure = error;
      }
    });
    sim.process(function* () {
      served = yield store.get();
    });
    sim.schedule(1, () => store.put(null));
    sim.run();
    expect(failure).toBeInstanceOf(TypeError);
    expect(served).toBeNull();
    expect(store.getQueue).toEqual([]);
  });

  it('takes a Store capacity in whole items', () => {
    expect(() => new Store(new Simulation(), 1.5)).toThrow('capacity must be a whole number of items >= 1 (or Infinity), got 1.5');
  });

  it('leaves the agenda whole when a trace hook throws: the run can go on', () => {
    let calls = 0;
    const sim = new Simulation({ trace: () => { if (calls++ === 0) throw new Error('tracer broke'); } });
    const fired: number[] = [];
    sim.schedule(1, () => fired.push(1));
    sim.schedule(2, () => fired.push(2));
    expect(() => sim.run()).toThrow('tracer broke');
    sim.run();
    expect(fired).toEqual([2]);
    expect(sim.pending).toBe(0);
  });
});
