import type { RunObserver } from '../experiment/replicate.js';
import type { BatchDescription } from '../io/layout.js';
import type { MonthlySeries } from '../market/run.js';
import type { RunResult } from '../market/results.js';

/**
 * The headline series of the explore page's fan charts, read from each run as a worker runs it: per
 * lab its demand, the compute it secured (contracted and spot) and its shortfall, and its providers'
 * shares of its compute; the market's spot and contract prices; each provider's share of the market.
 * A run's series are one flat record of `months` values per series, so a block of runs crosses from
 * the worker to the page as one Float64Array.
 */

/** A lab's monthly series, by name. */
export const LAB_SERIES = ['demandH100e', 'securedH100e', 'shortfallH100e'] as const;
/** The market's monthly series. */
export const MARKET_SERIES = ['spotPriceUsdPerGpuHour', 'contractPriceUsdPerGpuHour'] as const;

/** A lab series' name. */
export type LabSeries = (typeof LAB_SERIES)[number];
/** A market series' name. */
export type MarketSeries = (typeof MARKET_SERIES)[number];

/** Where each series sits in a run's record. */
export class SeriesLayout {
  /** Values in one run's record. */
  readonly length: number;
  private readonly labIndex: Map<string, number>;
  private readonly providerIndex: Map<string, number>;
  private readonly providers: number;
  private readonly providerIds: readonly string[];

  constructor(readonly labs: readonly string[], providers: readonly string[], readonly months: number) {
    this.providerIds = [...providers];
    this.labIndex = new Map(labs.map((lab, i) => [lab, i]));
    this.providerIndex = new Map(providers.map((provider, i) => [provider, i]));
    this.providers = providers.length;
    const perLab = LAB_SERIES.length + this.providers;
    this.length = months * (labs.length * perLab + MARKET_SERIES.length + this.providers);
  }

  /** The layout of a batch's runs, over `months` months (the most any of its variants has). */
  static of(description: BatchDescription, months: number): SeriesLayout {
    return new SeriesLayout(description.labs, description.providers, months);
  }

  /** Offset of lab `lab`'s series `series` (month 0) in a record. */
  lab(lab: string, series: LabSeries): number {
    return this.labSlot(lab, LAB_SERIES.indexOf(series));
  }

  /** Offset of the share of lab `lab`'s compute held by `provider`. */
  labShare(lab: string, provider: string): number {
    return this.labSlot(lab, LAB_SERIES.length + this.providerOf(provider));
  }

  /** Offset of the market's series `series`. */
  market(series: MarketSeries): number {
    return this.months * (this.labIndex.size * (LAB_SERIES.length + this.providers) + MARKET_SERIES.indexOf(series));
  }

  /** Offset of `provider`'s share of compute sold to labs. */
  marketShare(provider: string): number {
    return this.months * (this.labIndex.size * (LAB_SERIES.length + this.providers) + MARKET_SERIES.length + this.providerOf(provider));
  }

  /**
   * Writes one run's series into `into` at `at`. Months past the run's end (a compared scenario that
   * ends sooner) are NaN; a lab's share of a provider it bought nothing from in a month is 0.
   */
  write(result: RunResult, into: Float64Array, at: number): void {
    const { months, providerIds } = this;
    into.fill(NaN, at, at + this.length);
    for (const month of result.labs) {
      if (month.month >= months) continue;
      const start = at + this.labSlot(month.lab, 0) + month.month;
      into[start] = month.demandH100e;
      into[start + months] = month.contractedH100e + month.spotH100e;
      into[start + 2 * months] = month.shortfallH100e;
      const shares = month.shares;
      for (let p = 0; p < providerIds.length; p++) into[start + (LAB_SERIES.length + p) * months] = shares[providerIds[p]!] ?? 0;
    }
    const spot = at + this.market('spotPriceUsdPerGpuHour');
    const contract = at + this.market('contractPriceUsdPerGpuHour');
    for (const month of result.market) {
      if (month.month >= months) continue;
      into[spot + month.month] = month.spotPriceUsdPerGpuHour;
      // A month with no contract in force has no contract price: no value, as for a run that lacks the month.
      into[contract + month.month] = month.contractPriceUsdPerGpuHour ?? NaN;
    }
    for (const month of result.providers) if (month.month < months) into[at + this.marketShare(month.provider) + month.month] = month.marketShare;
  }

  private labSlot(lab: string, slot: number): number {
    const index = this.labIndex.get(lab);
    if (index === undefined) throw new Error(`no lab ${lab}`);
    return this.months * (index * (LAB_SERIES.length + this.providers) + slot);
  }

  private providerOf(provider: string): number {
    const index = this.providerIndex.get(provider);
    if (index === undefined) throw new Error(`no provider ${provider}`);
    return index;
  }
}

/** The monthly series the headline series are read from. */
const KEPT: readonly MonthlySeries[] = ['labs', 'market', 'providers'];

/** Records the headline series of each run of a block, in (run, variant) order, as the replicator runs them. */
export class SeriesRecorder implements RunObserver {
  readonly keep = KEPT;
  private values: Float64Array = new Float64Array(0);
  private count = 0;

  constructor(readonly layout: SeriesLayout) {}

  see(_runIndex: number, _variant: number, result: RunResult): void {
    const length = this.layout.length;
    if ((this.count + 1) * length > this.values.length) {
      const grown = new Float64Array(Math.max(length * 8, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.layout.write(result, this.values, this.count * length);
    this.count++;
  }

  /** The records seen since the last call, one after another, and forgets them. */
  take(): Float64Array {
    const records = this.values.slice(0, this.count * this.layout.length);
    this.count = 0;
    return records;
  }
}
