import type { Contract, Lab, Provider } from './actors.js';
import { mapped } from './arrays.js';
import { DAYS_PER_YEAR, HOURS_PER_DAY } from './calendar.js';
import type { LabMonth, MarketMonth, ProviderMonth } from './results.js';
import { sortByPrice } from './sorting.js';

/**
 * The monthly market: providers serve their own models first, then their reserved contracts (pro
 * rata when a shortage leaves them unable to deliver all), then sell idle capacity on the spot
 * market, cheapest first; what no one can serve is the labs' shortfall. Labs pay for what is
 * delivered: reserved volume whether used or not (take-or-pay), and spot volume bought.
 */

/** One month to clear. */
export interface MonthContext {
  month: number;
  date: string;
  startDay: number;
  days: number;
  t: number;
  year: number;
  /** Last month's spot index, seen by pricing formulas. */
  spotUsdPerGpuHour: number;
  activeShocks: number;
}

/** A provider's position in the month. */
interface Position {
  provider: Provider;
  usable: number;
  internal: number;
  contracted: number;
  /** Share of its contracted volume it can deliver. */
  deliveryRatio: number;
  idle: number;
  spotPrice: number;
  spotSold: number;
  /** Earned from contracts this month (kept apart from spot so the contract price index needs no subtraction). */
  contractRevenue: number;
  revenue: number;
  hoursSold: number;
}

/** Where clearing appends the month's records (the run's record lists); without a provider list, no provider records are built. */
export interface ClearingRecords {
  labs: LabMonth[];
  providers: ProviderMonth[] | undefined;
  market: MarketMonth[];
}

/**
 * A run's market for clearing: its actors and the working arrays clearing fills anew each month,
 * allocated once per run so that a month allocates only the records it keeps.
 */
export class Market {
  /** One position per provider, in the world's order, overwritten each month. */
  private readonly positions: Position[];
  /** Compute delivered to each lab by each provider this month: row `lab`, column `provider.index`. */
  private readonly delivered: Float64Array;
  // Each lab's month, summed here and written to its record once at the end: adding to the fields
  // of a record as it goes cost more than the additions (V8 boxes each number field of an object).
  private readonly contracted: Float64Array;
  private readonly spot: Float64Array;
  private readonly spend: Float64Array;
  // Spot buying, per lab: what it still needs, what its budget still allows, and what it asks of one provider.
  private readonly need: Float64Array;
  private readonly budgetLeft: Float64Array;
  private readonly wants: Float64Array;
  /** The positions cheapest first (sorted in place each month). */
  private readonly byPrice: Position[];
  /** Each lab's `eligibleIn` mask for the month's spot market, looked up once a month rather than once per provider. */
  private readonly eligibleMasks: Uint8Array[];
  /** Each provider's share of the compute sold to labs in the month last cleared, by `provider.index`. */
  readonly marketShares: Float64Array;
  /** What each provider sold on the spot market in the month last cleared, by `provider.index`. */
  readonly spotH100e: Float64Array;

  constructor(
    readonly labs: readonly Lab[],
    readonly providers: readonly Provider[],
  ) {
    this.positions = mapped(providers, (provider) => emptyPosition(provider));
    this.delivered = new Float64Array(labs.length * providers.length);
    this.contracted = new Float64Array(labs.length);
    this.spot = new Float64Array(labs.length);
    this.spend = new Float64Array(labs.length);
    this.need = new Float64Array(labs.length);
    this.budgetLeft = new Float64Array(labs.length);
    this.wants = new Float64Array(labs.length);
    this.byPrice = this.positions.slice();
    this.eligibleMasks = mapped(labs, () => new Uint8Array(0));
    this.marketShares = new Float64Array(providers.length);
    this.spotH100e = new Float64Array(providers.length);
  }

