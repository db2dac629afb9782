import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/kernel/events.js';
import { Simulation } from '../../src/kernel/simulation.js';

/** allOf / anyOf: events that wait for several others, in SimPy's semantics. */

describe('allOf', () => {
  it('waits for every member and succeeds with their values in list order, not completion order', () => {
    const sim = new Simulation();
    let result: unknown;
    let at = -1;
    sim.process(function* () {
      result = yield sim.allOf([sim.timeout(3, 'slow'), sim.timeout(1, 'fast'), sim.timeout(2, 'middle')]);
      at = sim.now;
    });
    sim.run();
    expect(result).toEqual(['slow', 'fast', 'middle']);
    expect(at).toBe(3);
  });

  it('is not triggered until the last member is processed', () => {
    const sim = new Simulation();
    const a = sim.event<number>();
    const b = sim.event<number>();
    const all = sim.allOf([a, b]);
    sim.schedule(1, () => a.succeed(1));
    sim.run();
    expect(all.triggered).toBe(false);
    b.succeed(2);
    sim.run();
    expect(all.processed).toBe(true);
    expect(all.value).toEqual([1, 2]);
  });

  it('an empty allOf succeeds immediately with an empty array', () => {
    const sim = new Simulation({ start: 7 });
    const all = sim.allOf([]);
    expect(all.triggered).toBe(true);
    expect(sim.run({ until: all })).toEqual([]);
    expect(sim.now).toBe(7);
  });

  it('members already processed count at once', () => {
    const sim = new Simulation();
    const a = sim.timeout(1, 'a');
    const b = sim.timeout(2, 'b');
    sim.run();
    const all = sim.allOf([a, b]);
    expect(all.triggered).toBe(true);
    expect(sim.run({ until: all })).toEqual(['a', 'b']);
    expect(sim.now).toBe(2);
  });

  it('mixes processed and pending members', () => {
    const sim = new Simulation();
    const a = sim.timeout(1, 'a');
    sim.run();
    const all = sim.allOf([a, sim.timeout(4, 'b')]);
    expect(sim.run({ until: all })).toEqual(['a', 'b']);
    expect(sim.now).toBe(5);
  });

  it('a failing member fails the condition at once; the waiting process catches the error', () => {
    const sim = new Simulation();
    const boom = new Error('member failed');
    const failing = sim.event();
    let caught: unknown;
    let at = -1;
    sim.process(function* () {
      try {
        yield sim.allOf([sim.timeout(10), failing]);
      } catch (error) {
        caught = error;
        at = sim.now;
      }
    });
    sim.schedule(2, () => failing.fail(boom));
    sim.run(); // neither the member nor the condition is unhandled
    expect(caught).toBe(boom);
    expect(at).toBe(2);
    expect(sim.now).toBe(10);
  });

  it('a member already failed and processed fails the condition immediately', () => {
    const sim = new Simulation();
    const boom = new Error('early');
    const failed = sim.event();
    failed.fail(boom);
    failed.defused = true;
    sim.run();
    const all = sim.allOf([sim.timeout(1), failed]);
    expect(all.triggered).toBe(true);
    expect(all.ok).toBe(false);
    expect(() => sim.run({ until: all })).toThrow(boom);
  });

  it('an unhandled failed condition makes run throw the member error', () => {
    const sim = new Simulation();
    const boom = new Error('nobody listens');
    const e = sim.event();
    sim.allOf([e, sim.timeout(5)]);
    sim.schedule(1, () => e.fail(boom));
    expect(() => sim.run()).toThrow(boom);
    expect(sim.now).toBe(1);
  });

  it('a second member failing after the condition already failed is unhandled and makes run throw', () => {
    const sim = new Simulation();
    const first = new Error('first');
    const second = new Error('second');
    const a = sim.event();
    const b = sim.event();
    let caught: unknown;
    sim.process(function* () {
      try {
        yield sim.allOf([a, b]);
      } catch (error) {
        caught = error;
      }
    });
    sim.schedule(1, () => a.fail(first));
    sim.schedule(2, () => b.fail(second));
    expect(() => sim.run()).toThrow(second);
    expect(caught).toBe(first);
    expect(sim.now).toBe(2);
  });

  it('rejects events from another simulation', () => {
    const sim = new Simulation();
    const other = new Simulation();
    expect(() => sim.allOf([sim.timeout(1), other.timeout(1)])).toThrow();
    expect(() => sim.anyOf([other.event()])).toThrow();
  });

  it('waits on processes too, collecting their return values', () => {
    const sim = new Simulation();
    const worker = (d: number): SimEvent<number> =>
      sim.process(function* () {
        yield d;
        return d * 10;
      });
    const all = sim.allOf([worker(3), worker(1), worker(2)]);
    expect(sim.run({ until: all })).toEqual([30, 10, 20]);
    expect(sim.now).toBe(3);
  });

  it('counts an event listed twice twice', () => {
    const sim = new Simulation();
    const t = sim.timeout(1, 'x');
    const all = sim.allOf([t, t]);
    expect(sim.run({ until: all })).toEqual(['x', 'x']);
  });
});

