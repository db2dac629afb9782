import { sample } from '../kernel/distributions/data.js';
import { exponential, normal } from '../kernel/distributions/samplers.js';
import { KeyedUniforms, RandomStreams } from '../kernel/random.js';
import { Simulation } from '../kernel/simulation.js';
import type { CompiledScenario } from '../scenario/compile.js';
import { ParameterSampler, toDistribution } from '../scenario/sample.js';
import type { ScenarioSpec, UncertainSpec } from '../scenario/schema.js';
import { fractionalYear } from '../scenario/time.js';
import { dropEnded } from './actors.js';
import type { Contract, Lab, Provider, ShockExposure, Term } from './actors.js';
import { buildWorld } from './build.js';
import type { World } from './build.js';
import { AVERAGE_MONTH_DAYS, calendarMonths, DAYS_PER_YEAR, dateAfterEpochDay, daysBetween, epochDay } from './calendar.js';
import type { Months } from './calendar.js';
import { Market } from './clearing.js';
import { firstNonFinite } from './finite.js';
import type { ClearingRecords } from './clearing.js';
import type { ChipMonth, DealEvent, LabMonth, LabSummary, MarketMonth, NotableEvent, ProviderMonth, RunResult, ShockEvent, SupplierMonth, TenderRecord } from './results.js';
import { averageLeadTime, buildPower, orderChips, orderMix, produce } from './supply.js';
import { tenderRound } from './tender.js';
import { applyTimelineChange } from './timeline.js';
import * as libm from '../kernel/libm.js';

/** The monthly series of a run's result. */
export type MonthlySeries = 'labs' | 'providers' | 'suppliers' | 'market' | 'chips';

/** How a run draws its uncertain parameters, and what it keeps. */
export interface ScenarioRunOptions {
  /** The uniform in (0, 1) of each parameter (by path) in this run, from a batch's design such as a Latin hypercube; by default each parameter draws from its own stream. */
  design?: (path: string) => number;
  /**
   * The monthly series the result keeps (by default all); the others come back empty. A batch
   * that writes only some of them spares the run building the rest; the summary is the same.
   */
  keep?: readonly MonthlySeries[];
}

/**
 * One run of the compute market: (compiled scenario, seed, run index) -> plain records. Each month
 * closes at its last instant: suppliers produce and ship, the market clears, and the records are
 * kept; then, the same day, dated changes and shocks apply and the actors decide for the next
 * month: labs run their procurement rounds, providers order chips and build power. A run that works
 * out a number that is not finite throws a RangeError naming it (finite.ts) rather than return it.
 */
export function runScenario(compiled: CompiledScenario, seed: number | string, runIndex: number, options: ScenarioRunOptions = {}): RunResult {
  if (typeof compiled?.formula !== 'function') throw new TypeError(`runScenario needs compileScenario's result, got ${compiled === null ? 'null' : typeof compiled === 'object' ? 'another object' : typeof compiled}`);
  const sim = new Simulation();
  const streams = new RandomStreams(seed, runIndex);
  const sampler = new ParameterSampler(streams, options.design);
  const world = buildWorld(sim, compiled, sampler);
  const run = new MarketRun(sim, compiled, world, streams, sampler, options.keep ?? MONTHLY_SERIES);
  run.schedule();
  sim.run({ until: run.endDay });
  const result = run.result(seed, runIndex);
  const nonFinite = firstNonFinite(result);
  if (nonFinite !== undefined) throw new RangeError(`the run worked out a number that is not finite: ${nonFinite}`);
  return result;
}

/** Every monthly series a run can keep. */
export const MONTHLY_SERIES: readonly MonthlySeries[] = ['market', 'labs', 'providers', 'suppliers', 'chips'];

/** The monthly weight of the latest arm's-length spot price in the market's spot level: an exponential average over about a year. */
const SPOT_LEVEL_WEIGHT = 1 / 12;

// Same-day order: the month closes first, then dated changes and shocks, then decisions.
const CLOSE = -10;
const DECIDE = 10;