  /**
   * Clears one month and appends its records to `records`; returns the month's market record. The
   * providers' market shares and spot sales are kept in `marketShares` and `spotH100e` until the next month.
   * `demand` is each lab's demand this month (trend, noise and shocks applied); `usable` each
   * provider's average usable capacity.
   */
  clear(demand: ArrayLike<number>, usable: ArrayLike<number>, month: MonthContext, records: ClearingRecords): MarketMonth {
    const { labs, providers, positions, delivered, contracted, spot, spend } = this;
    const hours = month.days * HOURS_PER_DAY;
    const endDay = month.startDay + month.days;
    for (let p = 0; p < positions.length; p++) openPosition(positions[p]!, usable[p]!, month, endDay);
    delivered.fill(0);
    contracted.fill(0);
    spot.fill(0);
    spend.fill(0);

    // Reserved contracts: delivered pro rata to what each provider can serve, and paid as delivered.
    // A lab's contracts are all in their providers' lists too, so each one's volume this month is known.
    for (let i = 0; i < labs.length; i++) {
      const row = i * providers.length;
      for (const contract of labs[i]!.contracts) {
        const volume = contract.monthH100e;
        if (volume <= 0) continue;
        const position = positions[contract.provider.index]!;
        const h100e = volume * position.deliveryRatio;
        const payment = h100e * contract.priceUsdPerGpuHour * hours;
        contract.paidUsd += payment;
        spend[i]! += payment;
        contracted[i]! += h100e;
        delivered[row + contract.provider.index]! += h100e;
      }
    }

    this.sellSpot(demand, month, hours);

    const firstLabRecord = records.labs.length;
    for (let i = 0; i < labs.length; i++) records.labs.push(this.labMonth(i, month.month, demand[i]!, hours));
    const labRecords = records.labs;

    let sold = 0;
    // Written out as (sum + contracted) + spot, the order in which these have always been added.
    for (const p of positions) sold = sold + p.contracted * p.deliveryRatio + p.spotSold;
    const { marketShares, spotH100e } = this;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      marketShares[i] = sold > 0 ? (p.contracted * p.deliveryRatio + p.spotSold) / sold : 0;
      spotH100e[i] = p.spotSold;
      records.providers?.push(providerMonth(p, month, marketShares[i]!));
    }
    const market = marketMonth(labRecords, firstLabRecord, marketShares, positions, month, hours);
    records.market.push(market);
    return market;
  }

  /**
   * Spot: each provider prices idle capacity with its policy at the utilisation it would reach if
   * the spot demand were spread over the market by capacity; labs buy cheapest first, sharing a
   * provider's idle capacity in proportion to what they still need, within their monthly budget.
   */
  private sellSpot(demand: ArrayLike<number>, month: MonthContext, hours: number): void {
    const { labs, positions, delivered, need, budgetLeft, wants, contracted, spot, spend } = this;
    const providerCount = positions.length;
    let totalNeed = 0;
    for (let i = 0; i < labs.length; i++) {
      need[i] = Math.max(0, demand[i]! - contracted[i]!);
      totalNeed += need[i]!;
    }
    let totalUsable = 0;
    let idleProviders = 0;
    for (const p of positions) {
      totalUsable += p.usable;
      if (p.idle > 0) idleProviders++;
    }
    // A provider pricing spot competes at least with itself, whoever else has idle capacity.
    const bidders = Math.max(1, idleProviders);
    for (const p of positions) {
      const expectedSpot = totalUsable > 0 ? (totalNeed * p.usable) / totalUsable : 0;
      const utilization = p.usable > 0 ? Math.min(1, (p.internal + p.contracted * p.deliveryRatio + Math.min(p.idle, expectedSpot)) / p.usable) : 1;
      p.spotPrice = p.provider.pricing.price({
        costUsdPerGpuHour: p.provider.costUsdPerGpuHour,
        utilization,
        targetUtilization: p.provider.targetUtilization,
        bidders,
        spotUsdPerGpuHour: month.spotUsdPerGpuHour,
        t: month.t,
        year: month.year,
      });
    }
    if (totalNeed <= 0) return;
    for (let i = 0; i < labs.length; i++) {
      budgetLeft[i] = Math.max(0, (labs[i]!.budgetUsdPerYear * month.days) / DAYS_PER_YEAR - spend[i]!);
    }
    // Sorted from the world's order every month, as a fresh copy of the positions would be.
    const byPrice = this.byPrice;
    for (let p = 0; p < providerCount; p++) byPrice[p] = positions[p]!;
    sortByPrice(byPrice, spotPriceOf, cheaperSpot);
    const eligibleMasks = this.eligibleMasks;
    for (let i = 0; i < labs.length; i++) eligibleMasks[i] = labs[i]!.eligibleIn(this.providers).mask;
    for (const p of byPrice) {
      if (p.idle <= 0 || !(p.spotPrice > 0)) continue;
      let wanted = 0;
      for (let i = 0; i < labs.length; i++) {
        const lab = labs[i]!;
        const eligible = eligibleMasks[i]![p.provider.index] === 1 && p.spotPrice <= lab.procurement.priceCeilingUsdPerGpuHour;
        wants[i] = eligible ? Math.min(need[i]!, budgetLeft[i]! / (p.spotPrice * hours)) : 0;
        wanted += wants[i]!;
      }
      if (wanted <= 0) continue;
      const ratio = Math.min(1, p.idle / wanted);
      for (let i = 0; i < labs.length; i++) {
        const h100e = wants[i]! * ratio;
        if (h100e <= 0) continue;
        const payment = h100e * p.spotPrice * hours;
        need[i]! -= h100e;
        budgetLeft[i]! -= payment;
        spot[i]! += h100e;
        spend[i]! += payment;
        delivered[i * providerCount + p.provider.index]! += h100e;
        p.idle -= h100e;
        p.spotSold += h100e;
        p.revenue += payment;
        p.hoursSold += h100e * hours;
      }
    }
  }

  /** Lab `i`'s record of the month, from what it got and paid; its shares are of all it got, by provider. */
  private labMonth(i: number, month: number, demand: number, hours: number): LabMonth {
    const { providers, delivered } = this;
    const contracted = this.contracted[i]!;
    const spot = this.spot[i]!;
    const spend = this.spend[i]!;
    const used = Math.min(demand, contracted) + spot;
    const total = contracted + spot;
    const shares: Record<string, number> = {};
    let count = 0;
    const row = i * providers.length;
    for (let p = 0; p < providers.length; p++) {
      const h100e = delivered[row + p]!;
      if (h100e <= 0) continue;
      shares[providers[p]!.id] = h100e / total;
      count++;
    }
    return {
      ...LAB_MONTH,
      month,
      lab: this.labs[i]!.id,
      demandH100e: demand,
      contractedH100e: contracted,
      spotH100e: spot,
      usedH100e: used,
      shortfallH100e: Math.max(0, demand - used),
      spendUsd: spend,
      avgPriceUsdPerGpuHour: total > 0 ? spend / (total * hours) : 0,
      providers: count,
      shares,
    };
  }
}