describe('anyOf', () => {
  it('succeeds when the first member succeeds, with a map of processed members to values', () => {
    const sim = new Simulation();
    const slow = sim.timeout(5, 'slow');
    const fast = sim.timeout(2, 'fast');
    let result: Map<SimEvent<unknown>, unknown> | undefined;
    let at = -1;
    sim.process(function* () {
      result = yield sim.anyOf([slow, fast]);
      at = sim.now;
    });
    sim.run();
    expect(at).toBe(2);
    expect(result).toBeInstanceOf(Map);
    expect([...result!.entries()]).toEqual([[fast, 'fast']]);
    expect(sim.now).toBe(5); // the slow member still runs to completion
  });

  it('an empty anyOf succeeds immediately with an empty map', () => {
    const sim = new Simulation();
    const any = sim.anyOf([]);
    expect(any.triggered).toBe(true);
    const value = sim.run({ until: any }) as Map<unknown, unknown>;
    expect(value).toBeInstanceOf(Map);
    expect(value.size).toBe(0);
    expect(sim.now).toBe(0);
  });

  it('an already processed member satisfies it immediately', () => {
    const sim = new Simulation();
    const done = sim.timeout(1, 'done');
    sim.run();
    const pending = sim.timeout(10, 'pending');
    const any = sim.anyOf([pending, done]);
    expect(any.triggered).toBe(true);
    const value = sim.run({ until: any }) as Map<unknown, unknown>;
    expect([...value.entries()]).toEqual([[done, 'done']]);
    expect(sim.now).toBe(1);
  });

  // As in SimPy, the value is built when the condition is processed, not when it is triggered:
  // a member processed at the same time in between is already processed when the waiter resumes.
  it('includes every member processed by the time the condition is processed (SimPy semantics)', () => {
    const sim = new Simulation();
    const a = sim.timeout(1, 'a');
    const b = sim.timeout(1, 'b');
    let result: Map<SimEvent<unknown>, unknown> | undefined;
    sim.process(function* () {
      result = yield sim.anyOf([a, b]);
      expect(b.processed).toBe(true);
    });
    sim.run();
    expect(result!.get(a)).toBe('a');
    expect(result!.get(b)).toBe('b');
  });

  it('a member failing before any success fails the condition; the waiting process catches it', () => {
    const sim = new Simulation();
    const boom = new Error('first to finish failed');
    const e = sim.event();
    let caught: unknown;
    sim.process(function* () {
      try {
        yield sim.anyOf([e, sim.timeout(5)]);
      } catch (error) {
        caught = error;
      }
    });
    sim.schedule(1, () => e.fail(boom));
    sim.run();
    expect(caught).toBe(boom);
  });

  it('a member that fails after the anyOf already succeeded is unhandled: run throws it', () => {
    const sim = new Simulation();
    const late = new Error('late failure');
    const e = sim.event();
    let resumedAt = -1;
    sim.process(function* () {
      yield sim.anyOf([sim.timeout(1), e]);
      resumedAt = sim.now;
    });
    sim.schedule(3, () => e.fail(late));
    expect(() => sim.run()).toThrow(late);
    expect(resumedAt).toBe(1);
    expect(sim.now).toBe(3);
  });

  it('a member that fails at the same time, after the anyOf triggered but before it was processed, is unhandled too', () => {
    const sim = new Simulation();
    const late = new Error('same-time failure');
    const e = sim.event();
    const ok = sim.timeout(1, 'ok');
    let value: Map<SimEvent<unknown>, unknown> | undefined;
    sim.process(function* () {
      value = yield sim.anyOf([ok, e]);
    });
    sim.schedule(1, () => e.fail(late), { priority: 1 }); // e is processed after the anyOf
    expect(() => sim.run()).toThrow(late);
    expect(value?.get(ok)).toBe('ok');
  });

  it('a late failure that somebody else handles does not stop the run', () => {
    const sim = new Simulation();
    const e = sim.event();
    sim.anyOf([sim.timeout(1), e]);
    sim.process(function* () {
      try {
        yield e;
      } catch {
        // handled
      }
    });
    sim.schedule(3, () => e.fail(new Error('handled elsewhere')));
    expect(() => sim.run()).not.toThrow();
  });
});

describe('nested conditions', () => {
  it('allOf of anyOfs: each inner value is the inner condition value', () => {
    const sim = new Simulation();
    const a = sim.timeout(1, 'a');
    const b = sim.timeout(4, 'b');
    const c = sim.timeout(3, 'c');
    const d = sim.timeout(2, 'd');
    const outer = sim.allOf([sim.anyOf([a, b]), sim.anyOf([c, d])]);
    const value = sim.run({ until: outer }) as Map<unknown, unknown>[];
    expect(sim.now).toBe(2);
    expect(value).toHaveLength(2);
    expect([...value[0]!.keys()]).toEqual([a]);
    expect([...value[1]!.keys()]).toEqual([d]);
  });

  it('anyOf of allOfs succeeds with the first allOf to complete', () => {
    const sim = new Simulation();
    const first = sim.allOf([sim.timeout(1, 1), sim.timeout(6, 6)]);
    const second = sim.allOf([sim.timeout(2, 2), sim.timeout(3, 3)]);
    const outer = sim.anyOf([first, second]);
    const value = sim.run({ until: outer }) as Map<unknown, unknown>;
    expect(sim.now).toBe(3);
    expect([...value.entries()]).toEqual([[second, [2, 3]]]);
  });

  it('a failure deep inside fails every enclosing condition and reaches the waiting process', () => {
    const sim = new Simulation();
    const boom = new Error('deep');
    const e = sim.event();
    let caught: unknown;
    sim.process(function* () {
      try {
        yield sim.anyOf([sim.allOf([sim.timeout(9), sim.allOf([e, sim.timeout(1)])]), sim.timeout(20)]);
      } catch (error) {
        caught = error;
      }
    });
    sim.schedule(2, () => e.fail(boom));
    sim.run();
    expect(caught).toBe(boom);
    expect(sim.now).toBe(20);
  });
});