class MarketRun {
  private readonly spec: ScenarioSpec;
  private readonly calendar: Calendar;
  private readonly months: Months;
  /** The start as days since 1970-01-01, for dating events of note. */
  private readonly startEpochDay: number;
  /**
   * Where the run stops, the day after the last month's close: past it nothing is recorded, and
   * deliveries and shock ends beyond it never fire (nor are power build-outs scheduled, see supply.ts).
   */
  readonly endDay: number;
  private readonly firstYear: number;
  // Lab and market records are read as the run goes (the summary's tallies, next month's signals),
  // so they are built whatever the result keeps; provider and supplier records only when kept.
  private readonly labs: LabMonth[] = [];
  /** Each lab's totals for its summary, in the world's order. */
  private readonly tallies: LabTally[];
  private readonly providers: ProviderMonth[] | undefined;
  private readonly suppliers: SupplierMonth[] | undefined;
  private readonly market: MarketMonth[] = [];
  private readonly chips: ChipMonth[] | undefined;
  private readonly tenders: TenderRecord[] = [];
  private readonly events: NotableEvent[] = [];
  /** Last month's spot index (all sales), shown to pricing policies. */
  private spotIndex = 0;
  /** The market's spot level: the arm's-length index averaged over about a year. */
  private spotLevel = 0;
  /** Where spot prices return to: the independent providers' average reservation price at their target utilisation, this month. */
  private longRunPrice = 0;
  /** Total demand of each month so far, for the growth providers expect. */
  private readonly demandHistory: number[] = [];
  private readonly draws: KeyedUniforms;
  private activeShocks = 0;
  private shocksStarted = 0;
  /** Every contract of the run, for the audit; actors keep only those in force or to come. */
  private readonly contracts: Contract[] = [];
  private occurrences = 0;
  private readonly demand: number[];
  private readonly usable: number[];
  private readonly clearing: Market;
  /** The record lists clearing appends to. */
  private readonly records: ClearingRecords;

  constructor(
    private readonly sim: Simulation,
    private readonly compiled: CompiledScenario,
    private readonly world: World,
    private readonly streams: RandomStreams,
    private readonly sampler: ParameterSampler,
    private readonly keep: readonly MonthlySeries[],
  ) {
    this.spec = compiled.spec;
    this.providers = keep.includes('providers') ? [] : undefined;
    this.suppliers = keep.includes('suppliers') ? [] : undefined;
    this.chips = keep.includes('chips') ? [] : undefined;
    this.calendar = calendarOf(this.spec);
    this.months = this.calendar.months;
    this.startEpochDay = epochDay(this.spec.start);
    this.endDay = daysBetween(this.spec.start, this.spec.end) + 2;
    this.firstYear = fractionalYear(this.spec.start);
    this.signInitialContracts();
    this.tallies = world.labs.map(() => new LabTally());
    this.demand = world.labs.map(() => 0);
    this.usable = world.providers.map(() => 0);
    this.clearing = new Market(world.labs, world.providers, world.chipList);
    this.records = { labs: this.labs, providers: this.providers, market: this.market, chips: this.chips };
    for (const lab of world.labs) lab.noise = streams.get(`demand:${lab.id}`);
    this.draws = new KeyedUniforms(streams.get('tenders'));
    // Before any trade the spot index stands at the providers' average cost, not at zero, and the
    // price expected over a term at their average reservation price at their target utilisation.
    this.spotIndex = world.providers.reduce((sum, p) => sum + p.costUsdPerGpuHour, 0) / world.providers.length;
    this.longRunPrice = this.openingPrice();
    this.spotLevel = this.longRunPrice;
  }

