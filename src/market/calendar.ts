import { DAYS_PER_YEAR } from '../scenario/time.js';

/** Calendar arithmetic: the model runs in days since the scenario's start, and reports by calendar month. */

const MS_PER_DAY = 86_400_000;

/** Days from the ISO date `from` to the ISO date `to` (UTC, so no daylight-saving drift). */
export function daysBetween(from: string, to: string): number {
  return Math.round((midnightMs(to) - midnightMs(from)) / MS_PER_DAY);
}

/** The ISO date `days` after `start`. */
export function dateAfter(start: string, days: number): string {
  return dateAfterEpochDay(epochDay(start), days);
}

/** Days from 1970-01-01 to the ISO date `date`. */
export function epochDay(date: string): number {
  return midnightMs(date) / MS_PER_DAY;
}

// Every run turns the scenario's dates (start, end, releases, contracts, timeline) into days
// again, a few dozen Date.parse calls a run; the parsed dates are kept, by date string.
const parsedDates = new Map<string, number>();
// A bound, should a caller ever pass ever new dates.
const MAX_REMEMBERED_DATES = 100_000;

// The date asked for last, and its value: dates come in runs (a month's events, a month's rows),
// and a look-up in a table of thousands of dates misses the cache.
let lastDate = '';
let lastMs = NaN;

// Milliseconds since the epoch at 00:00 UTC of the ISO date `date` (NaN if it is not one).
function midnightMs(date: string): number {
  if (date === lastDate) return lastMs;
  let ms = parsedDates.get(date);
  if (ms === undefined) {
    ms = Date.parse(`${date}T00:00:00Z`);
    if (parsedDates.size < MAX_REMEMBERED_DATES) parsedDates.set(date, ms);
  }
  lastDate = date;
  lastMs = ms;
  return ms;
}

// Every run dates its events on much the same days (month ends, the timeline's dates), so the
// dates are kept: a look-up costs a fifth of working one out.
const civilDates = new Map<number, string>();

// The day dated last, and its date (events come in runs on the same day: a round's contracts).
let lastEpochDays = NaN;
let lastCivilDate = '';

/** `dateAfter` for a start given as `epochDay(start)`: a run dates its events without parsing its start each time. */
export function dateAfterEpochDay(startEpochDay: number, days: number): string {
  const epochDays = startEpochDay + Math.floor(days);
  if (epochDays === lastEpochDays) return lastCivilDate;
  let date = civilDates.get(epochDays);
  if (date === undefined) {
    date = civilDate(epochDays);
    if (civilDates.size < MAX_REMEMBERED_DATES) civilDates.set(epochDays, date);
  }
  lastEpochDays = epochDays;
  lastCivilDate = date;
  return date;
}

// Days since 1970-01-01 to YYYY-MM-DD by Howard Hinnant's civil_from_days: events of note are
// dated in the run's inner loop, where building Date objects shows in profiles.
function civilDate(epochDays: number): string {
  const z = epochDays + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
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

/** Days per year, for converting rates and `t` (years since start): the scenario language's year. */
export { DAYS_PER_YEAR };
/** Hours per day, for converting compute held over time into H100e-hours. */
export const HOURS_PER_DAY = 24;
/** Days in an average month (a twelfth of a year), for terms and rates given in months. */
export const AVERAGE_MONTH_DAYS = DAYS_PER_YEAR / 12;
