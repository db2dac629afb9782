import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/simulation.js';

/** Cancelling scheduled callbacks: cancelled callbacks never fire, and handles are never confused. */

describe('cancel', () => {
  it('a cancelled callback never fires', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    sim.schedule(1, () => fired.push('a'));
    const b = sim.schedule(2, () => fired.push('b'));
    sim.schedule(3, () => fired.push('c'));
    expect(sim.cancel(b)).toBe(true);
    sim.run();
    expect(fired).toEqual(['a', 'c']);
    expect(sim.eventsFired).toBe(2);
  });

  it('returns false for a handle whose callback already fired', () => {
    const sim = new Simulation();
    const h = sim.schedule(1, () => {});
    sim.run();
    expect(sim.cancel(h)).toBe(false);
  });

  it('returns false when cancelling twice', () => {
    const sim = new Simulation();
    const h = sim.schedule(1, () => {});
    expect(sim.cancel(h)).toBe(true);
    expect(sim.cancel(h)).toBe(false);
    expect(sim.pending).toBe(0);
  });

  it('returns false for handles that never existed', () => {
    const sim = new Simulation();
    sim.schedule(1, () => {});
    for (const bogus of [-1, 12345, 2 ** 40, NaN, 0.5]) expect(sim.cancel(bogus)).toBe(false);
    expect(sim.pending).toBe(1);
  });

  it('a stale handle (fired, slot reused by a later event) does not cancel the new event', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    const old = sim.schedule(1, () => fired.push('old'));
    sim.run();
    // The freed slot is reused by the next scheduled event.
    sim.schedule(1, () => fired.push('new'));
    expect(sim.cancel(old)).toBe(false);
    sim.run();
    expect(fired).toEqual(['old', 'new']);
  });

  it('a stale handle (cancelled, slot reclaimed and reused) does not cancel the new event', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    const old = sim.schedule(1, () => fired.push('old'));
    expect(sim.cancel(old)).toBe(true);
    expect(sim.peek()).toBe(Infinity); // reclaims the cancelled slot
    const fresh = sim.schedule(1, () => fired.push('new'));
    expect(fresh).not.toBe(old);
    expect(sim.cancel(old)).toBe(false);
    sim.run();
    expect(fired).toEqual(['new']);
  });

  it('stale handles stay harmless across many slot reuses', () => {
    const sim = new Simulation();
    const stale: number[] = [];
    let fired = 0;
    for (let round = 0; round < 100; round++) {
      const handles = Array.from({ length: 5 }, () => sim.schedule(1, () => fired++));
      sim.run();
      stale.push(...handles);
    }
    const live = Array.from({ length: 5 }, () => sim.schedule(1, () => fired++));
    for (const h of stale) expect(sim.cancel(h)).toBe(false);
    expect(sim.pending).toBe(5);
    sim.run();
    expect(fired).toBe(505);
    for (const h of live) expect(sim.cancel(h)).toBe(false);
  });

  it('a callback can cancel another pending event, even one at the same time', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    let later = -1;
    let sameTime = -1;
    sim.schedule(1, () => {
      fired.push('canceller');
      expect(sim.cancel(sameTime)).toBe(true);
      expect(sim.cancel(later)).toBe(true);
    });
    sameTime = sim.schedule(1, () => fired.push('same-time'));
    later = sim.schedule(5, () => fired.push('later'));
    sim.schedule(6, () => fired.push('survivor'));
    sim.run();
    expect(fired).toEqual(['canceller', 'survivor']);
  });

  it('a callback cancelling itself gets false (it is already firing) and still counts as fired', () => {
    const sim = new Simulation();
    let self = -1;
    let result: boolean | undefined;
    self = sim.schedule(1, () => {
      result = sim.cancel(self);
    });
    sim.run();
    expect(result).toBe(false);
    expect(sim.eventsFired).toBe(1);
  });

  it("a callback's own handle does not cancel the event that reuses its slot", () => {
    const sim = new Simulation();
    const fired: string[] = [];
    let self = -1;
    self = sim.schedule(1, () => {
      fired.push('first');
      sim.schedule(1, () => fired.push('successor')); // reuses the firing slot
      expect(sim.cancel(self)).toBe(false);
    });
    sim.run();
    expect(fired).toEqual(['first', 'successor']);
  });

  it('an event scheduled and then cancelled inside the same callback never fires', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    sim.schedule(1, () => {
      const h = sim.schedule(0, () => fired.push('child'));
      expect(sim.cancel(h)).toBe(true);
      sim.schedule(1, () => fired.push('sibling'));
    });
    sim.run();
    expect(fired).toEqual(['sibling']);
    expect(sim.now).toBe(2);
  });

  it('pending excludes cancelled events', () => {
    const sim = new Simulation();
    const handles = Array.from({ length: 10 }, (_, i) => sim.schedule(i, () => {}));
    expect(sim.pending).toBe(10);
    sim.cancel(handles[3]!);
    sim.cancel(handles[7]!);
    sim.cancel(handles[7]!);
    expect(sim.pending).toBe(8);
    sim.step(); // fires handles[0]
    expect(sim.pending).toBe(7);
    sim.run();
    expect(sim.pending).toBe(0);
  });

  it('pending excludes the event currently firing', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    sim.schedule(1, () => seen.push(sim.pending));
    sim.schedule(2, () => {
      seen.push(sim.pending);
      sim.schedule(1, () => {});
      seen.push(sim.pending);
    });
    sim.run();
    expect(seen).toEqual([1, 0, 1]);
  });

  it('peek skips cancelled events', () => {
    const sim = new Simulation();
    const a = sim.schedule(1, () => {});
    const b = sim.schedule(2, () => {});
    sim.schedule(3, () => {});
    sim.cancel(a);
    sim.cancel(b);
    expect(sim.peek()).toBe(3);
    expect(sim.pending).toBe(1);
  });

  it('peek is Infinity when only cancelled events remain', () => {
    const sim = new Simulation();
    const h = sim.schedule(1, () => {});
    sim.cancel(h);
    expect(sim.peek()).toBe(Infinity);
    expect(sim.step()).toBe(false);
  });

  it('run ends, without advancing the clock, when only cancelled events remain', () => {
    const sim = new Simulation();
    sim.schedule(1, () => {});
    const handles = [sim.schedule(5, () => {}), sim.schedule(10, () => {})];
    for (const h of handles) sim.cancel(h);
    sim.run();
    expect(sim.now).toBe(1);
    expect(sim.eventsFired).toBe(1);
    expect(sim.pending).toBe(0);
  });

  it('cancelling a callback in the future of run({ until }) leaves the clock at until', () => {
    const sim = new Simulation();
    const h = sim.schedule(5, () => {});
    sim.cancel(h);
    sim.run({ until: 8 });
    expect(sim.now).toBe(8);
  });

  it('cancelling many events keeps the rest in order', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const handles = Array.from({ length: 1000 }, (_, i) => sim.schedule(i % 37, () => fired.push(i)));
    for (let i = 0; i < 1000; i += 3) sim.cancel(handles[i]!);
    sim.run();
    const expected = Array.from({ length: 1000 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .sort((a, b) => (a % 37) - (b % 37) || a - b);
    expect(fired).toEqual(expected);
  });
});
