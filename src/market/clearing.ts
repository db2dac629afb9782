import type { ChipType, Lab, Provider, Term } from './actors.js';
import { serverOf } from './actors.js';
import { DAYS_PER_YEAR, HOURS_PER_DAY } from './calendar.js';
import type { ChipMonth, LabMonth, MarketMonth, ProviderMonth } from './results.js';
import { SUPPLY_TRANCHES, SpotMarket } from './spot.js';

/**
 * The monthly market: providers serve their own models first, then the reserved contracts their
 * capacity serves (their own and those they lease to other providers; pro rata when a shortage leaves
 * them unable to deliver all), then sell idle capacity on the spot market (spot.ts); what no one can
 * serve, or what a lab will not pay for, is its shortfall. Labs pay their seller for what is
 * delivered: reserved volume whether used or not (take-or-pay), and spot volume bought; a seller
 * serving a contract from leased capacity pays its lessor for what the lessor delivers.
 */

/** One month to clear. */
export interface MonthContext {
  month: number;
  date: string;
  startDay: number;
  days: number;
  t: number;
  year: number;
  /** Last month's spot index, seen by pricing policies. */
  spotUsdPerGpuHour: number;
  activeShocks: number;
  /** A cap on spot prices (Infinity for none). */
  spotCapUsdPerGpuHour: number;
}

/** A provider's position in the month. */
interface Position {
  provider: Provider;
  usable: number;
  internal: number;
  /** Reserved volume its own capacity serves this month: contracts it did not lease out, and leases to others. */
  load: number;
  /** Of `load`, the leases to others. */
  leasedOut: number;
  /** Share of its load it can deliver. */
  deliveryRatio: number;
  /** Delivered to its own lab customers from capacity leased from others. */
  leasedIn: number;
  idle: number;
  spotPrice: number;
  spotSold: number;
  /** Earned on the spot market this month, USD: its price from others, its ask from its owner. */
  spotRevenue: number;
  /** Earned from contracts with labs this month, and the part of it from labs that do not own it. */
  contractRevenue: number;
  armsLengthContractRevenue: number;
  /** Hours sold to labs under contracts, and the arm's-length part. */
  contractHours: number;
  armsLengthContractHours: number;
  /** Earned from lessees; paid to lessors. */
  leaseRevenue: number;
  leaseCost: number;
  /** Sold on spot to labs that do not own it. */
  armsLengthSpotSold: number;
}

/** Where clearing appends the month's records (the run's record lists); a list left out is not built. */
export interface ClearingRecords {
  labs: LabMonth[];
  providers: ProviderMonth[] | undefined;
  market: MarketMonth[];
  chips: ChipMonth[] | undefined;
}

/**
 * A run's market for clearing: its actors and the working arrays clearing fills anew each month,
 * allocated once per run so that a month allocates only the records it keeps.
 */
export class Market {
  /** One position per provider, in the world's order, overwritten each month. */
  private readonly positions: Position[];
  /** Compute delivered to each lab by each seller this month: row `lab`, column `provider.index`. */
  private readonly delivered: Float64Array;
  // Each lab's month, summed here and written to its record once at the end.
  private readonly contracted: Float64Array;
  private readonly spot: Float64Array;
  private readonly spend: Float64Array;
  private readonly spotMarket: SpotMarket;
  private readonly trancheH100e: Float64Array;
  private readonly trancheAsk: Float64Array;
  private readonly need: Float64Array;
  private readonly willingness: Float64Array;
  private readonly ceiling: Float64Array;
  private readonly ownerLab: Int32Array;
  private readonly budget: Float64Array;
  private readonly eligibleMasks: Uint8Array[];
  /** Each provider's share of the compute sold to labs in the month last cleared, by `provider.index`. */
  readonly marketShares: Float64Array;
  /** Over the run: what labs paid, what providers earned (from labs and lessees), and what lessees paid lessors, USD. */
  readonly money = { labsPaidUsd: 0, providersEarnedUsd: 0, leasesPaidUsd: 0 };