function spotPriceOf(p: Position): number {
  return p.spotPrice;
}

function cheaperSpot(a: Position, b: Position): number {
  return a.spotPrice - b.spotPrice || (a.provider.id < b.provider.id ? -1 : 1);
}

function emptyPosition(provider: Provider): Position {
  return { provider, usable: 0, internal: 0, contracted: 0, deliveryRatio: 1, idle: 0, spotPrice: 0, spotSold: 0, contractRevenue: 0, revenue: 0, hoursSold: 0 };
}

// The monthly records are plain objects spread from a template rather than bare object literals:
// V8 allocates the objects of a literal in the old generation once most of them outlive a
// young-generation collection, as a run's records do, and building and collecting them there cost
// about a tenth of a run; a spread copy is not tracked that way. Each template lists the fields in
// the record's order, so the records and their JSON are the same.
const LAB_MONTH: LabMonth = {
  month: 0,
  lab: '',
  demandH100e: 0,
  contractedH100e: 0,
  spotH100e: 0,
  usedH100e: 0,
  shortfallH100e: 0,
  spendUsd: 0,
  avgPriceUsdPerGpuHour: 0,
  providers: 0,
  shares: {},
};

const PROVIDER_MONTH: ProviderMonth = {
  month: 0,
  provider: '',
  fleetH100e: 0,
  usableH100e: 0,
  internalH100e: 0,
  contractedH100e: 0,
  spotH100e: 0,
  utilization: 0,
  revenueUsd: 0,
  avgPriceUsdPerGpuHour: 0,
  costUsdPerGpuHour: 0,
  backlogH100e: 0,
  powerMw: 0,
  marketShare: 0,
};

