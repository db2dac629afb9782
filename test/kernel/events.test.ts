import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/kernel/events.js';
import { Simulation } from '../../src/kernel/simulation.js';

/** Plain events, the run loop and stepping. */

describe('SimEvent', () => {
  it('is pending until succeed, triggered by succeed, processed when the agenda reaches it', () => {
    const sim = new Simulation();
    const e = sim.event<string>();
    expect(e.triggered).toBe(false);
    expect(e.processed).toBe(false);
    expect(e.value).toBeUndefined();
    expect(e.succeed('v')).toBe(e);
    expect(e.triggered).toBe(true);
    expect(e.processed).toBe(false);
    expect(e.ok).toBe(true);
    expect(e.value).toBe('v');
    sim.run();
    expect(e.processed).toBe(true);
    expect(sim.now).toBe(0);
  });

  it('fail records the error and ok = false', () => {
    const sim = new Simulation();
    const e = sim.event();
    const boom = new Error('x');
    expect(e.fail(boom)).toBe(e);
    expect(e.triggered).toBe(true);
    expect(e.ok).toBe(false);
    expect(e.value).toBe(boom);
    e.defused = true;
    sim.run();
    expect(e.processed).toBe(true);
  });

  it('runs callbacks in the order added, with the event as argument', () => {
    const sim = new Simulation();
    const e = sim.event<number>();
    const log: string[] = [];
    e.addCallback((ev) => log.push(`a:${ev.value}`));
    e.addCallback((ev) => {
      expect(ev).toBe(e);
      log.push(`b:${ev.value}`);
    });
    e.addCallback(() => log.push('c'));
    sim.schedule(2, () => e.succeed(7));
    sim.run();
    expect(log).toEqual(['a:7', 'b:7', 'c']);
  });

  it('keeps callbacks and waiting processes in registration order', () => {
    const sim = new Simulation();
    const e = sim.event();
    const log: string[] = [];
    sim.process(function* first() {
      yield e;
      log.push('process 1');
    });
    sim.process(function* second() {
      yield e;
      log.push('process 2');
    });
    sim.schedule(1, () => e.addCallback(() => log.push('callback')));
    sim.process(function* third() {
      yield 2;
      yield e;
      log.push('process 3');
    });
    sim.schedule(3, () => e.succeed());
    sim.run();
    expect(log).toEqual(['process 1', 'process 2', 'callback', 'process 3']);
  });

  it('removeCallback stops a callback from running', () => {
    const sim = new Simulation();
    const e = sim.event();
    const log: string[] = [];
    const cb = (): void => {
      log.push('removed');
    };
    e.addCallback(cb);
    e.addCallback(() => log.push('kept'));
    expect(e.removeCallback(cb)).toBe(true);
    expect(e.removeCallback(cb)).toBe(false);
    e.succeed();
    sim.run();
    expect(log).toEqual(['kept']);
  });

  it('addCallback on a processed event calls it at once', () => {
    const sim = new Simulation();
    const e = sim.event<string>().succeed('done');
    sim.run();
    let seen: unknown;
    e.addCallback((ev) => (seen = ev.value));
    expect(seen).toBe('done');
  });

  it('is processed at the current time, after the events already due at that time', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const e = sim.event();
    e.addCallback(() => log.push('event'));
    sim.schedule(1, () => {
      e.succeed();
      log.push('trigger');
    });
    sim.schedule(1, () => log.push('already due'));
    sim.schedule(2, () => log.push('later'));
    sim.run();
    expect(log).toEqual(['trigger', 'already due', 'event', 'later']);
  });

  it('a lower priority number given to succeed makes it processed before already due events', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const e = sim.event();
    e.addCallback(() => log.push('event'));
    sim.schedule(1, () => e.succeed(undefined, -1));
    sim.schedule(1, () => log.push('already due'));
    sim.run();
    expect(log).toEqual(['event', 'already due']);
  });

  it('cannot be triggered twice', () => {
    const sim = new Simulation();
    const a = sim.event().succeed(1);
    expect(() => a.succeed(2)).toThrow(/already been triggered/);
    expect(() => a.fail(new Error())).toThrow(/already been triggered/);
    expect(a.value).toBe(1);
    const b = sim.event();
    b.fail(new Error('first'));
    b.defused = true;
    expect(() => b.succeed()).toThrow(/already been triggered/);
    const t = sim.timeout(1);
    expect(() => t.succeed()).toThrow(/already been triggered/);
    sim.run();
    expect(() => a.succeed(3)).toThrow(/already been triggered/);
  });

  it('a timeout succeeds with its value after its delay', () => {
    const sim = new Simulation();
    const t = sim.timeout(3, 'payload');
    expect(t.triggered).toBe(true);
    sim.run();
    expect(t.processed).toBe(true);
    expect(t.value).toBe('payload');
    expect(sim.now).toBe(3);
  });
});

