import type { Simulation } from '../kernel/simulation.js';
import { TimeWeighted } from '../kernel/stats.js';
import { HOURS_PER_DAY } from './calendar.js';
import type { AllocationPolicy, OrderingPolicy, PricingPolicy, ProcurementPolicy } from './policies.js';

/** The actors of the compute market and the state they carry through a run. */

/** A curve over time: `t` in years since the start and the calendar `year`. */
export type Curve = (t: number, year: number) => number;

/** An accelerator generation. */
export class ChipType {
  /** Chip capital per H100e-hour over the chip's life. */
  readonly capitalUsdPerGpuHour: number;

  constructor(
    /** Position in the world's chip list, for per-chip arrays. */
    readonly index: number,
    readonly id: string,
    readonly perfH100e: number,
    readonly powerKw: number,
    readonly unitCostUsd: number,
    readonly lifeDays: number,
    readonly releaseDay: number,
  ) {
    this.capitalUsdPerGpuHour = unitCostUsd / perfH100e / (lifeDays * HOURS_PER_DAY);
  }
}

/** Chips of one type installed together, retiring together. */
export interface Cohort {
  chip: ChipType;
  units: number;
  retireDay: number;
}

/** Keeps the contracts (or leases) that have not ended by `day`: the same list when none has, else a new one. */
export function dropEnded<T extends Term>(contracts: T[], day: number): T[] {
  // Plain loops: `some` and `filter` would take two new closures over `day` at each of a dozen calls a month.
  let first = 0;
  while (first < contracts.length && !(contracts[first]!.endDay <= day)) first++;
  if (first === contracts.length) return contracts;
  const kept: T[] = [];
  for (const c of contracts) if (c.endDay > day) kept.push(c);
  return kept;
}

/** What a contract and a lease both are: a volume at a price over a term, and the money it moved. */
export interface Term {
  volumeH100e: number;
  priceUsdPerGpuHour: number;
  startDay: number;
  endDay: number;
  /** Paid over the run by the buyer: equals what the seller earned from it (money is conserved term by term). */
  paidUsd: number;
  earnedUsd: number;
}

/** A reserved take-or-pay contract between a lab and the provider it signed with. */
export interface Contract extends Term {
  lab: Lab;
  /** The seller: the lab pays it, and its market share counts the compute. */
  provider: Provider;
  /** The lease that serves the contract from another provider's capacity, when the seller leased it. */
  lease: Lease | undefined;
  /** The volume in force in the month being cleared: `volumeH100e` times the share of the month it runs (clearing.ts). */
  monthH100e: number;
}

/**
 * Capacity one provider (the lessor) lets to another (the lessee) to serve a lab's contract: same
 * volume and term as the contract; the lessee pays the lessor for what is delivered.
 */
export interface Lease extends Term {
  lessee: Provider;
  lessor: Provider;
}

/** The provider whose capacity serves a contract: its lessor when leased, else its seller. */
export function serverOf(contract: Contract): Provider {
  return contract.lease?.lessor ?? contract.provider;
}

/** An order for chips, in H100e, waiting for a supplier's output. */
export interface Order {
  /** The buyer's id: an Order is the OrderView allocation policies see, without a copy. */
  provider: string;
  buyer: Provider;
  remainingH100e: number;
  day: number;
}

/** A multiplicative effect of the shocks hitting an actor, integrated over each month. */
export class ShockExposure {
  private readonly active = new Map<number, number>();
  /** The factor, integrated over the month since the last `takeAverage`. */
  private readonly factor: TimeWeighted;

  constructor(
    sim: Simulation,
    // Supply shocks cut (1 - m); demand shocks add (1 + m).
    private readonly sign: -1 | 1,
  ) {
    this.factor = new TimeWeighted(sim, 1);
  }

  /** Starts occurrence `id` with magnitude m. */
  start(id: number, magnitude: number): void {
    this.active.set(id, magnitude);
    this.recompute();
  }

  /** Ends occurrence `id`. */
  end(id: number): void {
    this.active.delete(id);
    this.recompute();
  }

  /** The factor now. */
  get current(): number {
    return this.factor.level;
  }

  /** The average factor since the last call (a month), and starts the next month. */
  takeAverage(): number {
    return this.factor.takePeriodAverage();
  }

  private recompute(): void {
    let factor = 1;
    for (const m of this.active.values()) factor *= this.sign < 0 ? Math.max(0, 1 - m) : 1 + m;
    this.factor.set(factor);
  }
}