// The provider's side of the books is kept from its own contract list, apart from what labs pay:
// the invariant "paid = earned, contract by contract" then checks two computations, not one. Each
// contract's volume this month is worked out here, once, and kept on it for the labs' side.
function openPosition(position: Position, usable: number, month: MonthContext, endDay: number): void {
  const provider = position.provider;
  const internal = Math.min(usable, Math.max(0, provider.internalDemandH100e(month.t, month.year)));
  let contracted = 0;
  for (const contract of provider.contracts) {
    contract.monthH100e = effectiveVolume(contract, month.startDay, endDay, month.days);
    contracted += contract.monthH100e;
  }
  const deliverable = Math.min(contracted, usable - internal);
  const deliveryRatio = contracted > 0 ? deliverable / contracted : 1;
  const hours = month.days * HOURS_PER_DAY;
  let revenue = 0;
  let hoursSold = 0;
  for (const contract of provider.contracts) {
    const h100e = contract.monthH100e * deliveryRatio;
    if (h100e <= 0) continue;
    const earned = h100e * contract.priceUsdPerGpuHour * hours;
    contract.earnedUsd += earned;
    revenue += earned;
    hoursSold += h100e * hours;
  }
  position.usable = usable;
  position.internal = internal;
  position.contracted = contracted;
  position.deliveryRatio = deliveryRatio;
  position.idle = Math.max(0, usable - internal - deliverable);
  position.spotPrice = 0;
  position.spotSold = 0;
  position.contractRevenue = revenue;
  position.revenue = revenue;
  position.hoursSold = hoursSold;
}

// A contract counts for the share of the month it is in force.
function effectiveVolume(contract: Contract, startDay: number, endDay: number, days: number): number {
  const overlap = Math.min(endDay, contract.endDay) - Math.max(startDay, contract.startDay);
  return overlap > 0 ? (contract.volumeH100e * overlap) / days : 0;
}

function providerMonth(p: Position, month: MonthContext, marketShare: number): ProviderMonth {
  const contracted = p.contracted * p.deliveryRatio;
  const used = p.internal + contracted + p.spotSold;
  return {
    ...PROVIDER_MONTH,
    month: month.month,
    provider: p.provider.id,
    fleetH100e: p.provider.fleetH100e,
    usableH100e: p.usable,
    internalH100e: p.internal,
    contractedH100e: contracted,
    spotH100e: p.spotSold,
    utilization: p.usable > 0 ? used / p.usable : 0,
    revenueUsd: p.revenue,
    avgPriceUsdPerGpuHour: p.hoursSold > 0 ? p.revenue / p.hoursSold : 0,
    costUsdPerGpuHour: p.provider.costUsdPerGpuHour,
    backlogH100e: p.provider.backlogH100e,
    powerMw: p.provider.powerMw,
    marketShare,
  };
}

// The month's lab records are the last ones appended, from `firstLab` on.
function marketMonth(
  labs: readonly LabMonth[],
  firstLab: number,
  marketShares: Float64Array,
  positions: readonly Position[],
  month: MonthContext,
  hours: number,
): MarketMonth {
  let spotRevenue = 0;
  let spotHours = 0;
  let contractRevenue = 0;
  let contractHours = 0;
  // The cheapest quote of a provider with idle capacity, for a month without spot trades.
  let quoted = false;
  let cheapestQuote = Infinity;
  for (const p of positions) {
    spotRevenue += p.spotSold * p.spotPrice * hours;
    spotHours += p.spotSold * hours;
    contractRevenue += p.contractRevenue;
    contractHours += p.contracted * p.deliveryRatio * hours;
    if (p.idle > 0 && p.spotPrice > 0) {
      quoted = true;
      cheapestQuote = Math.min(cheapestQuote, p.spotPrice);
    }
  }
  const spot = spotHours > 0 ? spotRevenue / spotHours : quoted ? cheapestQuote : month.spotUsdPerGpuHour;
  let hhi = 0;
  for (let p = 0; p < marketShares.length; p++) hhi += marketShares[p]! * marketShares[p]!;
  let demand = 0;
  let shortfall = 0;
  for (let i = firstLab; i < labs.length; i++) {
    demand += labs[i]!.demandH100e;
    shortfall += labs[i]!.shortfallH100e;
  }
  return {
    month: month.month,
    date: month.date,
    spotPriceUsdPerGpuHour: spot,
    contractPriceUsdPerGpuHour: contractHours > 0 ? contractRevenue / contractHours : 0,
    hhi,
    demandH100e: demand,
    shortfallH100e: shortfall,
    activeShocks: month.activeShocks,
  };
}