describe('unhandled failures', () => {
  it('stop run with exactly the failure value, at the failure time', () => {
    const sim = new Simulation();
    const boom = new Error('unhandled');
    const e = sim.event();
    sim.schedule(4, () => e.fail(boom));
    sim.schedule(9, () => {});
    let thrown: unknown;
    try {
      sim.run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(boom);
    expect(sim.now).toBe(4);
    expect(e.processed).toBe(true);
    // run can resume with the rest of the agenda.
    sim.run();
    expect(sim.now).toBe(9);
  });

  it('any value can be the failure, not only Errors', () => {
    const sim = new Simulation();
    const reason = { code: 17 };
    sim.event().fail(reason);
    let thrown: unknown;
    try {
      sim.run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(reason);
  });

  it('are suppressed when defused before processing', () => {
    const sim = new Simulation();
    const e = sim.event();
    e.fail(new Error('defused'));
    e.defused = true;
    expect(() => sim.run()).not.toThrow();
  });

  it('are suppressed when a callback defuses them', () => {
    const sim = new Simulation();
    const e = sim.event();
    const seen: unknown[] = [];
    e.addCallback((ev) => {
      seen.push(ev.value);
      ev.defused = true;
    });
    const boom = new Error('handled by callback');
    sim.schedule(1, () => e.fail(boom));
    expect(() => sim.run()).not.toThrow();
    expect(seen).toEqual([boom]);
  });

  it('a callback that merely observes a failure does not handle it', () => {
    const sim = new Simulation();
    const e = sim.event();
    let observed = false;
    e.addCallback(() => (observed = true));
    e.fail(new Error('observed only'));
    expect(() => sim.run()).toThrow('observed only');
    expect(observed).toBe(true);
  });

  it('an exception thrown by a callback propagates out of run', () => {
    const sim = new Simulation();
    sim.schedule(1, () => {
      throw new RangeError('from callback');
    });
    sim.schedule(2, () => {});
    expect(() => sim.run()).toThrow(RangeError);
    expect(sim.now).toBe(1);
    expect(sim.pending).toBe(1);
  });
});

describe('run({ until: event })', () => {
  it('returns the value of the event once processed, leaving later events pending', () => {
    const sim = new Simulation();
    const e = sim.timeout(5, 'value');
    sim.schedule(5, () => {}, { priority: 1 });
    sim.schedule(8, () => {});
    expect(sim.run({ until: e })).toBe('value');
    expect(sim.now).toBe(5);
    expect(sim.pending).toBe(2);
  });

  it('returns at once if the event was already processed', () => {
    const sim = new Simulation();
    const e = sim.timeout(1, 'old');
    sim.schedule(3, () => {});
    sim.run({ until: 2 });
    expect(sim.run({ until: e })).toBe('old');
    expect(sim.now).toBe(2);
  });

  it('throws the error of a failed event', () => {
    const sim = new Simulation();
    const boom = new Error('until failed');
    const e = sim.event();
    sim.schedule(2, () => e.fail(boom));
    expect(() => sim.run({ until: e })).toThrow(boom);
    expect(sim.now).toBe(2);
  });

  it('throws the error of a failed event even when somebody else handled it', () => {
    const sim = new Simulation();
    const boom = new Error('handled but awaited');
    const e = sim.event();
    sim.process(function* () {
      try {
        yield e;
      } catch {
        // handled
      }
    });
    sim.schedule(2, () => e.fail(boom));
    expect(() => sim.run({ until: e })).toThrow(boom);
  });

  it('throws the error of an already processed failed event, and it no longer counts as unhandled', () => {
    const sim = new Simulation();
    const boom = new Error('past failure');
    const e = sim.event();
    e.fail(boom);
    expect(() => sim.run()).toThrow(boom);
    expect(() => sim.run({ until: e })).toThrow(boom);
    expect(e.defused).toBe(true);
  });

  it('throws when the agenda empties before the event is processed', () => {
    const sim = new Simulation();
    const never = sim.event();
    sim.schedule(3, () => {});
    expect(() => sim.run({ until: never })).toThrow(/never processed/);
    expect(sim.now).toBe(3);
  });

  // run() leaves no stop callback behind on the until event, however it ends.
  it('after run({ until: event }) threw, a later run() is not stopped by that event', () => {
    const sim = new Simulation();
    const e = sim.timeout(10);
    sim.schedule(2, () => {
      throw new Error('unrelated failure');
    });
    expect(() => sim.run({ until: e })).toThrow('unrelated failure');
    let fired = false;
    sim.at(18, () => (fired = true));
    sim.run();
    expect(fired).toBe(true);
    expect(sim.now).toBe(18);
  });

  it('after run({ until: event }) found the agenda empty, a later run() is not stopped by that event', () => {
    const sim = new Simulation();
    const never = sim.event();
    expect(() => sim.run({ until: never })).toThrow(/never processed/);
    sim.schedule(1, () => never.succeed());
    let fired = false;
    sim.schedule(5, () => (fired = true));
    sim.run();
    expect(fired).toBe(true);
    expect(sim.now).toBe(5);
  });

  it('works with a process as the until event', () => {
    const sim = new Simulation();
    const p = sim.process(function* () {
      yield 6;
      return 'proc';
    });
    expect(sim.run({ until: p })).toBe('proc');
    expect(sim.now).toBe(6);
  });
});

describe('run({ until: time })', () => {
  it('stops exactly at the time: events at that time do not run, and now becomes that time', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    sim.schedule(4, () => fired.push('4'));
    sim.schedule(5, () => fired.push('5'));
    sim.schedule(5, () => fired.push('5 urgent-ish'), { priority: -2047 });
    sim.schedule(6, () => fired.push('6'));
    expect(sim.run({ until: 5 })).toBeUndefined();
    expect(fired).toEqual(['4']);
    expect(sim.now).toBe(5);
    expect(sim.pending).toBe(3);
    expect(sim.peek()).toBe(5);
  });

  it('advances the clock to the time even when nothing is scheduled', () => {
    const sim = new Simulation();
    sim.run({ until: 12.5 });
    expect(sim.now).toBe(12.5);
    expect(sim.pending).toBe(0);
  });

  it('can be resumed, in several slices, firing everything exactly once', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    for (let t = 0; t < 10; t++) sim.schedule(t, () => fired.push(t));
    sim.run({ until: 3 });
    expect(fired).toEqual([0, 1, 2]);
    sim.run({ until: 3 }); // until == now: nothing at 3 runs
    expect(fired).toEqual([0, 1, 2]);
    sim.run(7); // the number shorthand
    expect(fired).toEqual([0, 1, 2, 3, 4, 5, 6]);
    sim.run();
    expect(fired).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sim.now).toBe(9);
  });

  it('slices give the same result as one run for a process model', () => {
    const build = (): { sim: Simulation; log: number[] } => {
      const sim = new Simulation();
      const log: number[] = [];
      for (let i = 1; i <= 3; i++)
        sim.process(function* () {
          for (let k = 0; k < 10; k++) {
            yield i;
            log.push(sim.now * 10 + i);
          }
        });
      return { sim, log };
    };
    const whole = build();
    whole.sim.run();
    const sliced = build();
    for (let t = 0.5; t < 40; t += 1.5) sliced.sim.run({ until: t });
    sliced.sim.run();
    expect(sliced.log).toEqual(whole.log);
  });

  it('rejects a time before now', () => {
    const sim = new Simulation({ start: 5 });
    expect(() => sim.run({ until: 4 })).toThrow(RangeError);
    expect(() => sim.run({ until: NaN })).toThrow(RangeError);
  });

  it('until == now runs no ordinary event, but process starts already due at now do run', () => {
    // bench/hold.ts relies on this to start its processes; SimPy would reject until <= now instead.
    const sim = new Simulation();
    const log: string[] = [];
    sim.schedule(0, () => log.push('ordinary'));
    sim.process(function* () {
      log.push('started');
      yield 1;
    });
    sim.run({ until: 0 });
    expect(log).toEqual(['started']);
    expect(sim.now).toBe(0);
  });

  it('an exception in the middle does not leave a stale stop behind', () => {
    const sim = new Simulation();
    sim.schedule(2, () => {
      throw new Error('midway');
    });
    const fired: number[] = [];
    sim.schedule(7, () => fired.push(sim.now));
    sim.schedule(9, () => fired.push(sim.now));
    expect(() => sim.run({ until: 5 })).toThrow('midway');
    expect(sim.now).toBe(2);
    sim.run();
    expect(fired).toEqual([7, 9]);
    expect(sim.now).toBe(9);
  });

  it('cannot be called from inside a running simulation', () => {
    const sim = new Simulation();
    let error: unknown;
    sim.schedule(1, () => {
      try {
        sim.run();
      } catch (e) {
        error = e;
      }
    });
    sim.run();
    expect(error).toBeInstanceOf(Error);
  });
});