  constructor(
    readonly labs: readonly Lab[],
    readonly providers: readonly Provider[],
    readonly chips: readonly ChipType[],
  ) {
    this.positions = providers.map((provider) => emptyPosition(provider));
    this.delivered = new Float64Array(labs.length * providers.length);
    this.contracted = new Float64Array(labs.length);
    this.spot = new Float64Array(labs.length);
    this.spend = new Float64Array(labs.length);
    this.spotMarket = new SpotMarket(providers.length, labs.length);
    this.trancheH100e = new Float64Array(providers.length * SUPPLY_TRANCHES);
    this.trancheAsk = new Float64Array(providers.length * SUPPLY_TRANCHES);
    this.need = new Float64Array(labs.length);
    this.willingness = new Float64Array(labs.length);
    this.ceiling = new Float64Array(labs.length);
    this.budget = new Float64Array(labs.length);
    this.eligibleMasks = labs.map(() => new Uint8Array(0));
    this.marketShares = new Float64Array(providers.length);
    // Fixed for the run: who owns each provider.
    this.ownerLab = Int32Array.from(providers, (provider) => labs.findIndex((lab) => lab.id === provider.owner));
  }

  /**
   * Clears one month and appends its records to `records`; returns the month's market record. The
   * providers' market shares are kept in `marketShares` until the next month, and each provider keeps
   * what it sold, offered on spot and earned, and its utilisation, for its next decisions.
   * `demand` is each lab's demand this month (trend, noise and shocks applied); `usable` each
   * provider's average usable capacity.
   */
  clear(demand: ArrayLike<number>, usable: ArrayLike<number>, month: MonthContext, records: ClearingRecords): MarketMonth {
    const { labs, providers, positions, delivered, contracted, spot, spend } = this;
    const hours = month.days * HOURS_PER_DAY;
    const endDay = month.startDay + month.days;
    for (let p = 0; p < positions.length; p++) openPosition(positions[p]!, usable[p]!, month, endDay);
    for (const position of positions) settleProvider(position, positions, month, endDay);
    delivered.fill(0);
    contracted.fill(0);
    spot.fill(0);
    spend.fill(0);

    // Reserved contracts, the labs' side: delivered at the delivery ratio of the capacity serving them, paid as delivered.
    for (let i = 0; i < labs.length; i++) {
      const row = i * providers.length;
      for (const contract of labs[i]!.contracts) {
        const volume = contract.monthH100e;
        if (volume <= 0) continue;
        const h100e = volume * positions[serverOf(contract).index]!.deliveryRatio;
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

    let sold = 0;
    for (const p of positions) {
      p.provider.lastSoldH100e = soldToLabs(p);
      p.provider.lastServedH100e = servedByOwnCapacity(p);
      sold += p.provider.lastSoldH100e;
    }
    const { marketShares, money } = this;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      const provider = p.provider;
      const revenue = revenueOf(p);
      marketShares[i] = sold > 0 ? provider.lastSoldH100e / sold : 0;
      provider.lastSpotH100e = p.spotSold;
      provider.lastSpotOfferedH100e = p.idle;
      provider.lastRevenueUsd = revenue;
      provider.lastUtilization = utilizationOf(p);
      money.providersEarnedUsd += revenue;
      money.leasesPaidUsd += p.leaseCost;
      records.providers?.push(providerMonth(p, month, marketShares[i]!, revenue, hours));
    }
    for (let i = 0; i < labs.length; i++) money.labsPaidUsd += spend[i]!;
    const market = marketMonth(records.labs, firstLabRecord, marketShares, positions, month, hours);
    records.market.push(market);
    if (records.chips !== undefined) this.chipMonths(month, market, records.chips);
    return market;
  }

  /**
   * Spot: each provider offers its idle capacity in tranches, each at its reservation price for the
   * utilisation the tranche brings (never below its operating cost); each lab bids for what its
   * contracts leave uncovered, by its willingness to pay, within what its monthly budget has left.
   */
  private sellSpot(demand: ArrayLike<number>, month: MonthContext, hours: number): void {
    const { labs, providers, positions, delivered, contracted, spot, spend, trancheH100e, trancheAsk, need, willingness, ceiling, budget, eligibleMasks } = this;
    let idleProviders = 0;
    for (const p of positions) if (p.idle > 0) idleProviders++;
    // A provider pricing spot competes at least with itself, whoever else has idle capacity.
    const bidders = Math.max(1, idleProviders);
    for (let j = 0; j < positions.length; j++) {
      const p = positions[j]!;
      const provider = p.provider;
      const busy = p.internal + p.load * p.deliveryRatio;
      for (let k = 0; k < SUPPLY_TRANCHES; k++) {
        const t = j * SUPPLY_TRANCHES + k;
        trancheH100e[t] = p.idle / SUPPLY_TRANCHES;
        const utilization = p.usable > 0 ? Math.min(1, (busy + (p.idle * (k + 1)) / SUPPLY_TRANCHES) / p.usable) : 1;
        const ask = provider.reservationPrice(utilization, bidders, month.spotUsdPerGpuHour, month.t, month.year);
        // Asks never fall as a provider fills up, nor below what running the chips costs.
        const floor = k > 0 ? trancheAsk[t - 1]! : provider.opexUsdPerGpuHour;
        trancheAsk[t] = Number.isNaN(ask) ? ask : Math.max(floor, ask);
      }
    }
    for (let i = 0; i < labs.length; i++) {
      const lab = labs[i]!;
      need[i] = Math.max(0, demand[i]! - contracted[i]!);
      willingness[i] = lab.willingnessAt(month.t, month.year);
      ceiling[i] = lab.procurement.priceCeilingUsdPerGpuHour;
      budget[i] = Math.max(0, (lab.budgetUsdPerYear * month.days) / DAYS_PER_YEAR - spend[i]!);
      eligibleMasks[i] = lab.eligibleIn(providers).mask;
    }
    const market = this.spotMarket;
    market.clear({ trancheH100e, trancheAsk, needH100e: need, willingness, ceiling, budgetUsd: budget, eligible: eligibleMasks, ownerLab: this.ownerLab, hours, capUsdPerGpuHour: month.spotCapUsdPerGpuHour });
    for (let j = 0; j < positions.length; j++) {
      const p = positions[j]!;
      p.spotPrice = market.price[j]!;
      p.spotSold = market.sold[j]!;
      p.spotRevenue = market.revenueUsd[j]!;
    }
    for (let i = 0; i < labs.length; i++) {
      const row = i * providers.length;
      const owner = labs[i]!.id;
      for (let j = 0; j < providers.length; j++) {
        const h100e = market.bought[row + j]!;
        if (!(h100e > 0)) continue;
        delivered[row + j]! += h100e;
        if (providers[j]!.owner !== owner) positions[j]!.armsLengthSpotSold += h100e;
      }
      spot[i] = market.boughtH100e[i]!;
      spend[i]! += market.spentUsd[i]!;
    }
  }

  /** Lab `i`'s record of the month, from what it got and paid; its shares are of all it got, by seller. */
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
      month,
      lab: this.labs[i]!.id,
      demandH100e: demand,
      contractedH100e: contracted,
      spotH100e: spot,
      usedH100e: used,
      shortfallH100e: Math.max(0, demand - used),
      spendUsd: spend,
      avgPriceUsdPerGpuHour: total > 0 ? spend / (total * hours) : null,
      providers: count,
      shares,
    };
  }

  /**
   * Each chip generation's prices: the providers' arm's-length spot prices, weighted by the spot hours
   * each sold of the chip (its spot sales times the chip's share of its fleet; with none sold, the asks
   * of those with idle capacity by their fleets of it), and their contract prices likewise (the model's
   * compute is one good in H100e, so a chip's price differs by who holds it: providers of older,
   * dearer fleets ask more per H100e).
   */
  private chipMonths(month: MonthContext, market: MarketMonth, records: ChipMonth[]): void {
    const { chips, positions } = this;
    for (const chip of chips) {
      let fleet = 0;
      let spotWeight = 0;
      let spotValue = 0;
      let askWeight = 0;
      let askValue = 0;
      let contractHours = 0;
      let contractRevenue = 0;
      for (const p of positions) {
        const provider = p.provider;
        const held = provider.fleetByChip[chip.index] ?? 0;
        if (!(held > 0)) continue;
        fleet += held;
        // Retiring a whole fleet can leave float dust in one chip's count while the fleet, clamped, is 0.
        const share = provider.fleetH100e > 0 ? held / provider.fleetH100e : 0;
        spotWeight += p.armsLengthSpotSold * share;
        spotValue += p.armsLengthSpotSold * share * p.spotPrice;
        if (p.idle > 0) {
          askWeight += held;
          askValue += held * p.spotPrice;
        }
        contractHours += p.armsLengthContractHours * share;
        contractRevenue += p.armsLengthContractRevenue * share;
      }
      const perH100e = spotWeight > 0 ? spotValue / spotWeight : askWeight > 0 ? askValue / askWeight : market.spotArmsLengthUsdPerGpuHour;
      records.push({
        month: month.month,
        chip: chip.id,
        // A chip no provider holds has no price of its own (the market's would stand in for it).
        spotPriceUsdPerGpuHour: fleet > 0 ? perH100e : null,
        spotPriceUsdPerChipHour: fleet > 0 ? perH100e * chip.perfH100e : null,
        contractPriceUsdPerGpuHour: contractHours > 0 ? contractRevenue / contractHours : null,
        fleetH100e: fleet,
      });
    }
  }
}