/** A chip maker: capacity over time, a lead time, and a rule for sharing scarce output. */
export class Supplier {
  readonly orders: Order[] = [];
  producedUnits = 0;
  deliveredUnits = 0;
  inTransitUnits = 0;

  constructor(
    readonly id: string,
    readonly products: readonly { chip: ChipType; fromDay: number; untilDay: number }[],
    readonly capacityUnitsPerMonth: Curve,
    readonly leadTimeDays: number,
    public allocation: AllocationPolicy,
    public priority: readonly string[],
    readonly exposure: ShockExposure,
  ) {}

  /** The newest chip in production on `day`, if any. */
  productOn(day: number): ChipType | undefined {
    let newest: ChipType | undefined;
    for (const p of this.products) {
      if (p.fromDay <= day && day <= p.untilDay && p.chip.releaseDay <= day && (newest === undefined || p.chip.releaseDay >= newest.releaseDay)) {
        newest = p.chip;
      }
    }
    return newest;
  }

  /** H100e ordered and not yet allocated. */
  get backlogH100e(): number {
    let total = 0;
    for (const order of this.orders) total += order.remainingH100e;
    return total;
  }
}

/** A formula of an actor's state, evaluated when the actor decides; the timeline may replace it with a number. */
export type StateFormula = (scope: Record<string, number>) => number;

/** A cloud: a fleet limited by power, a build-out, internal demand and a pricing policy. */
export class Provider {
  /** Installed chips, oldest retirement first: retiring and looking ahead stop at the first cohort still in service. */
  readonly cohorts: Cohort[] = [];
  /** Contracts it sold, in force or still to start (ended ones are dropped each month). */
  contracts: Contract[] = [];
  /** Leases of its capacity to other providers, in force or still to start. */
  leasesOut: Lease[] = [];
  /** The lab that owns it, whose purchases from it are not arm's length. */
  owner: string | undefined = undefined;
  /** Whether it leases capacity to other providers. */
  leasable = true;
  /** `capexUsdPerYear` and `powerBuildMwPerYear` as formulas of its state, when written so. */
  capexFormula: StateFormula | undefined = undefined;
  powerBuildFormula: StateFormula | undefined = undefined;
  /** demand: power is built to need, up to `powerBuildMwPerYear`; fixed: that rate every year. */
  powerBuild: 'demand' | 'fixed' = 'demand';
  /** Last month's revenue (USD), utilisation and spot capacity offered and sold (H100e), for its decisions. */
  lastRevenueUsd = 0;
  lastUtilization = 0;
  lastSpotOfferedH100e = 0;
  fleetH100e = 0;
  /** Its fleet by chip (`ChipType.index`), H100e. */
  readonly fleetByChip: number[] = [];
  powerNeededMw = 0;
  /** Chip capital per hour of the whole fleet, so cost per H100e-hour is one division. */
  private capitalUsdPerHour = 0;
  /** Ordered and not yet delivered. */
  backlogH100e = 0;
  /** Shipped and on the way, with arrival days and the power they will need. */
  readonly arrivals: { day: number; h100e: number; mw: number }[] = [];
  /** Power under construction. */
  powerBuildingMw = 0;
  /** Power under construction, by the day it is due online. */
  readonly powerArrivals: { day: number; mw: number }[] = [];
  /** Position in the world's provider list, for per-provider arrays. */
  index = -1;
  /** What last month's market says this provider could sell: its spot sales, all it sold to labs, and its share of unmet demand. */
  lastSpotH100e = 0;
  lastSoldH100e = 0;
  lastUnmetH100e = 0;
  /**
   * What its own capacity served last month: its contracts, those of others it served under leases, and
   * spot. It builds for this, not for what it sold: a contract a lessor serves is the lessor's load.
   */
  lastServedH100e = 0;
  capexSpentUsd = 0;
  capexYear = -1;
  /** Usable capacity, integrated over the month since the last `takeAverageUsable`: set after every change to the fleet or its power. */
  private readonly usable: TimeWeighted;

  constructor(
    sim: Simulation,
    readonly id: string,
    public powerMw: number,
    public powerBuildMwPerYear: number,
    public powerLeadTimeDays: number,
    public capexUsdPerYear: number,
    public capexUsdPerMw: number,
    public opexUsdPerGpuHour: number,
    public internalDemandH100e: Curve,
    public targetUtilization: number,
    public suppliers: Supplier[],
    public pricing: PricingPolicy,
    public ordering: OrderingPolicy,
    readonly powerExposure: ShockExposure,
  ) {
    this.usable = new TimeWeighted(sim, this.usableH100e);
  }

