import type { Contract, Lab, Provider } from './actors.js';
import { DAYS_PER_YEAR, HOURS_PER_DAY } from './calendar.js';
import type { Award, Offer } from './policies.js';

/** A procurement round: a lab asks eligible providers for quotes and signs reserved contracts. */

const AVERAGE_MONTH_DAYS = DAYS_PER_YEAR / 12;
const HOURS_PER_YEAR = DAYS_PER_YEAR * HOURS_PER_DAY;

/** What the round needs from the rest of the market. */
export interface RoundContext {
  day: number;
  t: number;
  year: number;
  spotUsdPerGpuHour: number;
  /** The world's providers, in its order. */
  providers: readonly Provider[];
  providerById: Map<string, Provider>;
}

/** A contract a round signed, and whether an incumbent matched a competitor's price to win it. */
export interface Signed {
  contract: Contract;
  matched: boolean;
}

/** What a provider could commit in a round, with the capacity and load its utilisation is priced at. */
interface Bid {
  provider: Provider;
  available: number;
  capacity: number;
  load: number;
}

const NOTHING_SIGNED: readonly Signed[] = [];

/** Runs one round for `lab`; returns the contracts signed, with whether an incumbent matched. */
export function procurementRound(lab: Lab, context: RoundContext): readonly Signed[] {
  const terms = lab.procurement;
  const { day } = context;
  const horizon = day + terms.intervalDays;
  const tHorizon = horizon / DAYS_PER_YEAR;
  const heldH100e = lab.heldOn(horizon);
  const held = total(heldH100e);
  const forecast = lab.demandTrend(tHorizon, context.year + (horizon - day) / DAYS_PER_YEAR) * lab.exposure.current;
  const need = forecast * terms.coverage - held;
  if (!(need > 0)) return NOTHING_SIGNED;

  // What each eligible provider could commit, in the order the lab lists them.
  const yearAtHorizon = context.year + terms.intervalDays / DAYS_PER_YEAR;
  const bids: Bid[] = [];
  let bidders = 0;
  for (const provider of lab.eligibleIn(context.providers).providers) {
    const bid = availableFor(provider, day, horizon, context.t, context.year, tHorizon, yearAtHorizon);
    bids.push(bid);
    if (bid.available > 0) bidders++;
  }
  const offers: Offer[] = [];
  for (const { provider, available, capacity, load } of bids) {
    if (!(available > 0)) continue;
    const utilization = capacity > 0 ? Math.min(1, (load + Math.min(need, available)) / capacity) : 1;
    const price = provider.pricing.price({
      costUsdPerGpuHour: provider.costUsdPerGpuHour,
      utilization,
      targetUtilization: provider.targetUtilization,
      bidders,
      spotUsdPerGpuHour: context.spotUsdPerGpuHour,
      t: context.t,
      year: context.year,
    });
    offers.push({ provider: provider.id, volumeH100e: available, priceUsdPerGpuHour: price, floorUsdPerGpuHour: provider.costUsdPerGpuHour });
  }
  if (offers.length === 0) return NOTHING_SIGNED;

  const committedUsdPerYear = annualContractCost(lab, horizon);
  const awards = lab.procurementPolicy.award(
    {
      lab: lab.id,
      needH100e: need,
      heldH100e,
      incumbent: terms.incumbent,
      maxShare: terms.maxShare,
      priceCeilingUsdPerGpuHour: terms.priceCeilingUsdPerGpuHour,
      affordableH100e: (price) => Math.max(0, (lab.budgetUsdPerYear - committedUsdPerYear) / (price * HOURS_PER_YEAR)),
    },
    offers,
  );
  const budgetUsdPerHour = Math.max(0, (lab.budgetUsdPerYear - committedUsdPerYear) / HOURS_PER_YEAR);
  return sign(lab, awards, offers, day, terms.contractMonths, budgetUsdPerHour, context.providerById);
}

// The sum of the volumes held, provider by provider in the record's order.
function total(heldH100e: Record<string, number>): number {
  let sum = 0;
  for (const provider in heldH100e) sum += heldH100e[provider]!;
  return sum;
}

// A contract starts on the round's day and runs past the horizon: a provider offers the lesser of
// what is free now and what it expects to be free at the horizon, after its own models and contracts.
function availableFor(
  provider: Provider,
  day: number,
  horizon: number,
  t: number,
  year: number,
  tHorizon: number,
  yearAtHorizon: number,
): Bid {
  const powerRatio = provider.fleetH100e > 0 ? provider.usableH100e / provider.fleetH100e : 1;
  const capacityNow = provider.usableH100e;
  const freeNow = capacityNow - provider.internalDemandH100e(t, year) - provider.committedOn(day);
  const capacity = (provider.fleetOn(horizon) + provider.arrivingBy(horizon)) * powerRatio;
  const load = provider.internalDemandH100e(tHorizon, yearAtHorizon) + provider.committedOn(horizon);
  return { provider, available: Math.max(0, Math.min(freeNow, capacity - load)), capacity, load };
}

function annualContractCost(lab: Lab, day: number): number {
  let total = 0;
  for (const c of lab.contracts) if (c.startDay <= day && day < c.endDay) total += c.volumeH100e * c.priceUsdPerGpuHour * HOURS_PER_YEAR;
  return total;
}

function sign(
  lab: Lab,
  awards: Award[],
  offers: readonly Offer[],
  day: number,
  contractMonths: number,
  budgetUsdPerHour: number,
  providerById: Map<string, Provider>,
): Signed[] {
  const signed: Signed[] = [];
  // Whatever a (custom) policy awards, a lab signs no more than its budget and the offers allow.
  let budgetLeft = budgetUsdPerHour;
  for (const award of awards) {
    const provider = providerById.get(award.provider);
    const offer = offerOf(offers, award.provider);
    // A policy may not award more than was offered, to a provider that did not bid.
    if (provider === undefined || offer === undefined) continue;
    if (!(award.priceUsdPerGpuHour > 0)) continue;
    const volume = Math.min(award.volumeH100e, offer.volumeH100e, budgetLeft / award.priceUsdPerGpuHour);
    if (!(volume > 0)) continue;
    budgetLeft -= volume * award.priceUsdPerGpuHour;
    const contract: Contract = {
      lab,
      provider,
      volumeH100e: volume,
      priceUsdPerGpuHour: award.priceUsdPerGpuHour,
      startDay: day,
      endDay: day + contractMonths * AVERAGE_MONTH_DAYS,
      paidUsd: 0,
      earnedUsd: 0,
      monthH100e: 0,
    };
    lab.contracts.push(contract);
    provider.contracts.push(contract);
    signed.push({ contract, matched: award.matched });
  }
  return signed;
}

// The first offer of `provider` (a provider bids once per round).
function offerOf(offers: readonly Offer[], provider: string): Offer | undefined {
  for (const offer of offers) if (offer.provider === provider) return offer;
  return undefined;
}