  schedule(): void {
    const { startDay, days } = this.months;
    // The first decisions come after the start day's dated changes and shocks, like every month's.
    // Labels are for traces: without a tracer, every month shares the same options.
    const tracing = this.sim.tracing;
    const decide = { priority: DECIDE, label: 'decide' };
    const close = { priority: CLOSE };
    this.sim.at(0, () => this.decide(0), decide);
    for (let m = 0; m < startDay.length; m++) {
      const closing = startDay[m]! + days[m]!;
      this.sim.at(closing, () => this.close(m), tracing ? { priority: CLOSE, label: `close ${this.months.date[m]}` } : close);
      if (m + 1 < startDay.length) this.sim.at(closing, () => this.decide(closing), decide);
    }
    this.spec.timeline.forEach((entry, i) => {
      const day = this.day(entry.date);
      this.sim.at(day, () => this.applyTimeline(i), { label: `timeline ${entry.date}` });
    });
    this.spec.shocks.forEach((_, i) => this.scheduleShock(i));
  }

  result(seed: number | string, runIndex: number): RunResult {
    return {
      seed,
      runIndex,
      sampled: this.sampler.sampled,
      labs: this.keep.includes('labs') ? this.labs : [],
      providers: this.providers ?? [],
      suppliers: this.suppliers ?? [],
      market: this.keep.includes('market') ? this.market : [],
      chips: this.chips ?? [],
      tenders: this.tenders,
      events: this.events,
      summary: {
        labs: this.world.labs.map((lab, i) => this.tallies[i]!.summary(lab.id, this.tenders)),
        // The last month's shares; none before a month has closed.
        providerShares: Object.fromEntries(this.market.length > 0 ? this.world.providers.map((p) => [p.id, this.clearing.marketShares[p.index]!]) : []),
        avgSpotPriceUsdPerGpuHour: mean(this.market.map((m) => m.spotPriceUsdPerGpuHour)),
        // Over the months with a contract in force: a month without one has no contract price.
        avgContractPriceUsdPerGpuHour: meanOrNull(this.market.map((m) => m.contractPriceUsdPerGpuHour).filter((price) => price !== null)),
        shocks: this.shocksStarted,
        contractsSigned: this.contracts.length - this.spec.contracts.length,
        events: this.events.length,
      },
      audit: {
        suppliers: this.world.suppliers.map((s) => ({
          supplier: s.id,
          producedUnits: s.producedUnits,
          deliveredUnits: s.deliveredUnits,
          inTransitUnits: s.inTransitUnits,
        })),
        contracts: this.contracts.map((c) => ({ lab: c.lab.id, provider: c.provider.id, leasedFrom: c.lease?.lessor.id ?? '', ...termFigures(c) })),
        leases: this.contracts.flatMap((c) => (c.lease === undefined ? [] : [{ lessee: c.lease.lessee.id, lessor: c.lease.lessor.id, ...termFigures(c.lease) }])),
        money: { ...this.clearing.money },
        eventsFired: this.sim.eventsFired,
      },
    };
  }

  private close(m: number): void {
    const { world, demand, usable } = this;
    const startDay = this.months.startDay[m]!;
    const days = this.months.days[m]!;
    const t = (startDay + days / 2) / DAYS_PER_YEAR;
    const year = this.firstYear + t;
    for (const supplier of world.suppliers) produce(this.sim, supplier, m, startDay, days, t, year, this.suppliers);
    for (let i = 0; i < world.labs.length; i++) demand[i] = this.demandOf(world.labs[i]!, t, year, days);
    for (let i = 0; i < world.providers.length; i++) usable[i] = world.providers[i]!.takeAverageUsable();
    const firstLab = this.labs.length;
    const market = this.clearing.clear(demand, usable, {
      month: m,
      date: this.months.date[m]!,
      startDay,
      days,
      t,
      year,
      spotUsdPerGpuHour: this.spotIndex,
      activeShocks: this.activeShocks,
      spotCapUsdPerGpuHour: this.spec.market.spotPriceCapUsdPerGpuHour ?? Infinity,
    }, this.records);
    this.spotIndex = market.spotPriceUsdPerGpuHour;
    this.spotLevel += SPOT_LEVEL_WEIGHT * (market.spotArmsLengthUsdPerGpuHour - this.spotLevel);
    this.demandHistory.push(market.demandH100e);
    for (let i = 0; i < world.labs.length; i++) {
      this.tallies[i]!.add(this.labs[firstLab + i]!, days, this.calendar.year[m]!);
      world.labs[i]!.lastDemandH100e = demand[i]!;
    }
    this.rememberSignals(firstLab);
  }

