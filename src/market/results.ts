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
  /** Spend per H100e-hour delivered (contracted, used or not, plus spot); null when nothing was delivered. */
  avgPriceUsdPerGpuHour: number | null;
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
  /** Of `contractedH100e`, what its capacity served under leases to other providers. */
  leasedOutH100e: number;
  /** What other providers' capacity served under its contracts, leased from them. */
  leasedInH100e: number;
  /** From labs (contracts and spot) and from lessees. */
  revenueUsd: number;
  /** Paid to lessors for leased capacity. */
  leaseCostUsd: number;
  /** Revenue per H100e-hour sold to labs and lessees; null when it sold nothing. */
  avgPriceUsdPerGpuHour: number | null;
  /** Its spot price this month (its ask when it had capacity left, else what the marginal buyer would pay); null when it offered nothing. */
  spotPriceUsdPerGpuHour: number | null;
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
  /** Days from order to delivery of what was allocated this month (order wait plus lead time); null when nothing was. */
  leadTimeDays: number | null;
  /** The shock multiplier applied to capacity this month (1 = no shock). */
  capacityFactor: number;
}

/** The market in one month. */
export interface MarketMonth {
  month: number;
  /** The month's first day within the horizon (the start, for a horizon that starts mid-month). */
  date: string;
  /** The month's days within the horizon: the first and last months may be part months. */
  days: number;
  /** Volume-weighted spot price (or the cheapest spot ask when nothing traded). */
  spotPriceUsdPerGpuHour: number;
  /** Volume-weighted price of the reserved contracts in force; null when none is. */
  contractPriceUsdPerGpuHour: number | null;
  /** The spot price of sales between independent parties: sales of a provider to the lab that owns it left out. */
  spotArmsLengthUsdPerGpuHour: number;
  /** The contract price of contracts between independent parties; null when none is in force. */
  contractArmsLengthUsdPerGpuHour: number | null;
  /** Compute sold on the spot market, H100e. */
  spotH100e: number;
  /** Herfindahl-Hirschman index of providers' shares of compute sold to labs, in [0, 1]. */
  hhi: number;
  demandH100e: number;
  shortfallH100e: number;
  activeShocks: number;
}

/** One chip generation in one month: the price of its compute, and how much of it is installed. */
export interface ChipMonth {
  month: number;
  chip: string;
  /** Arm's-length spot price of compute on this chip (providers' spot prices weighted by the arm's-length spot hours each sold of it, its share of their fleet; with none sold, the asks of those with idle capacity, weighted by their fleets of it; with none idle, the market's arm's-length index), USD per H100e-hour; null when no provider holds it. */
  spotPriceUsdPerGpuHour: number | null;
  /** The same per chip-hour: per H100e-hour times the chip's H100e; null when no provider holds it. */
  spotPriceUsdPerChipHour: number | null;
  /** Arm's-length price of the contracts in force on providers holding it, each provider's weighted by the chip's share of its fleet, USD per H100e-hour; null when none is in force. */
  contractPriceUsdPerGpuHour: number | null;
  /** Installed across providers, H100e. */
  fleetH100e: number;
}

/** One sealed bid of a tender. */
export interface Bid {
  provider: string;
  priceUsdPerGpuHour: number;
  /** The volume bid: the block, or with partial blocks what the provider can serve. */
  volumeH100e: number;
  /** The provider whose capacity it would lease to serve the block; '' when its own. */
  leasedFrom: string;
}

/** A lab's tender of one block: who bid, who won, at what price. */
export interface TenderRecord {
  /** Position among the run's tenders. */
  tender: number;
  day: number;
  date: string;
  lab: string;
  /** The lab's strategy: exclusive, rightOfFirstRefusal, multi or custom:NAME. */
  strategy: string;
  sizeH100e: number;
  /** When the block is to be delivered: its contract runs from then. */
  deliveryDay: number;
  contractMonths: number;
  /** The most the lab accepted: its outside option, USD per H100e-hour. */
  reserveUsdPerGpuHour: number;
  /** Providers asked to bid (the incumbent alone under exclusivity). */
  invited: number;
  /** Of those, how many could deliver the block by its date, with their own capacity or a lease. */
  able: number;
  /** The sealed bids made. */
  bids: Bid[];
  /** The provider that won the block ('' when none did; with partial blocks, the first of the winners). */
  winner: string;
  /** The price the lab pays, USD per H100e-hour (null when no one won). */
  priceUsdPerGpuHour: number | null;
  /** The volume awarded (the whole block, or less with partial blocks or when nothing was awarded). */
  awardedH100e: number;
  /** The incumbent at the time ('' when the lab has none). */
  incumbent: string;
  /** Whether the incumbent won by matching the best rival bid (right of first refusal). */
  matched: boolean;
  /** The best bid of a provider other than the incumbent, USD per H100e-hour (null when none). */
  bestRivalUsdPerGpuHour: number | null;
  /** The provider whose capacity serves the winner's contract under a lease ('' when none). */
  leasedFrom: string;
  /** The free capacity at delivery of the provider serving the block (the winner, or its lessor) before the award, H100e (null when no one won). */
  serverFreeH100e: number | null;
  /** awarded; matched (by the incumbent); no-bids; over-budget (the lab could not afford the best bid); capped (every bid was over the lab's share cap). */
  outcome: 'awarded' | 'matched' | 'no-bids' | 'over-budget' | 'capped';
}