  /** Compute the fleet can run on the power it has. */
  get usableH100e(): number {
    return runnable(this.fleetH100e, this.powerNeededMw, this.powerMw);
  }

  /** Cost per H100e-hour: the fleet's chip capital plus operations. */
  get costUsdPerGpuHour(): number {
    return (this.fleetH100e > 0 ? this.capitalUsdPerHour / this.fleetH100e : 0) + this.opexUsdPerGpuHour;
  }

  /** Its reservation price (its pricing policy's) at `utilization`, with `bidders` competing and last month's spot index at `spotUsdPerGpuHour`. */
  reservationPrice(utilization: number, bidders: number, spotUsdPerGpuHour: number, t: number, year: number): number {
    const cost = this.costUsdPerGpuHour;
    const price = this.pricing.price({ costUsdPerGpuHour: cost, utilization, targetUtilization: this.targetUtilization, bidders, spotUsdPerGpuHour, t, year });
    if (Number.isFinite(price)) return price;
    // As a formula's value is checked: a registered policy, or a built-in one on an extreme cost, must not hand the market NaN.
    throw new RangeError(`providers.${this.id}.pricing gave ${price} for cost = ${cost}, utilization = ${utilization}, bidders = ${bidders}, spot = ${spotUsdPerGpuHour}, t = ${t}`);
  }

  /** Installs chips. */
  install(chip: ChipType, units: number, retireDay: number): void {
    if (units <= 0) return;
    let at = this.cohorts.length;
    while (at > 0 && this.cohorts[at - 1]!.retireDay > retireDay) at--;
    // New chips retire last as a rule: appending then allocates no array of removed elements.
    if (at === this.cohorts.length) this.cohorts.push({ chip, units, retireDay });
    else this.cohorts.splice(at, 0, { chip, units, retireDay });
    this.fleetH100e += units * chip.perfH100e;
    while (this.fleetByChip.length <= chip.index) this.fleetByChip.push(0);
    this.fleetByChip[chip.index]! += units * chip.perfH100e;
    this.powerNeededMw += (units * chip.powerKw) / 1000;
    this.capitalUsdPerHour += (units * chip.unitCostUsd) / (chip.lifeDays * HOURS_PER_DAY);
    this.usableChanged();
  }

  /** Retires the cohorts at the end of their life. */
  retire(day: number): void {
    let retired = 0;
    while (retired < this.cohorts.length && this.cohorts[retired]!.retireDay <= day) retired++;
    if (retired === 0) return;
    for (const { chip, units } of this.cohorts.splice(0, retired)) {
      this.fleetH100e = Math.max(0, this.fleetH100e - units * chip.perfH100e);
      this.fleetByChip[chip.index] = Math.max(0, this.fleetByChip[chip.index]! - units * chip.perfH100e);
      this.powerNeededMw = Math.max(0, this.powerNeededMw - (units * chip.powerKw) / 1000);
      this.capitalUsdPerHour = Math.max(0, this.capitalUsdPerHour - (units * chip.unitCostUsd) / (chip.lifeDays * HOURS_PER_DAY));
    }
    this.usableChanged();
  }

  /** Power online by `day`: what is online now and what is due by then (shocks may still hold some back). */
  powerOn(day: number): number {
    let mw = this.powerMw;
    for (const a of this.powerArrivals) if (a.day <= day) mw += a.mw;
    return mw;
  }

  /**
   * Compute it can run on `day`: the fleet still in service then and the chips shipped to arrive by
   * then, limited by the power online by then.
   */
  capacityOn(day: number): number {
    const inService = this.inServiceOn(day);
    let h100e = inService.h100e;
    let needMw = inService.mw;
    for (const a of this.arrivals) {
      if (a.day > day) continue;
      h100e += a.h100e;
      needMw += a.mw;
    }
    return runnable(h100e, needMw, this.powerOn(day));
  }

  /**
   * Compute it could run on `day` if it ordered now: its capacity then (`capacityOn`) and, when its
   * suppliers' lead time leaves time to ship, the chips on order and `orderableH100e` more (what its
   * capex still buys, at `mwPerH100e`), as far as the power online by then runs them.
   */
  deliverableOn(day: number, shipsBy: boolean, mwPerH100e: number, orderableH100e: number): number {
    if (!shipsBy || !(mwPerH100e > 0)) return this.capacityOn(day);
    const { h100e, mw } = this.pipelineOn(day, mwPerH100e);
    const power = this.powerOn(day);
    // As `capacityOn`: a fleet short of power runs in proportion; power to spare runs chips yet to order.
    if (mw >= power) return mw > 0 ? (h100e * power) / mw : h100e;
    return h100e + Math.min(Math.max(0, orderableH100e), (power - mw) / mwPerH100e);
  }