  private decide(day: number): void {
    const t = day / DAYS_PER_YEAR;
    const year = this.firstYear + t;
    const { providers, labs, suppliers } = this.world;
    this.longRunPrice = this.openingPrice(t, year);
    for (const provider of providers) {
      provider.retire(day);
      // A contract that ended before this month cannot matter again: the monthly loops skip it.
      provider.contracts = dropEnded(provider.contracts, day - AVERAGE_MONTH_DAYS);
      provider.leasesOut = dropEnded(provider.leasesOut, day - AVERAGE_MONTH_DAYS);
      this.evaluateProviderRules(provider, day, t, year);
    }
    for (let i = 0; i < labs.length; i++) {
      const lab = labs[i]!;
      lab.contracts = dropEnded(lab.contracts, day - AVERAGE_MONTH_DAYS);
      if (lab.budgetFormula !== undefined) {
        lab.budgetUsdPerYear = lab.budgetFormula({ t, year, revenue: lab.revenueUsdPerYear(t, year), demand: lab.lastDemandH100e });
      }
      // Rounds happen at month ends: a round due within half a month is held now, so that an
      // interval of 30 days means every month rather than every other one.
      if (day + AVERAGE_MONTH_DAYS / 2 < lab.nextRoundDay) continue;
      lab.nextRoundDay = day + lab.procurement.intervalDays;
      const firstTender = this.tenders.length;
      const signed = tenderRound(lab, {
        day,
        t,
        year,
        spotLevelUsdPerGpuHour: this.spotLevel,
        longRunUsdPerGpuHour: this.longRunPrice,
        spotUsdPerGpuHour: this.spotIndex,
        providers,
        suppliers,
        rules: this.spec.market,
        draws: this.draws,
        labIndex: i,
        tenders: this.tenders,
      });
      const date = dateAfterEpochDay(this.startEpochDay, day);
      for (let k = firstTender; k < this.tenders.length; k++) this.tenders[k]!.date = date;
      for (const { contract, matched } of signed) {
        this.contracts.push(contract);
        const { provider, lease } = contract;
        this.noteDeal(day, matched ? 'matched' : 'contract', lab.id, provider.id, lease?.lessor.id ?? '', contract);
        if (lease !== undefined) this.noteDeal(day, 'lease', lab.id, lease.lessee.id, lease.lessor.id, lease);
      }
    }
    const growth = this.demandGrowthPerYear();
    for (const provider of providers) {
      // The load it expects at `horizon`: its own models' needs then, and its business with labs, which
      // it projects at the growth of the labs' demand from what its capacity served last month and the
      // demand it saw go unmet, or what it has signed for then, whichever is more. What a lessor served
      // under its contracts is the lessor's to build for, not its own (it was, and a lessee built chips
      // its power could not run while its lessors built less).
      const expected = (horizon: number): number => {
        // Its own models' needs are read on the month grid: a formula's values there are kept across
        // runs (build.ts), where horizons that depend on sampled lead times would each be new.
        const tInternal = Math.round((horizon / DAYS_PER_YEAR) * 12) / 12;
        const projected = (provider.lastServedH100e + provider.lastUnmetH100e) * libm.pow(growth, (horizon - day) / DAYS_PER_YEAR);
        return provider.internalDemandH100e(tInternal, this.firstYear + tInternal) + Math.max(provider.loadOn(horizon), projected);
      };
      // Power first: it takes longest to build, and chips cannot run without it (orders are bounded by the power there will be).
      buildPower(this.sim, provider, AVERAGE_MONTH_DAYS, year, this.endDay, this.powerNeeded(provider, day, t, year, expected(day + provider.powerLeadTimeDays)));
      orderChips(provider, day, t, year, expected(day + averageLeadTime(provider) + AVERAGE_MONTH_DAYS));
    }
  }

