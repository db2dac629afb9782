import type { KeyedUniforms } from '../kernel/random.js';
import type { Contract, Lab, Lease, Provider, Supplier } from './actors.js';
import { bidPrice, entryThreshold } from './auction.js';
import type { AuctionTerms } from './auction.js';
import { AVERAGE_MONTH_DAYS, DAYS_PER_YEAR, HOURS_PER_DAY } from './calendar.js';
import type { BidView } from './policies.js';
import type { Bid, TenderRecord } from './results.js';
import { averageLeadTime, orderMix } from './supply.js';
import * as libm from '../kernel/libm.js';

/**
 * A lab's procurement round as tenders: its gap is offered as blocks, each a cluster served whole by
 * one provider from one place (unless the lab allows partial blocks), to be delivered by a date. The
 * providers able to deliver by then (from their own capacity, or capacity leased from another
 * provider) decide whether to bid and at what price (auction.ts); the lab awards each block by its
 * strategy: the lowest bid (multi), the incumbent alone (exclusive), or the rivals' best bid unless the
 * incumbent matches it (right of first refusal). docs/model.md gives the rules and their sources.
 */

const HOURS_PER_YEAR = DAYS_PER_YEAR * HOURS_PER_DAY;
/** A round tenders at most this many blocks; a larger gap is split into this many equal blocks. */
export const MAX_BLOCKS_PER_ROUND = 50;
/** The default block: a cluster of this many GPUs of the newest chip in production. */
export const DEFAULT_BLOCK_GPUS = 100_000;

/** The market's rules for tenders (the scenario's `market`). */
export interface TenderRules {
  costSpread: number;
  bidCostUsdPerH100e: number;
  leasing: boolean;
}

/** What a round needs from the rest of the market. */
export interface RoundContext {
  day: number;
  t: number;
  year: number;
  /** The market's spot level (the arm's-length index averaged over about a year), USD per H100e-hour. */
  spotLevelUsdPerGpuHour: number;
  /** Where spot prices return to (the providers' reservation prices at their target), USD per H100e-hour. */
  longRunUsdPerGpuHour: number;
  /** Last month's spot index, shown to pricing policies. */
  spotUsdPerGpuHour: number;
  providers: readonly Provider[];
  suppliers: readonly Supplier[];
  rules: TenderRules;
  /** Private costs: one uniform per (lab, provider, day, block), the same in every variant that holds that tender. */
  draws: KeyedUniforms;
  labIndex: number;
  /** The run's tenders; this round's are appended. */
  tenders: TenderRecord[];
}

/** A contract a round signed, and whether the incumbent matched a rival to win it. */
export interface Signed {
  contract: Contract;
  matched: boolean;
}

/** A provider that can serve a block: from its own capacity, or leasing the lessor's. */
interface Candidate {
  provider: Provider;
  /** Its cost floor for the block (its reservation price, or what the capacity earns elsewhere, or the lease's price). */
  floorUsdPerGpuHour: number;
  /** Its cost for this block: the floor raised by the block's private draw (site, power, network fit). */
  costUsdPerGpuHour: number;
  /** What it can serve: the block, or less with partial blocks. */
  volumeH100e: number;
  /** The free capacity at delivery of the provider that would serve (itself or its lessor). */
  serverFreeH100e: number;
  /** The provider whose capacity it leases, at its floor, when it has too little of its own. */
  lessor: Provider | undefined;
  /** The lab's own data centre: it sells to its owner at its reservation price, with no markup. */
  own: boolean;
}

/** An award of (part of) a block. */
interface Award {
  candidate: Candidate;
  priceUsdPerGpuHour: number;
  volumeH100e: number;
  matched: boolean;
}

const NOTHING: readonly Signed[] = [];

