import { describe, expect, it } from 'vitest';
import { Process, SimEvent } from '../../src/kernel/events.js';
import type { ProcessGenerator } from '../../src/kernel/events.js';
import { Simulation } from '../../src/kernel/simulation.js';

/** Generator processes: how they start, wait, hand back values and fail. */

describe('process', () => {
  it('is an event that succeeds with the return value of its generator', () => {
    const sim = new Simulation();
    const p = sim.process(function* () {
      yield 3;
      return 'result';
    });
    expect(p).toBeInstanceOf(Process);
    expect(p).toBeInstanceOf(SimEvent);
    expect(p.isAlive).toBe(true);
    sim.run();
    expect(p.isAlive).toBe(false);
    expect(p.ok).toBe(true);
    expect(p.value).toBe('result');
    expect(sim.now).toBe(3);
  });

  it('hands its return value to a process that yields it', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const child = sim.process(function* child() {
      yield 4;
      return 42;
    });
    sim.process(function* parent() {
      const value: number = yield child;
      log.push(`parent got ${value} at ${sim.now}`);
      // Yielding a process that already finished resumes at once with its value.
      const again: number = yield child;
      log.push(`again ${again} at ${sim.now}`);
    });
    sim.run();
    expect(log).toEqual(['parent got 42 at 4', 'again 42 at 4']);
  });

  it('resumes every process waiting on the same process, in the order they started waiting', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const child = sim.process(function* () {
      yield 1;
      return 'v';
    });
    for (const name of ['a', 'b', 'c']) {
      sim.process(function* () {
        log.push(`${name}:${yield child}`);
      });
    }
    sim.run();
    expect(log).toEqual(['a:v', 'b:v', 'c:v']);
  });

  it('a process waiting on a process that fails gets the error thrown in and may handle it', () => {
    const sim = new Simulation();
    const boom = new Error('child failed');
    const child = sim.process(function* () {
      yield 2;
      throw boom;
    });
    let caught: unknown;
    const parent = sim.process(function* () {
      try {
        yield child;
      } catch (error) {
        caught = error;
        return 'recovered';
      }
      return 'not reached';
    });
    sim.run(); // the failure was handled: run does not throw
    expect(caught).toBe(boom);
    expect(child.ok).toBe(false);
    expect(child.value).toBe(boom);
    expect(parent.value).toBe('recovered');
  });

  it('a failure not caught by the waiting process propagates up the chain to run', () => {
    const sim = new Simulation();
    const boom = new Error('propagates');
    const child = sim.process(function* () {
      yield 1;
      throw boom;
    });
    const parent = sim.process(function* () {
      yield child;
    });
    expect(() => sim.run()).toThrow(boom);
    expect(parent.ok).toBe(false);
    expect(parent.value).toBe(boom);
  });

  it('a failed process nobody waits for makes run throw its error', () => {
    const sim = new Simulation();
    const boom = new TypeError('unwatched');
    sim.process(function* () {
      yield 1;
      throw boom;
    });
    sim.schedule(5, () => {});
    expect(() => sim.run()).toThrow(boom);
    expect(sim.now).toBe(1);
    // The rest of the agenda is still there and a new run continues with it.
    sim.run();
    expect(sim.now).toBe(5);
  });

  it('yielding something that is neither an event nor a number throws TypeError inside the generator', () => {
    const sim = new Simulation();
    const caught: unknown[] = [];
    const p = sim.process(function* () {
      for (const bad of ['5', null, undefined, {}, Promise.resolve(1)]) {
        try {
          yield bad as unknown as number;
        } catch (error) {
          caught.push(error);
        }
      }
      return sim.now;
    });
    sim.run();
    expect(caught).toHaveLength(5);
    for (const error of caught) expect(error).toBeInstanceOf(TypeError);
    expect(p.value).toBe(0);
  });

  it('an uncaught TypeError from a bad yield fails the process', () => {
    const sim = new Simulation();
    const p = sim.process(function* () {
      yield 'oops' as unknown as number;
    });
    expect(() => sim.run()).toThrow(TypeError);
    expect(p.ok).toBe(false);
  });

  it.each([-1, NaN, Infinity, -Infinity])('yielding the hold %s throws RangeError inside the generator', (hold) => {
    const sim = new Simulation();
    let caught: unknown;
    sim.process(function* () {
      try {
        yield hold;
      } catch (error) {
        caught = error;
      }
      yield 1; // the process carries on normally
    });
    sim.run();
    expect(caught).toBeInstanceOf(RangeError);
    expect(sim.now).toBe(1);
  });

  it('yield n holds for n time units, like yield sim.timeout(n), and resumes with undefined', () => {
    const sim = new Simulation();
    const resumed: unknown[] = [];
    const times: number[] = [];
    sim.process(function* () {
      resumed.push(yield 2.5);
      times.push(sim.now);
      resumed.push(yield 0);
      times.push(sim.now);
      resumed.push(yield sim.timeout(1.5, 'value'));
      times.push(sim.now);
    });
    sim.run();
    expect(times).toEqual([2.5, 2.5, 4]);
    expect(resumed).toEqual([undefined, undefined, 'value']);
  });

  it('yield 0 lets the other events at the current time run first', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.process(function* () {
      log.push('before');
      yield 0;
      log.push('after');
    });
    sim.schedule(0, () => log.push('callback at 0'));
    sim.run();
    expect(log).toEqual(['before', 'callback at 0', 'after']);
  });

  it('starts at creation time, before ordinary events already scheduled at that time', () => {
    const sim = new Simulation({ start: 10 });
    const log: string[] = [];
    sim.schedule(0, () => log.push('ordinary'), { priority: -2047 });
    const p = sim.process(function* () {
      log.push(`started at ${sim.now}`);
      yield 1;
    });
    // Creating the process does not run its body synchronously.
    expect(log).toEqual([]);
    expect(p.isAlive).toBe(true);
    sim.run();
    expect(log).toEqual(['started at 10', 'ordinary']);
  });

  it('a process created inside a callback starts at that time, before other events at that time', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.schedule(3, () => {
      sim.schedule(0, () => log.push('sibling callback'));
      sim.process(function* () {
        log.push(`child started at ${sim.now}`);
      });
    });
    sim.schedule(3, () => log.push('other callback at 3'));
    sim.run();
    expect(log).toEqual(['child started at 3', 'other callback at 3', 'sibling callback']);
  });

  it('processes created together start in creation order', () => {
    const sim = new Simulation();
    const log: number[] = [];
    for (let i = 0; i < 5; i++)
      sim.process(function* () {
        log.push(i);
      });
    sim.run();
    expect(log).toEqual([0, 1, 2, 3, 4]);
  });

  it('accepts a generator function or a generator object', () => {
    const sim = new Simulation();
    function* body(n: number): ProcessGenerator<number> {
      yield n;
      return n * 2;
    }
    const fromObject = sim.process(body(3));
    const fromFunction = sim.process(function* () {
      yield 1;
      return 'fn';
    });
    sim.run();
    expect(fromObject.value).toBe(6);
    expect(fromFunction.value).toBe('fn');
  });

  it('takes its label from the generator function name unless one is given', () => {
    const sim = new Simulation();
    function* customer(): ProcessGenerator<void> {}
    expect(sim.process(customer).label).toBe('customer');
    expect(sim.process(customer, { label: 'vip' }).label).toBe('vip');
    expect(sim.process(customer(), { label: 'from-object' }).label).toBe('from-object');
    expect(sim.process(customer()).label).toBe('');
    sim.run();
  });

  it('a process that returns without yielding succeeds at its start time', () => {
    const sim = new Simulation({ start: 2 });
    const p = sim.process(function* () {
      return 'instant';
    });
    expect(sim.run({ until: p })).toBe('instant');
    expect(sim.now).toBe(2);
  });

  it('yielding an already processed event continues without waiting', () => {
    const sim = new Simulation();
    const done = sim.timeout(1, 'done');
    sim.run();
    let got: unknown;
    const before = sim.eventsFired;
    const p = sim.process(function* () {
      got = yield done;
      return sim.now;
    });
    sim.run();
    expect(got).toBe('done');
    expect(p.value).toBe(1);
    expect(sim.eventsFired - before).toBe(2); // the start and the process's own completion
  });

  it('yielding an already processed failed event throws it in and defuses it', () => {
    const sim = new Simulation();
    const boom = new Error('already failed');
    const failed = sim.event();
    failed.fail(boom);
    expect(() => sim.run()).toThrow(boom);
    let caught: unknown;
    sim.process(function* () {
      try {
        yield failed;
      } catch (error) {
        caught = error;
      }
    });
    sim.run();
    expect(caught).toBe(boom);
  });

  it('a process can wait on a plain event triggered by a callback', () => {
    const sim = new Simulation();
    const signal = sim.event<string>();
    let got: string | undefined;
    sim.process(function* () {
      got = yield signal;
    });
    sim.schedule(7, () => signal.succeed('go'));
    sim.run();
    expect(got).toBe('go');
    expect(sim.now).toBe(7);
  });

  it('a generator exception thrown before the first yield fails the process at its start', () => {
    const sim = new Simulation();
    const boom = new Error('at start');
    const p = sim.process(function* () {
      throw boom;
    });
    expect(() => sim.run()).toThrow(boom);
    expect(p.ok).toBe(false);
    expect(sim.now).toBe(0);
  });

  it('finally blocks run when the process ends', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.process(function* () {
      try {
        yield 1;
      } finally {
        log.push(`cleanup at ${sim.now}`);
      }
    });
    sim.run();
    expect(log).toEqual(['cleanup at 1']);
  });
});