  /** Reserved volume its own capacity serves on `day`: the labs' contracts it did not lease out, and its leases to others. */
  loadOn(day: number): number {
    let total = 0;
    for (const c of this.contracts) if (c.lease === undefined && c.startDay <= day && day < c.endDay) total += c.volumeH100e;
    for (const l of this.leasesOut) if (l.startDay <= day && day < l.endDay) total += l.volumeH100e;
    return total;
  }

  /** Removes a shipment that has arrived from the list of arrivals. */
  arrived(day: number, h100e: number): void {
    const arrivals = this.arrivals;
    // A plain loop: findIndex would take a new closure over day and h100e at every delivery.
    let index = 0;
    while (index < arrivals.length && !(arrivals[index]!.day === day && arrivals[index]!.h100e === h100e)) index++;
    removeAt(arrivals, index);
  }

  /** Brings power online. */
  addPower(mw: number): void {
    this.powerMw += mw;
    this.usableChanged();
  }

  /** Removes a build that has come due from the list of power arrivals (the power itself comes online with `addPower`). */
  powerDue(day: number, mw: number): void {
    const arrivals = this.powerArrivals;
    let index = 0;
    while (index < arrivals.length && !(arrivals[index]!.day === day && arrivals[index]!.mw === mw)) index++;
    removeAt(arrivals, index);
  }

  /** The fleet still in service on `day` (what retires before then excluded). */
  fleetOn(day: number): number {
    return this.inServiceOn(day).h100e;
  }

  /** The fleet still in service on `day`, H100e, and the MW it needs. */
  private inServiceOn(day: number): { h100e: number; mw: number } {
    let retiringH100e = 0;
    let retiringMw = 0;
    for (const cohort of this.cohorts) {
      if (cohort.retireDay > day) break;
      retiringH100e += cohort.units * cohort.chip.perfH100e;
      retiringMw += (cohort.units * cohort.chip.powerKw) / 1000;
    }
    return { h100e: Math.max(0, this.fleetH100e - retiringH100e), mw: Math.max(0, this.powerNeededMw - retiringMw) };
  }

  /**
   * What its pipeline holds on `day`: the fleet still in service then, chips on the way and on order
   * (those at `mwPerH100e`), in H100e and the MW they need.
   */
  pipelineOn(day: number, mwPerH100e: number): { h100e: number; mw: number } {
    let { h100e, mw } = this.inServiceOn(day);
    let shipped = 0;
    for (const a of this.arrivals) {
      shipped += a.h100e;
      mw += a.mw;
    }
    // The backlog counts what is shipped until it is installed.
    const onOrder = Math.max(0, this.backlogH100e - shipped);
    h100e += shipped + onOrder;
    mw += onOrder * mwPerH100e;
    return { h100e, mw };
  }

  /** Signed backlog: the volume of its contracts and leases out in force on `day` or due to start later. */
  backlogFrom(day: number): number {
    let total = 0;
    for (const c of this.contracts) if (c.lease === undefined && c.endDay > day) total += c.volumeH100e;
    for (const l of this.leasesOut) if (l.endDay > day) total += l.volumeH100e;
    return total;
  }

  /** Capex left in the calendar year of `year`. */
  capexLeft(year: number): number {
    if (year !== this.capexYear) {
      this.capexYear = year;
      this.capexSpentUsd = 0;
    }
    return Math.max(0, this.capexUsdPerYear - this.capexSpentUsd);
  }

  /** The average usable capacity since the last call (a month), and starts the next month. */
  takeAverageUsable(): number {
    return this.usable.takePeriodAverage();
  }

  private usableChanged(): void {
    this.usable.set(this.usableH100e);
  }
}

/** A lab's willingness to pay when its scenario gives none and sets no price ceiling: the 2023 H100 spot peak, USD per H100e-hour. */
export const DEFAULT_WILLINGNESS_USD_PER_GPU_HOUR = 8;

/** What a lab buys with, and how. */
export interface ProcurementTerms {
  strategy: string;
  providers: string[];
  incumbent: string | undefined;
  maxShare: number;
  priceCeilingUsdPerGpuHour: number;
  intervalDays: number;
  contractMonths: number;
  coverage: number;
  /** Size of a tender's blocks; undefined: a 100,000-GPU cluster of the newest chip in production. */
  blockH100e: number | undefined;
  partialBlocks: boolean;
  deliveryDays: number;
  termPremium: number;
}

