import { join } from 'node:path';
import { sortedQuantile } from '../experiment/statistics.js';
import type { RecordBatch } from 'apache-arrow';
import { TABLE_OF_KIND } from '../io/layout.js';
import type { ActorKind, BatchDescription } from '../io/layout.js';
import { H100E, shareOf, USD_PER_H100E_HOUR } from '../io/vocabulary.js';
import { codes, column, integers, numbers, recordBatches } from './results.js';
import { FAN_RUNS } from './fan-runs.js';

/**
 * Fan charts: for each monthly series, the quantiles across runs month by month. Exact quantiles
 * need every run's value, and a 100,000-run batch's series run to gigabytes, so the fans are cut
 * from the first `FAN_RUNS` runs: run indices carry no information (each run's streams come from
 * its index by hashing), so the first runs are a simple random sample of all of them, and the file
 * is in run order, so reading stops there. The page says how many runs a fan is drawn from. Each
 * kind of actor's series are in its own table (market.arrow, labs.arrow, ...).
 */

export { FAN_RUNS };

/** The monthly series the report draws, by chart; each chart has one panel per actor (or per price). Units are the vocabulary's. */
export const FAN_CHARTS = [
  { name: 'fan-lab-secured', kind: 'lab', title: 'Compute secured by each lab (contracted + spot), beside its demand', unit: H100E, percent: false },
  { name: 'fan-lab-shortfall', kind: 'lab', title: "Each lab's shortfall: unmet demand as a share of its demand", unit: shareOf('demand').name, percent: true },
  { name: 'fan-prices', kind: 'market', title: 'Prices: the spot index and the average reserved contract', unit: USD_PER_H100E_HOUR, percent: false },
  { name: 'fan-provider-share', kind: 'provider', title: "Each provider's share of compute sold to labs", unit: shareOf('compute sold').name, percent: true },
  { name: 'fan-provider-utilisation', kind: 'provider', title: "Each provider's utilisation of usable capacity", unit: shareOf('usable capacity').name, percent: true },
  { name: 'fan-supplier-output', kind: 'supplier', title: "Each supplier's monthly output", unit: `${H100E} per month`, percent: false },
] as const satisfies readonly { name: string; kind: ActorKind; title: string; unit: string; percent: boolean }[];

/** The series drawn beside another in its chart: each lab's demand beside the compute it secured. */
export const COMPANION_SERIES = { 'fan-lab-secured': 'fan-lab-demand' } as const;

/** One of FAN_CHARTS. */
export type FanChart = (typeof FAN_CHARTS)[number];

