import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/kernel/random.js';
import { Simulation } from '../../src/kernel/simulation.js';
import { Tally, TimeWeighted } from '../../src/kernel/stats.js';

/** Draws `count` values offset + uniform[0, scale) from a seeded stream (never Math.random). */
function seededValues(count: number, offset: number, scale: number, stream = 'tally'): number[] {
  const rng = new RandomStreams(2024, 0).get(stream);
  return Array.from({ length: count }, () => offset + scale * rng());
}

/** Two-pass reference: mean (with a correction pass), then the sum of squared deviations from it. */
function twoPass(values: readonly number[]): { mean: number; variance: number } {
  const n = values.length;
  let sum = 0;
  for (const x of values) sum += x;
  let mean = sum / n;
  // The correction pass removes the rounding error of the first sum (Björck's refinement).
  let residual = 0;
  for (const x of values) residual += x - mean;
  mean += residual / n;
  let squares = 0;
  for (const x of values) squares += (x - mean) ** 2;
  return { mean, variance: squares / (n - 1) };
}

/** The textbook one-pass formula (sum of squares minus n mean^2), which cancels catastrophically. */
function naiveVariance(values: readonly number[]): number {
  let sum = 0;
  let sumSquares = 0;
  for (const x of values) {
    sum += x;
    sumSquares += x * x;
  }
  const n = values.length;
  return (sumSquares - (sum * sum) / n) / (n - 1);
}

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** A clock the test moves by hand. */
function manualClock(now = 0): { now: number } {
  return { now };
}

