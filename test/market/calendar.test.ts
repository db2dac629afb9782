import { describe, expect, it } from 'vitest';
import { calendarMonths, dateAfter, daysBetween } from '../../src/market/calendar.js';

describe('calendar', () => {
  it('dates a day offset like the platform calendar does, across leap years and centuries', () => {
    for (const start of ['2025-01-01', '1999-12-31', '2024-02-28', '2099-06-15']) {
      for (let days = 0; days < 3000; days += 37) {
        const expected = new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
        expect(dateAfter(start, days)).toBe(expected);
        expect(daysBetween(start, expected)).toBe(days);
      }
    }
    expect(dateAfter('2025-01-01', 10.7)).toBe('2025-01-11');
  });

  it('splits a span into calendar months, a mid-month start giving a short first month', () => {
    const months = calendarMonths('2025-01-15', '2025-04-30');
    expect(months.date).toEqual(['2025-01-15', '2025-02-01', '2025-03-01', '2025-04-01']);
    expect(months.days).toEqual([17, 28, 31, 30]);
    expect(months.startDay).toEqual([0, 17, 45, 76]);
  });

  it('covers every day of a multi-year span exactly once', () => {
    const months = calendarMonths('2025-01-01', '2030-12-31');
    expect(months.date).toHaveLength(72);
    expect(months.days.reduce((a, b) => a + b, 0)).toBe(daysBetween('2025-01-01', '2030-12-31') + 1);
  });
});