/** A contract signed (or won by the incumbent matching the best rival bid), or the lease that serves one. */
export interface DealEvent {
  day: number;
  date: string;
  kind: 'contract' | 'matched' | 'lease';
  /** The lab that signed the contract (for a lease, the lab whose contract it serves). */
  lab: string;
  /** The contract's seller, which the lab pays (for a lease, the lessee: the seller that leases capacity to serve it). */
  provider: string;
  /** The provider whose capacity serves the contract under a lease, or the lease's lessor ('' when the seller serves it itself). */
  lessor: string;
  volumeH100e: number;
  /** For a contract what the lab pays, for a lease what the lessee pays the lessor, USD per H100e-hour. */
  priceUsdPerGpuHour: number;
  /** The first day of delivery. */
  startDate: string;
  /** The day delivery ends. */
  endDate: string;
}

/** A shock's occurrence starting or ending. */
export interface ShockEvent {
  day: number;
  date: string;
  kind: 'shock-start' | 'shock-end';
  /** The shock's id in the scenario. */
  shock: string;
  /** What it strikes: a supplier's output, a provider's power coming online, or a lab's demand. */
  targetKind: 'supplier' | 'provider' | 'lab';
  /** The id of the actor it strikes. */
  target: string;
  /** The occurrence's magnitude: the share of output or power lost, or of extra demand. */
  magnitude: number;
  /** How long the occurrence lasts, days. */
  durationDays: number;
}

/** A dated change of the scenario's timeline taking effect: one field set. */
export interface PolicyEvent {
  day: number;
  date: string;
  kind: 'policy';
  /** The field set, as a scenario path: `labs.openai.procurement.strategy`. */
  path: string;
  /** The value set, as JSON. */
  value: string;
  /** The timeline entry's note ('' when it has none). */
  note: string;
}

/** An event of note. */
export type NotableEvent = DealEvent | ShockEvent | PolicyEvent;

/** Per-lab summary figures of a run. */
export interface LabSummary {
  lab: string;
  /** Sum over months of shortfall x days, in H100e-days... divided by total demand-days: the share of demand not served. */
  shortfallShare: number;
  /** Largest share of demand unmet in any calendar year. */
  worstYearShortfallShare: number;
  totalSpendUsd: number;
  /** Spend over the H100e-hours delivered (contracted, used or not, plus spot), USD per H100e-hour (null when nothing was delivered). */
  avgPriceUsdPerGpuHour: number | null;
  /** Volume-weighted price of the blocks it won in tenders, USD per H100e-hour (null when it won none). */
  tenderPriceUsdPerGpuHour: number | null;
  /** Mean number of bids per tender (null when it held none). */
  biddersPerTender: number | null;
  /** Share of the volume it won in tenders that went to its incumbent of the time (null when it won none with an incumbent). */
  incumbentBlockShare: number | null;
  /** Final shares of the lab's compute by provider. */
  finalShares: Record<string, number>;
}

/** Summary figures of a run. */
export interface RunSummary {
  labs: LabSummary[];
  /** Final market share of compute sold to labs, by provider. */
  providerShares: Record<string, number>;
  avgSpotPriceUsdPerGpuHour: number;
  /** The mean over the months with a contract in force of the contract price index (null when no month had one). */
  avgContractPriceUsdPerGpuHour: number | null;
  shocks: number;
  contractsSigned: number;
  events: number;
}

/** Conservation figures, for checking a run's books: chips and money. */
export interface RunAudit {
  /** Chips conserved: producedUnits = deliveredUnits + inTransitUnits. */
  suppliers: { supplier: string; producedUnits: number; deliveredUnits: number; inTransitUnits: number }[];
  /** Money conserved contract by contract: what the lab paid is what the provider earned. */
  contracts: { lab: string; provider: string; leasedFrom: string; volumeH100e: number; priceUsdPerGpuHour: number; startDay: number; endDay: number; paidUsd: number; earnedUsd: number }[];
  /** Money conserved lease by lease: what the lessee paid is what the lessor earned. */
  leases: { lessee: string; lessor: string; volumeH100e: number; priceUsdPerGpuHour: number; startDay: number; endDay: number; paidUsd: number; earnedUsd: number }[];
  /** Over the run: what labs paid (contracts and spot), what providers earned from labs and lessees, and what they paid lessors, USD. */
  money: { labsPaidUsd: number; providersEarnedUsd: number; leasesPaidUsd: number };
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
  chips: ChipMonth[];
  tenders: TenderRecord[];
  events: NotableEvent[];
  summary: RunSummary;
  audit: RunAudit;
}