/** What a provider sold to labs this month, as their seller: contracts (its own capacity or leased) and spot. */
function soldToLabs(p: Position): number {
  return (p.load - p.leasedOut) * p.deliveryRatio + p.leasedIn + p.spotSold;
}

/** What a provider earned this month: from labs (contracts and spot) and from lessees. */
function revenueOf(p: Position): number {
  return p.contractRevenue + p.leaseRevenue + p.spotRevenue;
}

/** The share of its usable capacity a provider used this month: its own models, what it delivered under contracts and leases, and spot. */
function utilizationOf(p: Position): number {
  // At most 1: loads are bounded by the usable capacity, and the division's rounding must not say otherwise.
  // (Summed left to right, as ever: another order rounds otherwise, and the outputs' bytes would move.)
  return p.usable > 0 ? Math.min(1, (p.internal + p.load * p.deliveryRatio + p.spotSold) / p.usable) : 0;
}

/** What a provider's own capacity served labs and lessees this month: its contracts, others' it serves under leases, and spot. */
function servedByOwnCapacity(p: Position): number {
  return p.load * p.deliveryRatio + p.spotSold;
}

function emptyPosition(provider: Provider): Position {
  return {
    provider,
    usable: 0,
    internal: 0,
    load: 0,
    leasedOut: 0,
    deliveryRatio: 1,
    leasedIn: 0,
    idle: 0,
    spotPrice: 0,
    spotSold: 0,
    spotRevenue: 0,
    contractRevenue: 0,
    armsLengthContractRevenue: 0,
    contractHours: 0,
    armsLengthContractHours: 0,
    leaseRevenue: 0,
    leaseCost: 0,
    armsLengthSpotSold: 0,
  };
}