  // Capex and power build written as formulas of the provider's state are worked out afresh each month.
  private evaluateProviderRules(provider: Provider, day: number, t: number, year: number): void {
    if (provider.capexFormula === undefined && provider.powerBuildFormula === undefined) return;
    const scope = {
      t,
      year,
      backlog: provider.backlogFrom(day),
      revenue: provider.lastRevenueUsd * 12,
      utilization: provider.lastUtilization,
      spot: this.spotLevel,
      fleet: provider.fleetH100e,
    };
    if (provider.capexFormula !== undefined) provider.capexUsdPerYear = provider.capexFormula(scope);
    if (provider.powerBuildFormula !== undefined) provider.powerBuildMwPerYear = provider.powerBuildFormula(scope);
  }

  /**
   * The power a provider needs once a build started today completes: its pipeline's (the fleet still
   * in service then, chips on the way and on order) and, for the load it expects beyond what the
   * pipeline serves at its target utilisation, the power of the chips it would buy today.
   */
  private powerNeeded(provider: Provider, day: number, t: number, year: number, expectedLoad: number): number {
    const due = day + provider.powerLeadTimeDays;
    const mix = orderMix(provider, day, t, year);
    const mwPerH100e = mix?.mwPerH100e ?? 0;
    const pipeline = provider.pipelineOn(due, mwPerH100e);
    const wanted = expectedLoad / Math.max(provider.targetUtilization, 0.01);
    return pipeline.mw + Math.max(0, wanted - pipeline.h100e) * mwPerH100e;
  }

  /** The growth of the labs' total demand over the last year (extrapolated from the months so far in the first year), as a yearly factor in [1, 3]. */
  private demandGrowthPerYear(): number {
    const history = this.demandHistory;
    const m = history.length - 1;
    if (m < 1 || !(history[0]! > 0)) return 1;
    const from = Math.max(0, m - 12);
    const factor = libm.pow(history[m]! / history[from]!, 12 / (m - from));
    return Number.isFinite(factor) ? Math.min(3, Math.max(1, factor)) : 1;
  }

  // The average reservation price of the independent providers at their target utilisation.
  private openingPrice(t = 0, year = this.firstYear): number {
    const independent = this.world.providers.filter((p) => p.owner === undefined);
    const providers = independent.length > 0 ? independent : this.world.providers;
    let total = 0;
    for (const p of providers) total += p.reservationPrice(p.targetUtilization, providers.length, this.spotIndex, t, year);
    return total / providers.length;
  }

  // A lab's demand this month: trend, mean-one lognormal noise from its own stream, and demand shocks.
  private demandOf(lab: Lab, t: number, year: number, days: number): number {
    const trend = Math.max(0, lab.demandTrend(t, year));
    const sigma = lab.volatility;
    const noise = sigma > 0 ? libm.exp(normal(lab.noise, -sigma * sigma / 2, sigma)) : 1;
    return trend * noise * lab.exposure.takeAverage();
  }

  // Providers learn where demand went unmet (split over the providers each short lab may buy from),
  // from this month's lab records, the last ones, from `firstLab` on; clearing told them what they sold.
  private rememberSignals(firstLab: number): void {
    const { providers, labs } = this.world;
    for (const provider of providers) provider.lastUnmetH100e = 0;
    for (let i = 0; i < labs.length; i++) {
      const shortfall = this.labs[firstLab + i]!.shortfallH100e;
      const eligible = labs[i]!.eligibleIn(providers);
      for (const provider of eligible.providers) provider.lastUnmetH100e += shortfall / eligible.listed;
    }
  }

  private signInitialContracts(): void {
    for (const c of this.spec.contracts) {
      const lab = this.world.labById.get(c.lab)!;
      const provider = this.world.providerById.get(c.provider)!;
      const contract: Contract = {
        lab,
        provider,
        lease: undefined,
        volumeH100e: c.volumeH100e,
        priceUsdPerGpuHour: c.priceUsdPerGpuHour,
        startDay: this.day(c.start),
        endDay: this.day(c.end),
        paidUsd: 0,
        earnedUsd: 0,
        monthH100e: 0,
      };
      lab.contracts.push(contract);
      provider.contracts.push(contract);
      this.contracts.push(contract);
    }
  }