/** Runs one procurement round for `lab`: tenders its gap in blocks and signs what it awards. */
export function tenderRound(lab: Lab, context: RoundContext): readonly Signed[] {
  const terms = lab.procurement;
  const { day } = context;
  const deliveryDay = day + terms.deliveryDays;
  const horizon = deliveryDay + terms.intervalDays;
  const yearsAhead = (horizon - day) / DAYS_PER_YEAR;
  const forecast = lab.demandTrend(horizon / DAYS_PER_YEAR, context.year + yearsAhead) * lab.exposure.current;
  const heldTotal = heldOn(lab, horizon);
  const need = forecast * terms.coverage - heldTotal;
  if (!(need > 0)) return NOTHING;

  const invited = lab.eligibleIn(context.providers).providers;
  const format = lab.procurementPolicy.format;
  // In an open tender no provider may hold more than maxShare of what the lab will hold: a whole block
  // larger than that no one could take, and a lab that holds little would buy nothing. Blocks are cut
  // to the cap, as a lab spreading its compute over providers tenders them.
  const spread = format === 'open' && !terms.partialBlocks ? terms.maxShare * (heldTotal + need) : Infinity;
  const sizes = blockSizes(need, Math.min(terms.blockH100e ?? defaultBlock(context.suppliers, day), spread));
  const incumbent = terms.incumbent === undefined ? undefined : context.providers.find((p) => p.id === terms.incumbent);
  const maxPrice = lab.maxPriceAt(context.t, context.year);
  const expectedSpot = spotOverTerm(context, terms.contractMonths);
  // The lab's outside option: going without (its willingness to pay), or, when others may sell to it,
  // the spot market over the term at a premium for certainty.
  const reserve = format === 'incumbent' ? maxPrice : Math.min(maxPrice, expectedSpot * (1 + terms.termPremium));
  let budgetUsdPerHour = Math.max(0, (lab.budgetUsdPerYear - annualCost(lab, horizon)) / HOURS_PER_YEAR);
  const held = heldByProvider(lab, horizon);
  const total = heldTotal + need;
  const signed: Signed[] = [];
  const free = new FreeCapacity(context, deliveryDay);

  for (let k = 0; k < sizes.length; k++) {
    const size = sizes[k]!;
    const tender = newRecord(context, lab, format === 'incumbent' ? 1 : invited.length, size, deliveryDay, reserve, incumbent);
    context.tenders.push(tender);
    const candidates = candidatesFor(invited, lab, size, free, context, k, expectedSpot);
    tender.able = candidates.length;
    // No one can deliver this block: the market has no room for the blocks after it either.
    if (candidates.length === 0) break;
    const hours = size * terms.contractMonths * AVERAGE_MONTH_DAYS * HOURS_PER_DAY;
    const auction = beliefs(candidates, reserve, hours, size * context.rules.bidCostUsdPerH100e, context.rules.costSpread);
    // Under a right of first refusal, the incumbent when it can serve the block: it does not bid, it may match.
    const matcher = format === 'match' ? candidates.find((c) => c.provider === incumbent) : undefined;
    const { bids, byProvider } = sealedBids(format, candidates, incumbent, matcher, auction);
    tender.bids = bids;
    if (bids.length === 0 && matcher === undefined) {
      tender.outcome = 'no-bids';
      break;
    }
    const view = { lab: lab.id, sizeH100e: size, incumbent: terms.incumbent, reserveUsdPerGpuHour: reserve };
    // A sealed bid is a BidView with one field more: the policy sees the records themselves (it must not change them).
    const ranked = lab.procurementPolicy.rank(view, bids);
    const cap = format === 'open' ? (provider: Provider) => terms.maxShare * total - (held.get(provider) ?? 0) : () => Infinity;
    const awards = award(ranked, byProvider, matcher, auction, size, terms.partialBlocks, budgetUsdPerHour, cap, tender);
    for (const a of awards) {
      free.take(a.candidate.lessor ?? a.candidate.provider, a.volumeH100e);
      budgetUsdPerHour -= a.volumeH100e * a.priceUsdPerGpuHour;
      held.set(a.candidate.provider, (held.get(a.candidate.provider) ?? 0) + a.volumeH100e);
      signed.push({ contract: sign(lab, a, deliveryDay, terms.contractMonths), matched: a.matched });
    }
    // Blocks are alike: a block no one would take at a price the lab accepts (or could afford, within
    // its share cap) tells the lab what the next would meet; it tenders no more this round.
    if (awards.length === 0) break;
  }
  return signed;
}