// A provider's load and delivery ratio, from its own lists: the contracts its capacity serves and its
// leases out. Each contract's volume this month is worked out here, once, and kept on it for the
// labs' side.
function openPosition(position: Position, usable: number, month: MonthContext, endDay: number): void {
  const provider = position.provider;
  const internal = Math.min(usable, Math.max(0, provider.internalDemandH100e(month.t, month.year)));
  let load = 0;
  for (const contract of provider.contracts) {
    contract.monthH100e = effectiveVolume(contract, month.startDay, endDay, month.days);
    if (contract.lease === undefined) load += contract.monthH100e;
  }
  let leasedOut = 0;
  for (const lease of provider.leasesOut) leasedOut += effectiveVolume(lease, month.startDay, endDay, month.days);
  load += leasedOut;
  const deliverable = Math.min(load, usable - internal);
  position.usable = usable;
  position.internal = internal;
  position.load = load;
  position.leasedOut = leasedOut;
  position.deliveryRatio = load > 0 ? Math.max(0, deliverable) / load : 1;
  position.idle = Math.max(0, usable - internal - Math.max(0, deliverable));
  position.spotPrice = 0;
  position.spotSold = 0;
  position.spotRevenue = 0;
  position.armsLengthSpotSold = 0;
}

// The provider's side of the books, kept from its own lists apart from what labs pay: the invariant
// "paid = earned, contract by contract" then checks two computations, not one. Run once every
// provider's delivery ratio is known, since a leased contract is delivered at its lessor's.
function settleProvider(position: Position, positions: readonly Position[], month: MonthContext, endDay: number): void {
  const provider = position.provider;
  const hours = month.days * HOURS_PER_DAY;
  let contractRevenue = 0;
  let armsLengthRevenue = 0;
  let contractHours = 0;
  let armsLengthHours = 0;
  let leasedIn = 0;
  let leaseCost = 0;
  for (const contract of provider.contracts) {
    const volume = contract.monthH100e;
    if (volume <= 0) continue;
    const h100e = volume * positions[serverOf(contract).index]!.deliveryRatio;
    if (!(h100e > 0)) continue;
    const earned = h100e * contract.priceUsdPerGpuHour * hours;
    contract.earnedUsd += earned;
    contractRevenue += earned;
    contractHours += h100e * hours;
    if (contract.lab.id !== provider.owner) {
      armsLengthRevenue += earned;
      armsLengthHours += h100e * hours;
    }
    const lease = contract.lease;
    if (lease !== undefined) {
      const paid = h100e * lease.priceUsdPerGpuHour * hours;
      lease.paidUsd += paid;
      leaseCost += paid;
      leasedIn += h100e;
    }
  }
  let leaseRevenue = 0;
  for (const lease of provider.leasesOut) {
    const volume = effectiveVolume(lease, month.startDay, endDay, month.days);
    if (!(volume > 0)) continue;
    const earned = volume * position.deliveryRatio * lease.priceUsdPerGpuHour * hours;
    lease.earnedUsd += earned;
    leaseRevenue += earned;
  }
  position.contractRevenue = contractRevenue;
  position.armsLengthContractRevenue = armsLengthRevenue;
  position.contractHours = contractHours;
  position.armsLengthContractHours = armsLengthHours;
  position.leasedIn = leasedIn;
  position.leaseCost = leaseCost;
  position.leaseRevenue = leaseRevenue;
}