describe('Tally', () => {
  it('refuses a NaN where it comes in, which made its mean and summary NaN while its min and max skipped it', () => {
    const tally = new Tally();
    tally.record(2);
    expect(() => tally.record(Number.NaN)).toThrow(new RangeError('Tally.record takes a number, got NaN'));
    expect(() => tally.record('3' as unknown as number)).toThrow(RangeError);
    expect([tally.count, tally.mean]).toEqual([1, 2]);
  });

  it('has count 0 and NaN mean, variance and sd before any observation', () => {
    const tally = new Tally();
    expect(tally.count).toBe(0);
    expect(tally.mean).toBeNaN();
    expect(tally.variance).toBeNaN();
    expect(tally.sd).toBeNaN();
  });

  it('defines the mean after one observation and the variance only after two', () => {
    const tally = new Tally();
    tally.record(3.5);
    expect(tally.count).toBe(1);
    expect(tally.mean).toBe(3.5);
    expect(tally.variance).toBeNaN();
    expect(tally.min).toBe(3.5);
    expect(tally.max).toBe(3.5);
    tally.record(5.5);
    expect(tally.mean).toBe(4.5);
    expect(tally.variance).toBe(2); // ((3.5-4.5)^2 + (5.5-4.5)^2) / (2 - 1)
  });

  it('gives count, mean, sample variance, min and max of a small hand-checked sample', () => {
    const tally = new Tally();
    for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) tally.record(x);
    expect(tally.count).toBe(8);
    expect(tally.mean).toBe(5);
    expect(tally.variance).toBeCloseTo(32 / 7, 14); // sum of squared deviations 32, n - 1 = 7
    expect(tally.sd).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(tally.min).toBe(2);
    expect(tally.max).toBe(9);
  });

  it('matches a two-pass computation on 10,000 values', () => {
    const values = seededValues(10_000, 0, 10);
    const tally = new Tally();
    for (const x of values) tally.record(x);
    const reference = twoPass(values);
    expect(tally.count).toBe(10_000);
    expect(relativeError(tally.mean, reference.mean)).toBeLessThan(1e-12);
    expect(relativeError(tally.variance, reference.variance)).toBeLessThan(1e-12);
    expect(tally.min).toBe(Math.min(...values));
    expect(tally.max).toBe(Math.max(...values));
  });

  it('stays accurate with a large offset (1e9 + x) where the naive formula collapses', () => {
    const values = seededValues(10_000, 1e9, 1);
    const tally = new Tally();
    for (const x of values) tally.record(x);
    const reference = twoPass(values);
    // Uniform[0, 1) has variance 1/12; the offset must not change that.
    expect(reference.variance).toBeCloseTo(1 / 12, 2);
    // Near 1e9 one ulp is 1.2e-7, a relative 4e-7 of the deviations (sd ~0.29). Welford's running mean
    // drifts by a few dozen ulps over 10,000 updates (measured: 2.6e-6), and its variance agrees with the
    // two-pass one to about 1e-8 (measured: 1.4e-8); the bounds leave a margin of about 4 and 70.
    expect(Math.abs(tally.mean - reference.mean)).toBeLessThan(1e-5);
    expect(relativeError(tally.variance, reference.variance)).toBeLessThan(1e-6);
    // The control: sum of squares minus n mean^2 loses every significant digit here.
    expect(relativeError(naiveVariance(values), reference.variance)).toBeGreaterThan(0.1);
  });

  it('merging tallies equals recording everything in one', () => {
    const values = seededValues(10_000, 1e9, 5, 'merge');
    const whole = new Tally();
    for (const x of values) whole.record(x);
    // Unequal parts, one of them empty, merged in either direction.
    const parts = [values.slice(0, 1), values.slice(1, 3_001), [], values.slice(3_001)];
    const tallies = parts.map((part) => {
      const tally = new Tally();
      for (const x of part) tally.record(x);
      return tally;
    });
    const merged = new Tally();
    for (const tally of tallies) merged.merge(tally);
    expect(merged.count).toBe(whole.count);
    // Both orders of summation round differently near 1e9 (one ulp is 1.2e-7): agree to well under the sd (~1.4).
    expect(Math.abs(merged.mean - whole.mean)).toBeLessThan(1e-5);
    expect(relativeError(merged.variance, whole.variance)).toBeLessThan(1e-6);
    expect(merged.min).toBe(whole.min);
    expect(merged.max).toBe(whole.max);

    const reversed = new Tally();
    for (const tally of [...tallies].reverse()) reversed.merge(tally);
    expect(reversed.count).toBe(whole.count);
    expect(Math.abs(reversed.mean - whole.mean)).toBeLessThan(1e-5);
    expect(relativeError(reversed.variance, whole.variance)).toBeLessThan(1e-6);
    expect(reversed.min).toBe(whole.min);
    expect(reversed.max).toBe(whole.max);
  });

  it('merging an empty tally changes nothing, and merging into an empty one copies', () => {
    const tally = new Tally();
    for (const x of [1, 2, 6]) tally.record(x);
    const before = tally.summary();
    tally.merge(new Tally());
    expect(tally.summary()).toEqual(before);

    const empty = new Tally();
    empty.merge(tally);
    expect(empty.summary()).toEqual(before);
    // A copy, not an alias: later records on the source do not leak.
    tally.record(100);
    expect(empty.summary()).toEqual(before);
  });

  it('summary is a plain record', () => {
    const tally = new Tally();
    for (const x of [1, 2, 3]) tally.record(x);
    const summary = tally.summary();
    expect(Object.getPrototypeOf(summary)).toBe(Object.prototype);
    expect(summary).toEqual({ count: 3, mean: 2, variance: 1, sd: 1, min: 1, max: 3 });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('TimeWeighted', () => {
  // The level is 1 on [2, 3), 4 on [3, 6), 0 on [6, 7), 2 on [7, 10]:
  // integral 1*1 + 4*3 + 0*1 + 2*3 = 19 over a duration of 8, so a time average of 2.375.
  function stepFunction(): { clock: { now: number }; level: TimeWeighted } {
    const clock = manualClock(2);
    const level = new TimeWeighted(clock, 1);
    clock.now = 3;
    level.set(4);
    clock.now = 6;
    level.set(0);
    clock.now = 7;
    level.add(2);
    clock.now = 10;
    return { clock, level };
  }

  it('integrates a hand-computed step function', () => {
    const { level } = stepFunction();
    expect(level.integral).toBe(19);
    expect(level.timeAverage).toBe(19 / 8);
    expect(level.level).toBe(2);
    expect(level.min).toBe(0);
    expect(level.max).toBe(4);
  });

  it('summary is plain data as of now', () => {
    const { clock, level } = stepFunction();
    const summary = level.summary();
    expect(Object.getPrototypeOf(summary)).toBe(Object.prototype);
    expect(summary).toEqual({ duration: 8, integral: 19, timeAverage: 2.375, level: 2, min: 0, max: 4 });
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    // The record is a snapshot: time passing afterwards changes the tracker, not the record.
    clock.now = 12;
    expect(summary.integral).toBe(19);
    expect(level.integral).toBe(23);
    expect(level.timeAverage).toBe(23 / 10);
  });

  it('counts only the last of two sets at the same time', () => {
    const clock = manualClock(0);
    const level = new TimeWeighted(clock, 0);
    clock.now = 1;
    level.set(3);
    level.set(2); // same instant: the 3 held for no time
    clock.now = 5;
    expect(level.integral).toBe(8); // 0*1 + 2*4
    expect(level.timeAverage).toBe(8 / 5);
    expect(level.level).toBe(2);
    expect(level.min).toBe(0);
    expect(level.max).toBe(3);
  });

  it('with duration 0 has integral 0 and reports the current level as its average', () => {
    const clock = manualClock(7);
    const level = new TimeWeighted(clock, 5);
    expect(level.summary()).toEqual({ duration: 0, integral: 0, timeAverage: 5, level: 5, min: 5, max: 5 });
    level.set(9);
    const summary = level.summary();
    expect(summary.duration).toBe(0);
    expect(summary.integral).toBe(0);
    expect(summary.timeAverage).toBe(9);
    expect(Number.isFinite(summary.timeAverage)).toBe(true);
  });

  it('takePeriodAverage gives the period\'s time average and starts the next period at the current level', () => {
    const { clock, level } = stepFunction();
    expect(level.takePeriodAverage()).toBe(19 / 8);
    // The new period starts now at the level held: integral 0, min and max the level.
    expect(level.summary()).toEqual({ duration: 0, integral: 0, timeAverage: 2, level: 2, min: 2, max: 2 });
    clock.now = 11;
    level.set(6); // 2 on [10, 11)
    clock.now = 14; // 6 on [11, 14)
    expect(level.integral).toBe(2 + 18);
    expect(level.min).toBe(2);
    expect(level.max).toBe(6);
    expect(level.takePeriodAverage()).toBe(20 / 4);
    // A period of no time averages to the level, as timeAverage does.
    expect(level.takePeriodAverage()).toBe(6);
  });

  it('takePeriodAverage sums each period\'s area change by change, as the area since creation would be summed', () => {
    // Levels that change at uneven times: each period's average is its own area, summed in the order
    // of the changes from 0, over its duration, to the last bit.
    const rng = new RandomStreams(2024, 0).get('periods');
    const clock = manualClock(0);
    const level = new TimeWeighted(clock, 0);
    let area = 0;
    let held = 0;
    let last = 0;
    let periodStart = 0;
    for (let step = 1; step <= 200; step++) {
      const now = step * 0.37 + rng();
      clock.now = now;
      if (step % 10 === 0) {
        const expected = (area + held * (now - last)) / (now - periodStart);
        expect(level.takePeriodAverage()).toBe(expected);
        area = 0;
        last = now;
        periodStart = now;
        continue;
      }
      area += held * (now - last);
      last = now;
      held = 10 * rng();
      level.set(held);
    }
  });

  it('reads the time from a Simulation and starts at its creation time', () => {
    const sim = new Simulation();
    let level: TimeWeighted | undefined;
    sim.schedule(4, () => {
      level = new TimeWeighted(sim, 2);
    });
    sim.schedule(5, () => level!.add(1)); // 2 on [4, 5)
    sim.schedule(9, () => level!.add(-3)); // 3 on [5, 9), then 0
    sim.run({ until: 12 });
    expect(sim.now).toBe(12);
    expect(level!.summary()).toEqual({ duration: 8, integral: 14, timeAverage: 14 / 8, level: 0, min: 0, max: 3 });
  });
});