/** The blocks a gap is tendered in: whole blocks, then what is left as one smaller block; at most MAX_BLOCKS_PER_ROUND. */
export function blockSizes(need: number, block: number): number[] {
  if (need / block > MAX_BLOCKS_PER_ROUND) return new Array<number>(MAX_BLOCKS_PER_ROUND).fill(need / MAX_BLOCKS_PER_ROUND);
  const whole = Math.floor(need / block);
  const sizes = new Array<number>(whole).fill(block);
  const rest = need - whole * block;
  // A rest that is only the rounding of the division is not a block.
  if (rest > block * 1e-9) sizes.push(rest);
  return sizes;
}

/** A 100,000-GPU cluster of the newest chip any supplier makes on `day`, in H100e (100,000 H100e when none does). */
export function defaultBlock(suppliers: readonly Supplier[], day: number): number {
  let perf = 1;
  let newest = -Infinity;
  for (const supplier of suppliers) {
    const chip = supplier.productOn(day);
    if (chip !== undefined && chip.releaseDay > newest) {
      newest = chip.releaseDay;
      perf = chip.perfH100e;
    }
  }
  return DEFAULT_BLOCK_GPUS * perf;
}

/**
 * Each provider's free capacity at a round's delivery day, worked out when first asked and drawn
 * down as the round awards blocks: what it can run then (with chips it orders now, when they can
 * ship in time) less its own models' needs and the contracts and leases its capacity serves then.
 */
class FreeCapacity {
  private readonly known: Float64Array;
  private readonly deliverable: Float64Array;

  constructor(
    private readonly context: RoundContext,
    private readonly deliveryDay: number,
  ) {
    this.known = new Float64Array(context.providers.length).fill(NaN);
    this.deliverable = new Float64Array(context.providers.length);
  }

  /** What the provider can run at delivery, all uses included. */
  capacity(p: Provider): number {
    this.of(p);
    return this.deliverable[p.index]!;
  }

  of(p: Provider): number {
    const known = this.known[p.index]!;
    if (!Number.isNaN(known)) return known;
    const { day, t, year } = this.context;
    const deliveryDay = this.deliveryDay;
    const mix = orderMix(p, day, t, year);
    const orderable = mix === undefined ? 0 : p.capexLeft(Math.floor(year)) / mix.usdPerH100e;
    const deliverable = p.deliverableOn(deliveryDay, deliveryDay - day >= averageLeadTime(p), mix?.mwPerH100e ?? 0, orderable);
    const atDelivery = year + (deliveryDay - day) / DAYS_PER_YEAR;
    const free = deliverable - Math.max(0, p.internalDemandH100e(deliveryDay / DAYS_PER_YEAR, atDelivery)) - p.loadOn(deliveryDay);
    this.known[p.index] = free;
    this.deliverable[p.index] = deliverable;
    return free;
  }

  /** Draws down what an award takes of a provider's capacity. */
  take(p: Provider, h100e: number): void {
    this.known[p.index] = this.of(p) - h100e;
  }
}

// The providers that can serve the block by its delivery day: from their own free capacity then, or by
// leasing all of it from the provider whose capacity is cheapest to lease (whole blocks come from one place).
function candidatesFor(invited: readonly Provider[], lab: Lab, size: number, free: FreeCapacity, context: RoundContext, block: number, expectedSpot: number): Candidate[] {
  const partial = lab.procurement.partialBlocks;
  const bidders = invited.length;
  const candidates: Candidate[] = [];
  for (const provider of invited) {
    const own = free.of(provider);
    let volume = partial ? Math.min(size, Math.max(0, own)) : own >= size ? size : 0;
    // A lab's own data centre supplies it at cost: no spot market it forgoes, no markup, no draw.
    const captive = provider.owner === lab.id;
    let floor = volume > 0 ? floorOf(provider, volume, own, free.capacity(provider), context, bidders, captive ? 0 : expectedSpot) : Infinity;
    let lessor: Provider | undefined;
    let serverFree = own;
    if (!(volume > 0) && context.rules.leasing) {
      for (const other of context.providers) {
        if (other === provider || !other.leasable || other.owner !== undefined) continue;
        const spare = free.of(other);
        if (spare < size) continue;
        const price = floorOf(other, size, spare, free.capacity(other), context, bidders, expectedSpot);
        if (price < floor) {
          floor = price;
          lessor = other;
          serverFree = spare;
        }
      }
      if (lessor !== undefined) volume = size;
    }
    if (!(volume > 0)) continue;
    const u = context.draws.at(context.labIndex, provider.index, Math.max(0, Math.round(context.day)), block);
    const atCost = captive && lessor === undefined;
    candidates.push({
      provider,
      floorUsdPerGpuHour: floor,
      costUsdPerGpuHour: atCost ? floor : floor * (1 + context.rules.costSpread * u),
      volumeH100e: volume,
      serverFreeH100e: serverFree,
      lessor,
      own: atCost,
    });
  }
  return candidates;
}

