/**
 * What time means in a scenario's formulas: `t` is years since the scenario's start, a year being
 * 365.25 days, and `year` is the calendar year, fractional, so that `year` is `t` plus the start's
 * year. The market evaluates formulas with these and validation samples them the same way.
 */

const MS_PER_DAY = 86_400_000;

/** Days in a year of `t`, for converting rates per year and `t` into days. */
export const DAYS_PER_YEAR = 365.25;

/** The ISO date `date` as a fractional calendar year (2025-07-02 is about 2025.5): `year` at `t = 0` for a scenario starting then. */
export function fractionalYear(date: string): number {
  const year = Number(date.slice(0, 4));
  return year + Math.round((Date.parse(date) - Date.UTC(year, 0, 1)) / MS_PER_DAY) / DAYS_PER_YEAR;
}
