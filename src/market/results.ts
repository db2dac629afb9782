/**
 * What one run returns: plain, serialisable records (no live objects escape a run), ready to
 * cross to a worker's parent and become Arrow columns.
 */

/** One lab in one month. Compute in H100e (average over the month), money in USD. */
export interface LabMonth {
  month: number;
  lab: string;
  demandH100e: number;
  /** Compute delivered under reserved contracts. */
  contractedH100e: number;
  /** Compute bought on the spot market. */
  spotH100e: number;
  /** Compute the lab used: min(demand, contracted) + spot. */
  usedH100e: number;
  /** Demand not served: demand - used. */
  shortfallH100e: number;
  spendUsd: number;
  /** Spend per H100e-hour delivered (contracted, used or not, plus spot). */
  avgPriceUsdPerGpuHour: number;
  /** Providers the lab held compute from this month. */
  providers: number;
  /** Share of the lab's delivered compute by provider id. */
  shares: Record<string, number>;
}

/** One provider in one month. */
export interface ProviderMonth {
  month: number;
  provider: string;
  /** Installed chips' throughput. */
  fleetH100e: number;
  /** What power allows of the fleet. */
  usableH100e: number;
  internalH100e: number;
  contractedH100e: number;
  spotH100e: number;
  /** (internal + contracted + spot) / usable. */
  utilization: number;
  revenueUsd: number;
  avgPriceUsdPerGpuHour: number;
  costUsdPerGpuHour: number;
  /** Ordered from suppliers, not yet delivered. */
  backlogH100e: number;
  powerMw: number;
  /** Share of all compute sold to labs this month. */
  marketShare: number;
}

/** One supplier in one month. */
export interface SupplierMonth {
  month: number;
  supplier: string;
  productionUnits: number;
  productionH100e: number;
  /** Orders not yet allocated. */
  backlogH100e: number;
  /** Days from order to delivery of what was allocated this month (order wait plus lead time). */
  leadTimeDays: number;
  /** The shock multiplier applied to capacity this month (1 = no shock). */
  capacityFactor: number;
}

/** The market in one month. */
export interface MarketMonth {
  month: number;
  date: string;
  /** Volume-weighted spot price (or the cheapest spot quote when nothing traded). */
  spotPriceUsdPerGpuHour: number;
  /** Volume-weighted price of the reserved contracts in force. */
  contractPriceUsdPerGpuHour: number;
  /** Herfindahl-Hirschman index of providers' shares of compute sold to labs, in [0, 1]. */
  hhi: number;
  demandH100e: number;
  shortfallH100e: number;
  activeShocks: number;
}

/** An event of note. */
export interface NotableEvent {
  day: number;
  date: string;
  kind: 'shock-start' | 'shock-end' | 'contract' | 'policy' | 'matched';
  actor: string;
  magnitude: number;
  detail: string;
}

/** Per-lab summary figures of a run. */
export interface LabSummary {
  lab: string;
  /** Sum over months of shortfall x days, in H100e-days... divided by total demand-days: the share of demand not served. */
  shortfallShare: number;
  /** Largest share of demand unmet in any calendar year. */
  worstYearShortfallShare: number;
  totalSpendUsd: number;
  avgPriceUsdPerGpuHour: number;
  /** Final shares of the lab's compute by provider. */
  finalShares: Record<string, number>;
}

/** Summary figures of a run. */
export interface RunSummary {
  labs: LabSummary[];
  /** Final market share of compute sold to labs, by provider. */
  providerShares: Record<string, number>;
  avgSpotPriceUsdPerGpuHour: number;
  avgContractPriceUsdPerGpuHour: number;
  shocks: number;
  contractsSigned: number;
  events: number;
}

/** Conservation figures, for checking a run's books: chips and money. */
export interface RunAudit {
  /** Chips conserved: producedUnits = deliveredUnits + inTransitUnits. */
  suppliers: { supplier: string; producedUnits: number; deliveredUnits: number; inTransitUnits: number }[];
  /** Money conserved contract by contract: what the lab paid is what the provider earned. */
  contracts: { lab: string; provider: string; volumeH100e: number; priceUsdPerGpuHour: number; startDay: number; endDay: number; paidUsd: number; earnedUsd: number }[];
  /** Events the kernel fired for this run. */
  eventsFired: number;
}

/** Everything one run produces. */
export interface RunResult {
  seed: number | string;
  runIndex: number;
  /** Values drawn for the scenario's uncertain parameters, by path. */
  sampled: Record<string, number>;
  labs: LabMonth[];
  providers: ProviderMonth[];
  suppliers: SupplierMonth[];
  market: MarketMonth[];
  events: NotableEvent[];
  summary: RunSummary;
  audit: RunAudit;
}