// A contract (or lease) counts for the share of the month it is in force.
function effectiveVolume(term: Term, startDay: number, endDay: number, days: number): number {
  const overlap = Math.min(endDay, term.endDay) - Math.max(startDay, term.startDay);
  return overlap > 0 ? (term.volumeH100e * overlap) / days : 0;
}

function providerMonth(p: Position, month: MonthContext, marketShare: number, revenue: number, hours: number): ProviderMonth {
  const contracted = p.load * p.deliveryRatio;
  // Sold to labs and lessees: what its capacity delivered under contracts and leases, what it resold from leases, and spot.
  const hoursSold = (contracted + p.leasedIn + p.spotSold) * hours;
  return {
    month: month.month,
    provider: p.provider.id,
    fleetH100e: p.provider.fleetH100e,
    usableH100e: p.usable,
    internalH100e: p.internal,
    contractedH100e: contracted,
    spotH100e: p.spotSold,
    utilization: utilizationOf(p),
    leasedOutH100e: p.leasedOut * p.deliveryRatio,
    leasedInH100e: p.leasedIn,
    revenueUsd: revenue,
    leaseCostUsd: p.leaseCost,
    avgPriceUsdPerGpuHour: hoursSold > 0 ? revenue / hoursSold : null,
    // The spot market prices a provider that offered nothing at 0: no ask, no price.
    spotPriceUsdPerGpuHour: p.spotPrice > 0 ? p.spotPrice : null,
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
  let armsSpotRevenue = 0;
  let armsSpotHours = 0;
  let contractRevenue = 0;
  let contractHours = 0;
  let armsContractRevenue = 0;
  let armsContractHours = 0;
  let spotH100e = 0;
  // The cheapest ask of a provider with idle capacity, for a month without spot trades.
  let cheapestAsk = Infinity;
  for (const p of positions) {
    spotRevenue += p.spotRevenue;
    spotHours += p.spotSold * hours;
    armsSpotRevenue += p.armsLengthSpotSold * p.spotPrice * hours;
    armsSpotHours += p.armsLengthSpotSold * hours;
    spotH100e += p.spotSold;
    contractRevenue += p.contractRevenue;
    contractHours += p.contractHours;
    armsContractRevenue += p.armsLengthContractRevenue;
    armsContractHours += p.armsLengthContractHours;
    if (p.idle > 0 && p.spotPrice > 0 && p.provider.owner === undefined) cheapestAsk = Math.min(cheapestAsk, p.spotPrice);
  }
  const unquoted = cheapestAsk < Infinity ? cheapestAsk : month.spotUsdPerGpuHour;
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
    days: month.days,
    spotPriceUsdPerGpuHour: spotHours > 0 ? spotRevenue / spotHours : unquoted,
    contractPriceUsdPerGpuHour: contractHours > 0 ? contractRevenue / contractHours : null,
    spotArmsLengthUsdPerGpuHour: armsSpotHours > 0 ? armsSpotRevenue / armsSpotHours : unquoted,
    contractArmsLengthUsdPerGpuHour: armsContractHours > 0 ? armsContractRevenue / armsContractHours : null,
    spotH100e,
    hhi,
    demandH100e: demand,
    shortfallH100e: shortfall,
    activeShocks: month.activeShocks,
  };
}
