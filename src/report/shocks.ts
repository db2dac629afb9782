import { join } from 'node:path';
import { sortedQuantile } from '../experiment/statistics.js';
import { EVENT_KINDS } from '../io/layout.js';
import type { BatchDescription } from '../io/layout.js';
import { codes, column, integers, numbers, recordBatches } from './results.js';

/**
 * The shocks that struck, from `events.arrow`: how often each shock occurred, when, and how large,
 * per variant. Like the fans, it reads the first runs only (a random sample of the batch).
 */

/** One shock's record over the runs read. */
export interface ShockRecord {
  variant: string;
  shock: string;
  /** Share of runs in which it struck at least once. */
  runsShare: number;
  /** Occurrences per run, on average. */
  perRun: number;
  /** Mean share of capacity lost while it lasted. */
  meanMagnitude: number;
  /** Median duration of the occurrences that ended before the horizon, in days (NaN if none did). */
  medianDurationDays: number;
}

/** Occurrences of one shock starting in one month, per variant. */
export interface ShockMonth {
  variant: string;
  shock: string;
  /** First day of the month, YYYY-MM-01. */
  month: string;
  /** Occurrences that started this month per run read. */
  perRun: number;
  meanMagnitude: number;
}

/** The shocks of a batch's first runs. */
export interface Shocks {
  records: ShockRecord[];
  months: ShockMonth[];
  runsUsed: number;
}

interface Tallies {
  runs: Set<number>;
  count: number;
  magnitude: number;
  durations: number[];
  byMonth: Map<string, { count: number; magnitude: number }>;
}

/** Reads shock starts and ends of the first `maxRuns` runs of `events.arrow`. */
export async function readShocks(dir: string, description: BatchDescription, maxRuns: number): Promise<Shocks> {
  const file = join(dir, 'events.arrow');
  const start = EVENT_KINDS.indexOf('shock-start');
  const end = EVENT_KINDS.indexOf('shock-end');
  const tallies = new Map<string, Tallies>();
  const runsSeen = new Set<number>();
  reading: for await (const batch of recordBatches(file)) {
    const run = integers(column(batch, 'run', file));
    const kind = codes(batch, 'kind', EVENT_KINDS, file);
    const variant = codes(batch, 'variant', description.variants, file);
    const magnitude = numbers(column(batch, 'magnitude', file));
    const duration = numbers(column(batch, 'durationDays', file));
    const shockOf = codes(batch, 'shock', description.shocks, file);
    const date = column(batch, 'date', file);
    for (let row = 0; row < batch.numRows; row++) {
      const r = run[row] as number;
      if (!runsSeen.has(r)) {
        if (runsSeen.size >= maxRuns) break reading;
        runsSeen.add(r);
      }
      const k = kind[row];
      if (k !== start && k !== end) continue;
      const shock = description.shocks[shockOf[row] as number] ?? '?';
      const v = variant[row] as number;
      const key = `${v}\u0000${shock}`;
      if (k === end) {
        // An end carries its occurrence's own duration: occurrences of one shock overlap, so pairing an
        // end with an open start of the shock could give a short occurrence a longer one's start.
        const ended = tallies.get(key);
        if (ended) ended.durations.push(duration[row] as number);
        continue;
      }
      let tally = tallies.get(key);
      if (!tally) tallies.set(key, (tally = { runs: new Set(), count: 0, magnitude: 0, durations: [], byMonth: new Map() }));
      tally.runs.add(r);
      tally.count++;
      tally.magnitude += magnitude[row] as number;
      const month = `${new Date(Number(date.get(row))).toISOString().slice(0, 7)}-01`;
      const inMonth = tally.byMonth.get(month) ?? { count: 0, magnitude: 0 };
      inMonth.count++;
      inMonth.magnitude += magnitude[row] as number;
      tally.byMonth.set(month, inMonth);
    }
  }
  const runsUsed = runsSeen.size;
  const records: ShockRecord[] = [];
  const months: ShockMonth[] = [];
  for (const [key, tally] of tallies) {
    const [v, shock] = key.split('\u0000') as [string, string];
    const variant = description.variants[Number(v)]!;
    const median = sortedQuantile(Float64Array.from(tally.durations).sort(), 0.5);
    records.push({ variant, shock, runsShare: tally.runs.size / runsUsed, perRun: tally.count / runsUsed, meanMagnitude: tally.magnitude / tally.count, medianDurationDays: median });
    for (const [month, inMonth] of tally.byMonth) months.push({ variant, shock, month, perRun: inMonth.count / runsUsed, meanMagnitude: inMonth.magnitude / inMonth.count });
  }
  records.sort((a, b) => a.shock.localeCompare(b.shock) || description.variants.indexOf(a.variant) - description.variants.indexOf(b.variant));
  months.sort((a, b) => a.shock.localeCompare(b.shock) || a.month.localeCompare(b.month));
  return { records, months, runsUsed };
}
