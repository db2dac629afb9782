import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { LOWEST, URGENT } from '../../src/kernel/priority.js';
import { Simulation } from '../../src/kernel/simulation.js';

/** The agenda fires events in (time, priority, sequence) order; bad times and priorities are rejected. */

describe('event ordering', () => {
  it('fires events in time order regardless of the order they were scheduled', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    for (const t of [5, 1, 3, 0, 4, 2]) sim.schedule(t, () => fired.push(sim.now));
    sim.run();
    expect(fired).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('runs equal-time events with the lower priority number first', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    sim.schedule(1, () => fired.push('p5'), { priority: 5 });
    sim.schedule(1, () => fired.push('p0'));
    sim.schedule(1, () => fired.push('p-5'), { priority: -5 });
    sim.schedule(1, () => fired.push('lowest'), { priority: LOWEST });
    sim.schedule(1, () => fired.push('highest'), { priority: URGENT + 1 });
    sim.run();
    expect(fired).toEqual(['highest', 'p-5', 'p0', 'p5', 'lowest']);
  });

  it('runs equal-time, equal-priority events first in, first out', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    for (let i = 0; i < 20; i++) sim.schedule(3, () => fired.push(i), { priority: 1 });
    sim.run();
    expect(fired).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('orders events scheduled from inside callbacks after earlier-scheduled events at the same time', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    sim.schedule(1, () => {
      fired.push('a');
      sim.schedule(0, () => fired.push('a-child'));
    });
    sim.schedule(1, () => fired.push('b'));
    sim.run();
    expect(fired).toEqual(['a', 'b', 'a-child']);
  });

  it('a zero delay callback scheduled with a lower priority still runs before equal-time normal events already queued', () => {
    const sim = new Simulation();
    const fired: string[] = [];
    sim.schedule(1, () => {
      fired.push('a');
      sim.schedule(0, () => fired.push('urgent-child'), { priority: -1 });
    });
    sim.schedule(1, () => fired.push('b'));
    sim.run();
    expect(fired).toEqual(['a', 'urgent-child', 'b']);
  });

  it('interleaves at() and schedule() by absolute time, then priority, then sequence', () => {
    const sim = new Simulation({ start: 10 });
    const fired: string[] = [];
    sim.at(15, () => fired.push('at15'));
    sim.schedule(5, () => fired.push('schedule5'));
    sim.at(12, () => fired.push('at12'));
    sim.schedule(2, () => fired.push('schedule2-p-1'), { priority: -1 });
    sim.at(10, () => fired.push('at10-now'));
    sim.schedule(5, () => fired.push('schedule5-p-1'), { priority: -1 });
    sim.run();
    expect(fired).toEqual(['at10-now', 'schedule2-p-1', 'at12', 'schedule5-p-1', 'at15', 'schedule5']);
  });

  it('at() inside a callback takes an absolute time, schedule() a delay from now', () => {
    const sim = new Simulation();
    const times: number[] = [];
    sim.schedule(4, () => {
      sim.at(6, () => times.push(sim.now));
      sim.schedule(6, () => times.push(sim.now));
    });
    sim.run();
    expect(times).toEqual([6, 10]);
  });

  it('starts the clock at the given start time and schedules relative to it', () => {
    const sim = new Simulation({ start: 100 });
    expect(sim.now).toBe(100);
    let at = -1;
    sim.schedule(2.5, () => (at = sim.now));
    sim.run();
    expect(at).toBe(102.5);
  });

  it('accepts fractional times and keeps them exact', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    sim.schedule(0.3, () => fired.push(sim.now));
    sim.schedule(0.1, () => fired.push(sim.now));
    sim.schedule(0.2, () => fired.push(sim.now));
    sim.run();
    expect(fired).toEqual([0.1, 0.2, 0.3]);
  });

  describe('rejects invalid input with RangeError', () => {
    const noop = (): void => {};

    it.each([-1, -1e-9, NaN, Infinity, -Infinity])('schedule delay %s', (delay) => {
      const sim = new Simulation();
      expect(() => sim.schedule(delay, noop)).toThrow(RangeError);
      expect(sim.pending).toBe(0);
    });

    it.each([NaN, Infinity, -Infinity])('at time %s', (time) => {
      const sim = new Simulation();
      expect(() => sim.at(time, noop)).toThrow(RangeError);
    });

    it('at a time in the past', () => {
      const sim = new Simulation({ start: 5 });
      expect(() => sim.at(4.999, noop)).toThrow(RangeError);
      expect(() => sim.at(5, noop)).not.toThrow();
    });

    it.each([0.5, NaN, Infinity, -Infinity, URGENT, URGENT - 1, LOWEST + 1, 1e9, -1e9])('priority %s', (priority) => {
      const sim = new Simulation();
      expect(() => sim.schedule(1, noop, { priority })).toThrow(RangeError);
      expect(() => sim.at(1, noop, { priority })).toThrow(RangeError);
      expect(sim.pending).toBe(0);
    });

    it('accepts the extreme valid priorities', () => {
      const sim = new Simulation();
      expect(() => sim.schedule(1, noop, { priority: URGENT + 1 })).not.toThrow();
      expect(() => sim.schedule(1, noop, { priority: LOWEST })).not.toThrow();
      expect(sim.pending).toBe(2);
    });

    it.each([NaN, Infinity, -Infinity])('start time %s', (start) => {
      expect(() => new Simulation({ start })).toThrow(RangeError);
    });

    it.each([-1, NaN, Infinity])('timeout delay %s', (delay) => {
      const sim = new Simulation();
      expect(() => sim.timeout(delay)).toThrow(RangeError);
    });
  });

  it('fires 10,000 random callbacks in stable (time, priority, insertion) order', () => {
    const rng = seedrandom.alea('x');
    const sim = new Simulation();
    const count = 10_000;
    const specs: { time: number; priority: number; index: number }[] = [];
    const fired: number[] = [];
    for (let index = 0; index < count; index++) {
      const time = Math.floor(rng() * 51); // 0..50
      const priority = Math.floor(rng() * 7) - 3; // -3..3
      specs.push({ time, priority, index });
      // Alternate between relative and absolute scheduling: both must order identically.
      if (index % 2 === 0) sim.schedule(time, () => fired.push(index), { priority });
      else sim.at(time, () => fired.push(index), { priority });
    }
    // Sanity: the generator really spreads over the whole ranges.
    expect(new Set(specs.map((s) => s.time)).size).toBe(51);
    expect(new Set(specs.map((s) => s.priority)).size).toBe(7);

    expect(sim.pending).toBe(count);
    sim.run();
    // Array.prototype.sort is stable, so ties keep insertion order.
    const expected = [...specs].sort((a, b) => a.time - b.time || a.priority - b.priority).map((s) => s.index);
    expect(fired).toEqual(expected);
    expect(sim.eventsFired).toBe(count);
    expect(sim.now).toBe(Math.max(...specs.map((s) => s.time)));
  });

  it('keeps (time, priority, sequence) order when random callbacks schedule more callbacks as they fire', () => {
    // A reference agenda (a plain list) shadows the real one: every firing must be its minimum.
    const rng = seedrandom.alea('x');
    const sim = new Simulation();
    type Rec = { time: number; priority: number; seq: number };
    const reference: Rec[] = [];
    let seq = 0;
    let firings = 0;
    const before = (a: Rec, b: Rec): boolean =>
      a.time < b.time || (a.time === b.time && (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)));
    const add = (delay: number, depth: number): void => {
      const priority = Math.floor(rng() * 7) - 3;
      const record: Rec = { time: sim.now + delay, priority, seq: seq++ };
      reference.push(record);
      sim.schedule(
        delay,
        () => {
          let min = 0;
          for (let i = 1; i < reference.length; i++) if (before(reference[i]!, reference[min]!)) min = i;
          expect(reference[min]).toBe(record);
          reference.splice(min, 1);
          firings++;
          if (depth < 3 && rng() < 0.7) add(Math.floor(rng() * 6), depth + 1);
        },
        { priority },
      );
    };
    for (let i = 0; i < 1000; i++) add(Math.floor(rng() * 51), 0);
    sim.run();
    expect(reference).toEqual([]);
    expect(firings).toBe(seq);
    expect(seq).toBeGreaterThan(1500);
  });
});
