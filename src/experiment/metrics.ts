import { Tally } from '../kernel/stats.js';
import type { TableBlock } from '../io/columns.js';
import { LAB_FIGURES } from '../io/layout.js';
import type { BatchDescription, ColumnSpec } from '../io/layout.js';

/**
 * The key metrics of a batch: the run-level figures that summaries, stopping rules and variant
 * comparisons are about, kept per variant in run order (8 bytes a run and metric, so a 100,000-run
 * batch keeps a few MB however long its series are).
 */

/** The names of a batch's key metrics, as columns of the runs table. */
export function keyMetrics(description: BatchDescription): string[] {
  return [
    ...description.labs.flatMap((lab) => LAB_FIGURES.map((figure) => `labs.${lab}.${figure}`)),
    ...description.providers.map((provider) => `providers.${provider}.finalMarketShare`),
    'market.avgSpotPriceUsdPerGpuHour',
    'market.avgContractPriceUsdPerGpuHour',
    'market.shocks',
  ];
}

/** The most runs a MetricSeries reserves room for up front (8 MB a metric); past it, it grows as runs come. */
const PREALLOCATED_RUNS = 1 << 20;

/** Values of each key metric by variant, appended block by block. */
export class MetricSeries {
  readonly names: string[];
  private readonly columns: number[];
  private readonly values: Float64Array[][];
  /** Running mean and variance of each, for a stopping rule consulted after every block without re-reading every run. */
  private readonly tallies: Tally[][];
  private length = 0;

  /**
   * `expectedRuns`, when known (a batch's runs, or its most with a stopping rule), sizes the arrays once:
   * untouched pages of a large typed array are never made resident, while growing by doubling would keep
   * up to twice the runs, and both arrays during each copy (tens of MB in a 100,000-run batch). Sized
   * for at most PREALLOCATED_RUNS, so a batch allowed 2^31 runs does not reserve 16 GB per metric.
   */
  constructor(description: BatchDescription, layout: readonly ColumnSpec[], expectedRuns = 1024) {
    this.names = keyMetrics(description);
    this.columns = this.names.map((name) => layout.findIndex((column) => column.name === name));
    this.values = description.variants.map(() => this.names.map(() => new Float64Array(Math.min(PREALLOCATED_RUNS, Math.max(1, expectedRuns)))));
    this.tallies = description.variants.map(() => this.names.map(() => new Tally()));
  }

  /** Runs recorded per variant. */
  get runs(): number {
    return this.length;
  }

  /** Appends a block of the runs table, whose rows are in (run, variant) order. */
  add(block: TableBlock): void {
    const variants = this.values.length;
    const runs = block.rows / variants;
    this.reserve(this.length + runs);
    this.columns.forEach((column, m) => {
      const data = block.columns[column]!;
      if (data.type !== 'float64') throw new Error(`key metric ${this.names[m]} is not a number column`);
      const valid = data.valid;
      for (let row = 0; row < block.rows; row++) {
        // A missing value (a lab that won no tender has no tender price) is NaN here, and no observation for the tally.
        const missing = valid !== undefined && (valid[row >> 3]! & (1 << (row & 7))) === 0;
        const value = missing ? NaN : data.values[row]!;
        this.values[row % variants]![m]![this.length + Math.floor(row / variants)] = value;
        if (!missing) this.tallies[row % variants]![m]!.record(value);
      }
    });
    this.length += runs;
  }

  /** The values of metric `name` in variant `variant`, one per run. */
  of(variant: number, name: string): Float64Array {
    return this.values[variant]![this.indexOf(name)]!.subarray(0, this.length);
  }

  /** The running tally of metric `name` in variant `variant`. */
  tally(variant: number, name: string): Tally {
    return this.tallies[variant]![this.indexOf(name)]!;
  }

  private indexOf(name: string): number {
    const m = this.names.indexOf(name);
    if (m < 0) throw new Error(`no key metric ${name}`);
    return m;
  }

  private reserve(length: number): void {
    const capacity = this.values[0]![0]!.length;
    if (length <= capacity) return;
    const grown = Math.max(length, capacity * 2);
    for (const variant of this.values) {
      variant.forEach((values, m) => {
        const bigger = new Float64Array(grown);
        bigger.set(values);
        variant[m] = bigger;
      });
    }
  }
}