// A provider's cost floor for `volume` of its `free` capacity (out of `capacity`) at delivery: its
// reservation price (its pricing policy, at the utilisation the block would bring) or what the
// capacity would earn on the spot market over the term (the spot price expected over it times the
// share of its spot offer that sold last month), whichever is higher.
function floorOf(provider: Provider, volume: number, free: number, capacity: number, context: RoundContext, bidders: number, expectedSpot: number): number {
  const utilization = capacity > 0 ? Math.min(1, Math.max(0, 1 - (free - volume) / capacity)) : 1;
  const reservation = provider.reservationPrice(utilization, bidders, context.spotUsdPerGpuHour, context.t, context.year);
  const sellThrough = provider.lastSpotOfferedH100e > 0 ? Math.min(1, provider.lastSpotH100e / provider.lastSpotOfferedH100e) : 0;
  return Math.max(reservation, expectedSpot * sellThrough);
}

/** How fast spot prices return to their long-run level after a shortage or a glut: a time constant of a year. */
export const SPOT_REVERSION_YEARS = 1;

/**
 * The spot price expected on average over a contract of `contractMonths`: the market's spot level
 * now, returning exponentially to its long-run level (the providers' reservation prices), so that a
 * long contract signed after a shortage is not priced as if the shortage lasted its whole term.
 */
export function spotOverTerm(context: Pick<RoundContext, 'spotLevelUsdPerGpuHour' | 'longRunUsdPerGpuHour'>, contractMonths: number): number {
  const years = contractMonths / 12;
  const remaining = years > 0 ? ((1 - libm.exp(-years / SPOT_REVERSION_YEARS)) * SPOT_REVERSION_YEARS) / years : 1;
  return context.longRunUsdPerGpuHour + (context.spotLevelUsdPerGpuHour - context.longRunUsdPerGpuHour) * remaining;
}

// Every bidder believes its rivals' costs uniform from the mean floor of those able to serve to the
// market's cost spread above it.
function beliefs(candidates: readonly Candidate[], reserve: number, hours: number, bidCostUsd: number, spread: number): AuctionTerms {
  let mean = 0;
  for (const c of candidates) mean += c.floorUsdPerGpuHour;
  mean = candidates.length > 0 ? mean / candidates.length : 0;
  return { low: mean, high: mean * (1 + spread), reserve, rivals: 0, matchers: 0, hours, bidCostUsd };
}

