import { describe, expect, it } from 'vitest';
import { DAYS_PER_YEAR, fractionalYear } from '../../src/scenario/time.js';

describe("a scenario's time", () => {
  it('counts `t` in years of 365.25 days', () => {
    expect(DAYS_PER_YEAR).toBe(365.25);
  });

  it('gives `year` at the start as the calendar year and the days gone in it', () => {
    expect(fractionalYear('2025-01-01')).toBe(2025);
    expect(fractionalYear('2025-07-02')).toBe(2025 + 182 / 365.25);
    expect(fractionalYear('2024-12-31')).toBe(2024 + 365 / 365.25);
    expect(fractionalYear('2024-03-01')).toBe(2024 + 60 / 365.25); // 2024 is a leap year
  });
});