/** One month of one panel of a fan chart for one variant. */
export interface FanPoint {
  chart: FanChart['name'] | 'fan-lab-demand';
  panel: string;
  variant: string;
  date: string;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** The fans of a batch, with how many runs they were drawn from. */
export interface Fans {
  points: FanPoint[];
  runsUsed: number;
  /** Charts whose actor kind the batch did not keep (`--timeseries summary` keeps markets and labs only). */
  missing: FanChart[];
}

/** Values of one (chart, panel, variant): `FAN_RUNS` runs by `months` months, NaN where absent. */
interface Cell {
  chart: FanPoint['chart'];
  panel: string;
  variant: number;
  values: Float64Array;
}

/** Values a report keeps for its fans at most (8 bytes each): with many variants each gets fewer runs. */
const FAN_VALUES_BUDGET = 16_000_000;

/** The kinds of actor the fans are drawn from, each read from its own table (market.arrow, labs.arrow, ...). */
const FAN_KINDS = ['market', 'lab', 'provider', 'supplier'] as const satisfies readonly ActorKind[];

/** Reads the first runs of each kind's monthly table (at most `maxRuns`, fewer when many variants share the memory budget) into fan-chart quantiles. */
export async function readFans(dir: string, description: BatchDescription, runs: number, maxRuns = FAN_RUNS): Promise<Fans> {
  const kinds = FAN_KINDS.filter((kind) => description.timeseriesKinds.includes(kind));
  const missing = FAN_CHARTS.filter((chart) => !(kinds as readonly ActorKind[]).includes(chart.kind));
  if (kinds.length === 0) return { points: [], runsUsed: 0, missing };
  const actorsOf = { market: [], lab: description.labs, provider: description.providers, supplier: description.suppliers };
  const cells = new Map<string, Cell>();
  const dates: string[] = [];
  let months = 0;
  const cellOf = (chart: FanPoint['chart'], panel: string, variant: number): Cell => {
    const key = `${chart}\u0000${panel}\u0000${variant}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { chart, panel, variant, values: new Float64Array(capacity * months).fill(NaN) };
      cells.set(key, cell);
    }
    return cell;
  };
  const seriesPerRun = description.variants.length * (3 * description.labs.length + 2 + 2 * description.providers.length + description.suppliers.length);
  let capacity = 0;
  let slot = -1;
  for (const kind of kinds) {
    const file = join(dir, `${TABLE_OF_KIND[kind]}.arrow`);
    const actorNames: readonly string[] = actorsOf[kind];
    // Each table holds every run in run order: the same first runs are read from each.
    slot = -1;
    let lastRun = Number.NaN;
    reading: for await (const batch of recordBatches(file)) {
      const run = integers(column(batch, 'run', file));
      const month = integers(column(batch, 'month', file));
      if (months === 0) {
        // Every run has every month, and a record batch holds whole runs: the first batch has them all.
        const date = column(batch, 'date', file);
        for (let row = 0; row < batch.numRows; row++) {
          const m = month[row] as number;
          if (dates[m] === undefined) dates[m] = new Date(Number(date.get(row))).toISOString().slice(0, 10);
        }
        months = dates.length;
        capacity = Math.max(1, Math.min(maxRuns, runs, Math.floor(FAN_VALUES_BUDGET / (seriesPerRun * months))));
      }
      const variant = codes(batch, 'variant', description.variants, file);
      const actor = kind === 'market' ? undefined : codes(batch, kind, actorNames, file);
      const draw = drawer(kind, batch, file, cellOf);
      for (let row = 0; row < batch.numRows; row++) {
        if (run[row] !== lastRun) {
          lastRun = run[row] as number;
          if (++slot >= capacity) break reading;
        }
        draw(row, slot * months + (month[row] as number), variant[row] as number, actor ? (actorNames[actor[row] as number] ?? '?') : '');
      }
    }
  }
  const runsUsed = Math.min(slot + 1, capacity);
  const points: FanPoint[] = [];
  const scratch = new Float64Array(runsUsed);
  for (const cell of cells.values()) {
    for (let month = 0; month < months; month++) {
      let n = 0;
      for (let s = 0; s < runsUsed; s++) {
        const value = cell.values[s * months + month] as number;
        if (!Number.isNaN(value)) scratch[n++] = value;
      }
      if (n === 0) continue;
      const sorted = scratch.subarray(0, n).sort();
      const q = (p: number) => sortedQuantile(sorted, p);
      points.push({ chart: cell.chart, panel: cell.panel, variant: description.variants[cell.variant]!, date: dates[month]!, p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) });
    }
  }
  return { points, runsUsed, missing };
}

/**
 * What a row of a kind's table adds to the fans, with the columns of one record batch read once:
 * `at` is the row's place in a cell (run slot and month), `actor` the panel of an actor's row.
 */
function drawer(kind: (typeof FAN_KINDS)[number], batch: RecordBatch, file: string, cellOf: (chart: FanPoint['chart'], panel: string, variant: number) => Cell): (row: number, at: number, variant: number, actor: string) => void {
  const read = (name: string): Float64Array => numbers(column(batch, name, file));
  switch (kind) {
    case 'market': {
      const [spot, contract] = [read('spotPriceUsdPerGpuHour'), read('contractPriceUsdPerGpuHour')];
      return (row, at, v) => {
        cellOf('fan-prices', 'spot', v).values[at] = spot[row]!;
        cellOf('fan-prices', 'reserved contracts', v).values[at] = contract[row]!;
      };
    }
    case 'lab': {
      const [contracted, spot, shortfall, demand] = [read('contractedH100e'), read('spotH100e'), read('shortfallH100e'), read('demandH100e')];
      return (row, at, v, lab) => {
        cellOf('fan-lab-secured', lab, v).values[at] = contracted[row]! + spot[row]!;
        cellOf('fan-lab-demand', lab, v).values[at] = demand[row]!;
        cellOf('fan-lab-shortfall', lab, v).values[at] = demand[row]! > 0 ? shortfall[row]! / demand[row]! : 0;
      };
    }
    case 'provider': {
      const [share, utilization] = [read('marketShare'), read('utilization')];
      return (row, at, v, provider) => {
        cellOf('fan-provider-share', provider, v).values[at] = share[row]!;
        cellOf('fan-provider-utilisation', provider, v).values[at] = utilization[row]!;
      };
    }
    case 'supplier': {
      const production = read('productionH100e');
      return (row, at, v, supplier) => {
        cellOf('fan-supplier-output', supplier, v).values[at] = production[row]!;
      };
    }
  }
}
