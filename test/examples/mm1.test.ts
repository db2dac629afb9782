import { describe, expect, it } from 'vitest';
import { MM1_RATES, mm1 } from '../../src/examples/mm1.js';

describe('the mm1 example', () => {
  it('reports the theoretical mean time in system and utilisation', () => {
    const result = mm1(0.5, 1, 200_000, 7);
    expect(result.customers).toBe(200_000);
    expect(Math.abs(result.meanTimeInSystem - 2)).toBeLessThan(0.1);
    expect(Math.abs(result.utilisation - 0.5)).toBeLessThan(0.01);
  });

  it('refuses a rate outside MM1_RATES and a count of customers that is not a positive integer', () => {
    expect(() => mm1(-1, 1, 10)).toThrow(new RangeError('mm1: lambda must be a rate from 1e-12 to 1000000000000, got -1'));
    expect(() => mm1(0.5, MM1_RATES.max * 2, 10)).toThrow(/^mm1: mu must be a rate/);
    expect(() => mm1(Number.NaN, 1, 10)).toThrow(/^mm1: lambda must be a rate/);
    expect(() => mm1('0.5' as unknown as number, 1, 10)).toThrow(/^mm1: lambda must be a rate from .*, got 0\.5$/);
    for (const customers of [0, 2.5, -3, Infinity]) expect(() => mm1(0.5, 1, customers)).toThrow(`mm1: customers must be a positive integer, got ${customers}`);
    expect(mm1(MM1_RATES.min, MM1_RATES.max, 3).customers).toBe(3);
  });

  it('simulates an unstable queue as asked: the time in system grows with the number of customers', () => {
    expect(mm1(2, 1, 20_000, 5).meanTimeInSystem).toBeGreaterThan(mm1(2, 1, 2_000, 5).meanTimeInSystem * 5);
  });

  it('gives the same numbers for the same seed and different ones for another', () => {
    expect(mm1(0.5, 1, 5_000, 3)).toEqual(mm1(0.5, 1, 5_000, 3));
    expect(mm1(0.5, 1, 5_000, 3).meanTimeInSystem).not.toBe(mm1(0.5, 1, 5_000, 4).meanTimeInSystem);
  });
});
