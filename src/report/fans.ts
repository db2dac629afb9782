import { join } from 'node:path';
import { sortedQuantile } from '../experiment/statistics.js';
import type { ActorKind, BatchDescription } from '../io/layout.js';
import { H100E, shareOf, USD_PER_H100E_HOUR } from '../io/vocabulary.js';
import { codes, column, integers, numbers, recordBatches } from './results.js';
import { FAN_RUNS } from './fan-runs.js';

/**
 * Fan charts: for each monthly series, the quantiles across runs month by month. Exact quantiles
 * need every run's value, and a 100,000-run batch's series run to gigabytes, so the fans are cut
 * from the first `FAN_RUNS` runs: run indices carry no information (each run's streams come from
 * its index by hashing), so the first runs are a simple random sample of all of them, and the file
 * is in run order, so reading stops there. The page says how many runs a fan is drawn from.
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

/** Reads the first runs of `timeseries.arrow` (at most `maxRuns`, fewer when many variants share the memory budget) into fan-chart quantiles. */
export async function readFans(dir: string, description: BatchDescription, runs: number, maxRuns = FAN_RUNS): Promise<Fans> {
  const kinds = description.timeseriesKinds;
  const missing = FAN_CHARTS.filter((chart) => !kinds.includes(chart.kind));
  if (kinds.length === 0) return { points: [], runsUsed: 0, missing };
  const file = join(dir, 'timeseries.arrow');
  const actorNames = ['market', ...description.labs, ...description.providers, ...description.suppliers];
  const kindNames: ActorKind[] = ['market', 'lab', 'provider', 'supplier'];
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
    const kind = codes(batch, 'kind', kindNames, file);
    const actor = codes(batch, 'actor', actorNames, file);
    const read = (name: string): Float64Array | undefined => (batch.getChild(name) ? numbers(batch.getChild(name)!) : undefined);
    const m = {
      spot: read('spotPriceUsdPerGpuHour'), contractPrice: read('contractPriceUsdPerGpuHour'),
      contracted: read('contractedH100e'), spotH100e: read('spotH100e'), shortfall: read('shortfallH100e'), demand: read('demandH100e'),
      share: read('marketShare'), utilization: read('utilization'), production: read('productionH100e'),
    };
    for (let row = 0; row < batch.numRows; row++) {
      if (run[row] !== lastRun) {
        lastRun = run[row] as number;
        if (++slot >= capacity) break reading;
      }
      const at = slot * months + (month[row] as number);
      const v = variant[row] as number;
      const name = actorNames[actor[row] as number] ?? '?';
      switch (kindNames[kind[row] as number]) {
        case 'market':
          cellOf('fan-prices', 'spot', v).values[at] = m.spot![row]!;
          cellOf('fan-prices', 'reserved contracts', v).values[at] = m.contractPrice![row]!;
          break;
        case 'lab': {
          cellOf('fan-lab-secured', name, v).values[at] = m.contracted![row]! + m.spotH100e![row]!;
          const demand = m.demand![row]!;
          cellOf('fan-lab-demand', name, v).values[at] = demand;
          cellOf('fan-lab-shortfall', name, v).values[at] = demand > 0 ? m.shortfall![row]! / demand : 0;
          break;
        }
        case 'provider':
          cellOf('fan-provider-share', name, v).values[at] = m.share![row]!;
          cellOf('fan-provider-utilisation', name, v).values[at] = m.utilization![row]!;
          break;
        case 'supplier':
          cellOf('fan-supplier-output', name, v).values[at] = m.production![row]!;
          break;
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