  private applyTimeline(index: number): void {
    const entry = this.spec.timeline[index]!;
    for (const [path, value] of Object.entries(entry.set)) {
      applyTimelineChange(this.world, this.compiled, this.sampler, index, path, value);
      const day = this.sim.now;
      this.events.push({ day, date: dateAfterEpochDay(this.startEpochDay, day), kind: 'policy', path, value: JSON.stringify(value), note: entry.note ?? '' });
    }
  }

  private scheduleShock(index: number): void {
    const shock = this.spec.shocks[index]!;
    const stream = this.streams.get(`shock:${shock.id}`);
    const exposure = this.exposureOf(shock.target);
    const endDay = this.day(this.spec.end) + 1;
    const occur = (day: number): void => {
      const magnitude = Math.max(0, this.draw(shock.magnitude, stream));
      const duration = Math.max(1, this.draw(shock.durationDays, stream));
      const id = this.occurrences++;
      this.sim.at(day, () => {
        exposure.start(id, magnitude);
        this.activeShocks++;
        this.shocksStarted++;
        this.noteShock(day, 'shock-start', shock, magnitude, duration);
      }, { label: `shock ${shock.id}` });
      this.sim.at(day + duration, () => {
        exposure.end(id);
        this.activeShocks--;
        this.noteShock(day + duration, 'shock-end', shock, magnitude, duration);
      }, { label: `shock end ${shock.id}` });
    };
    if ('date' in shock.arrival) {
      occur(this.day(shock.arrival.date));
      return;
    }
    // Poisson arrivals over the whole span, drawn from the shock's own stream.
    const ratePerDay = this.sampler.bounded(shock.arrival.ratePerYear, `shocks.${shock.id}.arrival.ratePerYear`, 0) / DAYS_PER_YEAR;
    if (!(ratePerDay > 0)) return;
    for (let day = exponential(stream, ratePerDay); day < endDay; day += exponential(stream, ratePerDay)) occur(day);
  }

  private exposureOf(target: ScenarioSpec['shocks'][number]['target']): ShockExposure {
    if ('supplier' in target) return this.world.supplierById.get(target.supplier)!.exposure;
    if ('provider' in target) return this.world.providerById.get(target.provider)!.powerExposure;
    return this.world.labById.get(target.lab)!.exposure;
  }

  // Each occurrence of a shock draws its own magnitude and duration.
  private draw(spec: UncertainSpec, stream: () => number): number {
    return typeof spec === 'number' ? spec : sample(toDistribution(spec), stream);
  }

  private noteDeal(day: number, kind: DealEvent['kind'], lab: string, provider: string, lessor: string, term: Term): void {
    const date = (at: number): string => dateAfterEpochDay(this.startEpochDay, at);
    this.events.push({ day, date: date(day), kind, lab, provider, lessor, volumeH100e: term.volumeH100e, priceUsdPerGpuHour: term.priceUsdPerGpuHour, startDate: date(term.startDay), endDate: date(term.endDay) });
  }

  private noteShock(day: number, kind: ShockEvent['kind'], shock: ScenarioSpec['shocks'][number], magnitude: number, durationDays: number): void {
    const { target } = shock;
    const [targetKind, id] = 'supplier' in target ? (['supplier', target.supplier] as const) : 'provider' in target ? (['provider', target.provider] as const) : (['lab', target.lab] as const);
    this.events.push({ day, date: dateAfterEpochDay(this.startEpochDay, day), kind, shock: shock.id, targetKind, target: id, magnitude, durationDays });
  }

  private day(date: string): number {
    return daysBetween(this.spec.start, date);
  }
}

/** A run's calendar months, with each month's calendar year (YYYY) for yearly summaries. */
interface Calendar {
  months: Months;
  year: string[];
}

// The calendar is the scenario's, the same in every run: worked out once per spec (and again if its dates change).
const calendars = new WeakMap<ScenarioSpec, { start: string; end: string; calendar: Calendar }>();

