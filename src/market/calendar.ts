/** Calendar arithmetic: the model runs in days since the scenario's start, and reports by calendar month. */

const MS_PER_DAY = 86_400_000;

/** Days from the ISO date `from` to the ISO date `to` (UTC, so no daylight-saving drift). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / MS_PER_DAY);
}

/** The ISO date `days` after `start`. */
export function dateAfter(start: string, days: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + Math.floor(days) * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The calendar months a scenario covers: their first days (offsets from start) and labels. */
export interface Months {
  /** Day offset of each month's first day; month 0 starts on the scenario's start. */
  startDay: number[];
  /** Length of each month in days (the last one ends the day after the scenario's end). */
  days: number[];
  /** YYYY-MM-DD of each month's first simulated day. */
  date: string[];
}

/** Splits [start, end] into calendar months (a start mid-month gives a short first month). */
export function calendarMonths(start: string, end: string): Months {
  const endDay = daysBetween(start, end) + 1;
  const months: Months = { startDay: [], days: [], date: [] };
  let [year, month] = start.split('-').map(Number) as [number, number];
  let day = 0;
  while (day < endDay) {
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
    const next = Math.min(daysBetween(start, `${year}-${String(month).padStart(2, '0')}-01`), endDay);
    months.startDay.push(day);
    months.days.push(next - day);
    months.date.push(dateAfter(start, day));
    day = next;
  }
  return months;
}

/** Days per year, for converting rates and `t` (years since start). */
export const DAYS_PER_YEAR = 365.25;
/** Hours per day, for converting compute held over time into H100e-hours. */
export const HOURS_PER_DAY = 24;