/** The sealed bids of a tender, in the lab's order of providers, and each bidder's candidate. */
function sealedBids(
  format: 'open' | 'incumbent' | 'match',
  candidates: readonly Candidate[],
  incumbent: Provider | undefined,
  matcher: Candidate | undefined,
  auction: AuctionTerms,
): { bids: Bid[]; byProvider: Map<string, Candidate> } {
  const bids: Bid[] = [];
  const byProvider = new Map<string, Candidate>();
  const bidders =
    format === 'incumbent' ? candidates.filter((c) => c.provider === incumbent) : format === 'match' ? candidates.filter((c) => c.provider !== incumbent) : candidates;
  // Under a right of first refusal the rivals know the incumbent may match any bid above its cost.
  const terms: AuctionTerms = { ...auction, rivals: Math.max(0, bidders.length - 1), matchers: matcher !== undefined && bidders.length > 0 ? 1 : 0 };
  const threshold = entryThreshold(terms);
  for (const c of bidders) {
    // The lab's own data centre offers at cost whatever its rivals do; the others bid as the auction's equilibrium says.
    if (c.own) {
      if (!(c.costUsdPerGpuHour <= terms.reserve)) continue;
      bids.push({ provider: c.provider.id, priceUsdPerGpuHour: c.costUsdPerGpuHour, volumeH100e: c.volumeH100e, leasedFrom: '' });
      byProvider.set(c.provider.id, c);
      continue;
    }
    if (!(c.costUsdPerGpuHour <= threshold)) continue;
    bids.push({ provider: c.provider.id, priceUsdPerGpuHour: bidPrice(c.costUsdPerGpuHour, terms, threshold), volumeH100e: c.volumeH100e, leasedFrom: c.lessor?.id ?? '' });
    byProvider.set(c.provider.id, c);
  }
  return { bids, byProvider };
}

// Awards a block (or its parts, with partial blocks) to the ranked bids the lab can take: within its
// share cap and its budget, and never above its reserve. Under a right of first refusal the incumbent
// (the `matcher`) sees the best rival bid and matches it when the price covers its cost; with no rival
// bid at all it negotiates alone and asks the reserve, as an exclusive incumbent would.
function award(
  ranked: readonly BidView[],
  byProvider: ReadonlyMap<string, Candidate>,
  matcher: Candidate | undefined,
  auction: AuctionTerms,
  size: number,
  partial: boolean,
  budgetUsdPerHour: number,
  cap: (provider: Provider) => number,
  tender: TenderRecord,
): Award[] {
  const awards: Award[] = [];
  let left = size;
  let budget = budgetUsdPerHour;
  let blocked: 'capped' | 'over-budget' | undefined;
  // Awards what the lab can take of `candidate` at `price`; false when it can take nothing.
  const take = (candidate: Candidate, price: number, matched: boolean): boolean => {
    const room = Math.min(left, candidate.volumeH100e, Math.max(0, cap(candidate.provider)));
    const affordable = budget / price;
    if (!partial && room < left) {
      blocked ??= 'capped';
      return false;
    }
    if (!partial && affordable < left) {
      blocked = 'over-budget';
      return false;
    }
    const volume = Math.min(room, affordable);
    if (!(volume > 0)) {
      blocked = affordable > 0 ? (blocked ?? 'capped') : 'over-budget';
      return false;
    }
    awards.push({ candidate, priceUsdPerGpuHour: price, volumeH100e: volume, matched });
    left -= volume;
    budget -= volume * price;
    return true;
  };
  // A function, not a comparison, since `take` changes `blocked` behind the compiler's back.
  const overBudget = (): boolean => blocked === 'over-budget';
  const valid = ranked.filter((b) => byProvider.has(b.provider) && b.priceUsdPerGpuHour > 0 && b.priceUsdPerGpuHour <= auction.reserve);
  // The incumbent's own bids (it bids under exclusivity and in an open tender) are not a rival's.
  for (const b of tender.bids) {
    if (b.provider === tender.incumbent) continue;
    if (tender.bestRivalUsdPerGpuHour === null || b.priceUsdPerGpuHour < tender.bestRivalUsdPerGpuHour) tender.bestRivalUsdPerGpuHour = b.priceUsdPerGpuHour;
  }

  if (matcher !== undefined && valid.length === 0) {
    // No rival bid: the incumbent negotiates alone.
    if (matcher.costUsdPerGpuHour <= entryThreshold({ ...auction, rivals: 0, matchers: 0 })) {
      tender.bids.push({ provider: matcher.provider.id, priceUsdPerGpuHour: auction.reserve, volumeH100e: matcher.volumeH100e, leasedFrom: matcher.lessor?.id ?? '' });
      take(matcher, auction.reserve, false);
    }
  } else if (matcher !== undefined) {
    const best = valid[0]!;
    const matches = matcher.costUsdPerGpuHour <= best.priceUsdPerGpuHour && take(matcher, best.priceUsdPerGpuHour, true);
    if (!overBudget() && (partial || !matches)) {
      for (const bid of valid) if (left > size * 1e-12 && !take(byProvider.get(bid.provider)!, bid.priceUsdPerGpuHour, false) && overBudget()) break;
    }
  } else {
    for (const bid of valid) {
      if (!(left > size * 1e-12)) break;
      // Bids come cheapest first (built-in ranks): one the lab cannot afford means none after it.
      if (!take(byProvider.get(bid.provider)!, bid.priceUsdPerGpuHour, false) && overBudget() && !partial) break;
    }
  }
  const first = awards[0];
  if (first === undefined) {
    tender.outcome = blocked ?? 'no-bids';
    return awards;
  }
  const volume = awards.reduce((sum, a) => sum + a.volumeH100e, 0);
  tender.winner = first.candidate.provider.id;
  tender.priceUsdPerGpuHour = awards.length === 1 ? first.priceUsdPerGpuHour : awards.reduce((sum, a) => sum + a.priceUsdPerGpuHour * a.volumeH100e, 0) / volume;
  tender.awardedH100e = volume;
  tender.matched = first.matched;
  tender.leasedFrom = first.candidate.lessor?.id ?? '';
  tender.serverFreeH100e = first.candidate.serverFreeH100e;
  tender.outcome = first.matched ? 'matched' : 'awarded';
  return awards;
}