function calendarOf(spec: ScenarioSpec): Calendar {
  const known = calendars.get(spec);
  if (known !== undefined && known.start === spec.start && known.end === spec.end) return known.calendar;
  const months = calendarMonths(spec.start, spec.end);
  const calendar = { months, year: months.date.map((date) => date.slice(0, 4)) };
  calendars.set(spec, { start: spec.start, end: spec.end, calendar });
  return calendar;
}

/**
 * A lab's running totals for its summary, added to as each month closes: its records are read while
 * fresh, not all again at the end of the run, when they lie scattered over the heap (a pass that
 * cost more than its sums). Months close in order, so each calendar year's records come together.
 */
class LabTally {
  private demand = 0;
  private shortfall = 0;
  private spend = 0;
  private hours = 0;
  private last: LabMonth | undefined = undefined;
  private year = '';
  private yearDemand = 0;
  private yearShortfall = 0;
  private worstYear = 0;

  /** Adds the lab's record of a month of `days` days in calendar year `year` (YYYY). */
  add(r: LabMonth, days: number, year: string): void {
    this.demand += r.demandH100e * days;
    this.shortfall += r.shortfallH100e * days;
    this.spend += r.spendUsd;
    this.hours += (r.contractedH100e + r.spotH100e) * days * 24;
    if (year !== this.year) {
      if (this.year !== '') this.worstYear = worseYear(this.worstYear, this.yearDemand, this.yearShortfall);
      this.year = year;
      this.yearDemand = 0;
      this.yearShortfall = 0;
    }
    this.yearDemand += r.demandH100e * days;
    this.yearShortfall += r.shortfallH100e * days;
    this.last = r;
  }

  /** The lab's summary, with its figures from the run's tenders. */
  summary(lab: string, tenders: readonly TenderRecord[]): LabSummary {
    const { demand, shortfall, spend, hours } = this;
    let held = 0;
    let bids = 0;
    let won = 0;
    let paid = 0;
    let withIncumbent = 0;
    let byIncumbent = 0;
    for (const tender of tenders) {
      if (tender.lab !== lab) continue;
      held++;
      bids += tender.bids.length;
      if (!(tender.awardedH100e > 0)) continue;
      won += tender.awardedH100e;
      paid += tender.awardedH100e * tender.priceUsdPerGpuHour!;
      if (tender.incumbent === '') continue;
      withIncumbent += tender.awardedH100e;
      if (tender.winner === tender.incumbent) byIncumbent += tender.awardedH100e;
    }
    return {
      lab,
      shortfallShare: demand > 0 ? shortfall / demand : 0,
      // The year in progress counts too.
      worstYearShortfallShare: this.year !== '' ? worseYear(this.worstYear, this.yearDemand, this.yearShortfall) : this.worstYear,
      totalSpendUsd: spend,
      avgPriceUsdPerGpuHour: hours > 0 ? spend / hours : null,
      tenderPriceUsdPerGpuHour: won > 0 ? paid / won : null,
      biddersPerTender: held > 0 ? bids / held : null,
      incumbentBlockShare: withIncumbent > 0 ? byIncumbent / withIncumbent : null,
      finalShares: this.last?.shares ?? {},
    };
  }
}

// A contract's or a lease's figures for the audit, in the audit's column order.
function termFigures(term: Term): Term {
  return { volumeH100e: term.volumeH100e, priceUsdPerGpuHour: term.priceUsdPerGpuHour, startDay: term.startDay, endDay: term.endDay, paidUsd: term.paidUsd, earnedUsd: term.earnedUsd };
}

// The worst share of demand unmet so far, given a year's demand and shortfall.
function worseYear(worst: number, demand: number, shortfall: number): number {
  return Math.max(worst, demand > 0 ? shortfall / demand : 0);
}

function mean(values: number[]): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

// A mean of nothing is no price, not a price of 0.
function meanOrNull(values: number[]): number | null {
  return values.length > 0 ? mean(values) : null;
}