/** The providers a lab may buy from now, resolved against a world's providers (`Lab.eligibleIn`). */
export interface Eligible {
  /** 1 at the position of each provider the lab may buy from. */
  mask: Uint8Array;
  /** Those providers, in the order the lab lists their ids (an id no provider has is left out). */
  providers: Provider[];
  /** How many ids the lab lists. */
  listed: number;
}

/** An AI lab: growing, uncertain demand, a budget, and procurement terms that the timeline may change. */
export class Lab {
  /** Contracts in force or still to start (ended ones are dropped each month). */
  contracts: Contract[] = [];
  /** The stream of the lab's monthly demand noise (set when the run starts). */
  noise: () => number = () => 0.5;
  nextRoundDay = 0;
  /** The last `eligibleIn`, with the terms and providers it was worked out for. */
  private eligible: { strategy: string; incumbent: string | undefined; ids: string[]; of: readonly Provider[]; eligible: Eligible } | undefined = undefined;

  /** The budget as a formula of time, revenue and demand, when written so (the timeline may replace it with a number). */
  budgetFormula: StateFormula | undefined = undefined;
  /** Revenue (USD per year) over time, for the budget formula. */
  revenueUsdPerYear: Curve = () => 0;
  /** Willingness to pay (USD per H100e-hour) over time, when the scenario gives one. */
  willingness: Curve = () => DEFAULT_WILLINGNESS_USD_PER_GPU_HOUR;
  willingnessGiven = false;
  /** Its demand last month, H100e, for the budget formula. */
  lastDemandH100e = 0;

  constructor(
    readonly id: string,
    readonly demandTrend: Curve,
    readonly volatility: number,
    public budgetUsdPerYear: number,
    public procurement: ProcurementTerms,
    public procurementPolicy: ProcurementPolicy,
    readonly exposure: ShockExposure,
  ) {}

  /** What compute it lacks is worth to it per H100e-hour at (t, year); a lab given no willingness is willing to pay its ceiling, or the default when it has none. */
  willingnessAt(t: number, year: number): number {
    const ceiling = this.procurement.priceCeilingUsdPerGpuHour;
    return this.willingnessGiven ? this.willingness(t, year) : ceiling < Infinity ? ceiling : DEFAULT_WILLINGNESS_USD_PER_GPU_HOUR;
  }

  /** The most it pays per H100e-hour at (t, year): its willingness, and its price ceiling if lower. */
  maxPriceAt(t: number, year: number): number {
    return Math.min(this.willingnessAt(t, year), this.procurement.priceCeilingUsdPerGpuHour);
  }

  /** Providers this lab may buy from now (under exclusivity, the incumbent alone). */
  get eligibleProviders(): string[] {
    const { strategy, incumbent, providers } = this.procurement;
    return strategy === 'exclusive' && incumbent !== undefined ? [incumbent] : providers;
  }

  /**
   * `eligibleProviders` resolved against the world's `providers` (whose ids are unique), for the
   * monthly loops: searching the ids, or looking them up, for every provider and month cost more
   * than the spot market's arithmetic. Worked out again only when the terms it depends on change
   * (the timeline sets a new strategy, incumbent or list of providers; it never edits a list in place).
   */
  eligibleIn(providers: readonly Provider[]): Eligible {
    const { strategy, incumbent, providers: ids } = this.procurement;
    const known = this.eligible;
    if (known !== undefined && known.strategy === strategy && known.incumbent === incumbent && known.ids === ids && known.of === providers) return known.eligible;
    const listed = this.eligibleProviders;
    const eligible: Eligible = { mask: new Uint8Array(providers.length), providers: [], listed: listed.length };
    for (const id of listed) {
      const p = providers.findIndex((provider) => provider.id === id);
      if (p < 0) continue;
      eligible.mask[p] = 1;
      eligible.providers.push(providers[p]!);
    }
    this.eligible = { strategy, incumbent, ids, of: providers, eligible };
    return eligible;
  }
}

// Compute of `h100e` needing `needMw` that `powerMw` runs: all of it, or in proportion when power is short.
function runnable(h100e: number, needMw: number, powerMw: number): number {
  return needMw <= powerMw || needMw === 0 ? h100e : (h100e * powerMw) / needMw;
}

// Shifted down in place: splice would allocate an array of the removed element, and copyWithin costs
// a call into the runtime, more than moving the handful of items these lists hold.
function removeAt<T>(list: T[], index: number): void {
  if (index >= list.length) return;
  for (let i = index + 1; i < list.length; i++) list[i - 1] = list[i]!;
  list.pop();
}