function sign(lab: Lab, a: Award, deliveryDay: number, contractMonths: number): Contract {
  const { provider, lessor } = a.candidate;
  const endDay = deliveryDay + contractMonths * AVERAGE_MONTH_DAYS;
  const lease: Lease | undefined =
    lessor === undefined
      ? undefined
      : { lessee: provider, lessor, volumeH100e: a.volumeH100e, priceUsdPerGpuHour: a.candidate.floorUsdPerGpuHour, startDay: deliveryDay, endDay, paidUsd: 0, earnedUsd: 0 };
  const contract: Contract = {
    lab,
    provider,
    lease,
    volumeH100e: a.volumeH100e,
    priceUsdPerGpuHour: a.priceUsdPerGpuHour,
    startDay: deliveryDay,
    endDay,
    paidUsd: 0,
    earnedUsd: 0,
    monthH100e: 0,
  };
  lab.contracts.push(contract);
  provider.contracts.push(contract);
  if (lease !== undefined) lessor!.leasesOut.push(lease);
  return contract;
}

function newRecord(context: RoundContext, lab: Lab, invited: number, size: number, deliveryDay: number, reserve: number, incumbent: Provider | undefined): TenderRecord {
  return {
    tender: context.tenders.length,
    day: context.day,
    date: '',
    lab: lab.id,
    strategy: lab.procurement.strategy,
    sizeH100e: size,
    deliveryDay,
    contractMonths: lab.procurement.contractMonths,
    reserveUsdPerGpuHour: reserve,
    invited,
    able: 0,
    bids: [],
    winner: '',
    priceUsdPerGpuHour: null,
    awardedH100e: 0,
    incumbent: incumbent?.id ?? '',
    matched: false,
    bestRivalUsdPerGpuHour: null,
    leasedFrom: '',
    serverFreeH100e: null,
    outcome: 'no-bids',
  };
}

/** The lab's reserved volume in force on `day`. */
function heldOn(lab: Lab, day: number): number {
  let total = 0;
  for (const c of lab.contracts) if (c.startDay <= day && day < c.endDay) total += c.volumeH100e;
  return total;
}

function heldByProvider(lab: Lab, day: number): Map<Provider, number> {
  const held = new Map<Provider, number>();
  for (const c of lab.contracts) if (c.startDay <= day && day < c.endDay) held.set(c.provider, (held.get(c.provider) ?? 0) + c.volumeH100e);
  return held;
}

function annualCost(lab: Lab, day: number): number {
  let total = 0;
  for (const c of lab.contracts) if (c.startDay <= day && day < c.endDay) total += c.volumeH100e * c.priceUsdPerGpuHour * HOURS_PER_YEAR;
  return total;
}