describe('step and peek', () => {
  it('peek returns the time of the next event without firing it; Infinity when empty', () => {
    const sim = new Simulation();
    expect(sim.peek()).toBe(Infinity);
    sim.schedule(3, () => {});
    sim.schedule(1.5, () => {});
    expect(sim.peek()).toBe(1.5);
    expect(sim.peek()).toBe(1.5);
    expect(sim.now).toBe(0);
    expect(sim.eventsFired).toBe(0);
  });

  it('step fires exactly one event, advancing now, and returns false once empty', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    sim.schedule(2, () => fired.push(2));
    sim.schedule(1, () => fired.push(1));
    expect(sim.step()).toBe(true);
    expect(fired).toEqual([1]);
    expect(sim.now).toBe(1);
    expect(sim.peek()).toBe(2);
    expect(sim.step()).toBe(true);
    expect(fired).toEqual([1, 2]);
    expect(sim.step()).toBe(false);
    expect(sim.now).toBe(2);
    expect(sim.eventsFired).toBe(2);
  });

  it('step walks a process model one event at a time', () => {
    const sim = new Simulation();
    const p = sim.process(function* () {
      yield 1;
      yield sim.timeout(2);
      return 'end';
    });
    const times: number[] = [];
    while (sim.step()) times.push(sim.now);
    // start, hold, timeout, process completion
    expect(times).toEqual([0, 1, 3, 3]);
    expect(p.value).toBe('end');
  });

  it('step throws an unhandled failure, and stepping continues afterwards', () => {
    const sim = new Simulation();
    const boom = new Error('step failure');
    sim.event().fail(boom);
    sim.schedule(1, () => {});
    expect(() => sim.step()).toThrow(boom);
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(1);
  });

  it('step cannot be called from inside a callback', () => {
    const sim = new Simulation();
    let error: unknown;
    sim.schedule(1, () => {
      try {
        sim.step();
      } catch (e) {
        error = e;
      }
    });
    sim.schedule(2, () => {});
    sim.run();
    expect(error).toBeInstanceOf(Error);
    expect(sim.now).toBe(2);
  });

  it('peek inside a callback sees the next event, not the one firing', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    sim.schedule(1, () => {
      seen.push(sim.peek());
      sim.schedule(0.5, () => seen.push(sim.peek()));
    });
    sim.schedule(4, () => {});
    sim.run();
    expect(seen).toEqual([4, 4]);
  });
});

