import { sortedQuantile } from '../experiment/statistics.js';
import type { SeriesLayout } from './series.js';

/**
 * Fan charts' bands: for each month, quantiles over runs of a headline series (p5-p95, p25-p75 and
 * the median), the type-7 quantiles the batch summary uses. The runs' records of one variant are
 * kept in run order, so a percentile run can be found again.
 */

/** The quantiles a fan chart draws. */
export const FAN_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** One series' bands: `bands[q][month]` is quantile FAN_QUANTILES[q] of that month over the runs that have it (NaN where none has). */
export interface Fan {
  bands: Float64Array[];
  /** Runs over which the bands are taken. */
  runs: number;
}

/** The most values a store sets aside before runs arrive: 64 MB. */
const RESERVED_VALUES = 8 * 1024 * 1024;

/** Every run's headline records of one variant, in run order. */
export class SeriesStore {
  private values: Float64Array;
  /** Runs stored. */
  runs = 0;

  /**
   * A store with room for `expectedRuns` runs, up to 64 MB (it grows past them), so that it is not
   * copied again and again as the runs of a batch arrive.
   */
  constructor(readonly layout: SeriesLayout, expectedRuns = 0) {
    this.values = new Float64Array(Math.min(expectedRuns, Math.floor(RESERVED_VALUES / layout.length)) * layout.length);
  }

  /** Appends `count` records taken `stride` apart from `records`, starting at record `first` (blocks interleave their variants). */
  add(records: Float64Array, first: number, count: number, stride: number): void {
    const length = this.layout.length;
    const needed = (this.runs + count) * length;
    if (needed > this.values.length) {
      const grown = new Float64Array(Math.max(needed, this.values.length * 2));
      grown.set(this.values.subarray(0, this.runs * length));
      this.values = grown;
    }
    for (let i = 0; i < count; i++) {
      const from = (first + i * stride) * length;
      this.values.set(records.subarray(from, from + length), (this.runs + i) * length);
    }
    this.runs += count;
  }

  /** The value of month `month` of the series at `offset` in run `run` (a position in run order). */
  value(run: number, offset: number, month: number): number {
    return this.values[run * this.layout.length + offset + month]!;
  }

  /**
   * The bands of the series at `offset`, over the first `runs` runs (default all); with `per`, of the
   * series divided by the one at `per` month by month (a shortfall over its demand), a month with a
   * zero divisor counting as 0.
   */
  fan(offset: number, per?: number, runs = this.runs): Fan {
    const { months, length } = this.layout;
    const bands = FAN_QUANTILES.map(() => new Float64Array(months));
    // Each month's column over the runs, filled run by run: a run's months lie side by side, where a
    // month's runs lie a whole record apart (read a month at a time, they would be most of a drawing's time).
    const columns = new Float64Array(months * runs);
    const counts = new Uint32Array(months);
    for (let run = 0; run < runs; run++) {
      const at = run * length;
      for (let month = 0; month < months; month++) {
        let value = this.values[at + offset + month]!;
        if (per !== undefined) {
          const divisor = this.values[at + per + month]!;
          value = divisor === 0 ? 0 : value / divisor;
        }
        if (!Number.isNaN(value)) columns[month * runs + counts[month]!++] = value;
      }
    }
    for (let month = 0; month < months; month++) {
      const sorted = columns.subarray(month * runs, month * runs + counts[month]!).sort();
      FAN_QUANTILES.forEach((q, i) => (bands[i]![month] = sortedQuantile(sorted, q)));
    }
    return { bands, runs };
  }
}