describe('eventsFired', () => {
  it('counts callbacks and events fired, excluding cancelled ones', () => {
    const sim = new Simulation();
    sim.schedule(1, () => {});
    sim.cancel(sim.schedule(2, () => {}));
    const e: SimEvent<number> = sim.event<number>().succeed(1);
    sim.run();
    expect(e.processed).toBe(true);
    expect(sim.eventsFired).toBe(2);
  });
});

describe('run({ until: time }) bookkeeping', () => {
  it('does not count its stop marker as a fired or pending event', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    sim.schedule(1, () => seen.push(sim.pending));
    sim.run({ until: 5 });
    expect(seen).toEqual([0]);
    expect(sim.eventsFired).toBe(1);
    expect(sim.now).toBe(5);
    sim.run({ until: 7 });
    expect(sim.eventsFired).toBe(1);
  });
});

describe('trigger priorities', () => {
  it('are checked like scheduling priorities: internal urgency is reserved', () => {
    const sim = new Simulation();
    expect(() => sim.event().succeed(1, -2048)).toThrow(RangeError);
    expect(() => sim.event().succeed(1, Number.NaN)).toThrow(RangeError);
    expect(() => sim.event().fail(new Error('x'), 0.5)).toThrow(RangeError);
    const order: string[] = [];
    sim.event().succeed().addCallback(() => order.push('normal'));
    sim.event().succeed(undefined, -1).addCallback(() => order.push('early'));
    sim.run();
    expect(order).toEqual(['early', 'normal']);
  });
});
