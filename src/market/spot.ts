/**
 * The spot market of one month: capacity no contract uses meets the demand no contract covers, and
 * scarcity shows as price. Providers offer their idle capacity at their reservation price (never
 * below their marginal cost, the cost of running the chips), in a few tranches as their utilisation
 * rises; labs bid by what compute is worth to them: a lab buys all the compute it lacks at up to a
 * half of its willingness to pay, less as the price rises towards it, and none above it, nor above its
 * price ceiling; and no more than its budget buys at the price, so a lab whose budget binds values its
 * next H100e-hour at what its budget would pay for it.
 *
 * The market clears as a competitive equilibrium would: the compute worth most to the labs goes to
 * the cheapest capacity each lab may buy from (its eligible providers), and each provider sells all
 * it sold at one price: its ask when it has capacity left, and when it sells out, what the buyers it
 * turned away (or its own buyers at their next-best source) would pay within their budgets, so that
 * its buyers can pay for all it sold. So when supply is short, the price rises to the willingness to
 * pay of the marginal lab, and the labs that value compute least fall short. A lab's own data centre
 * sells to it at its ask, within one firm. A price cap, when the scenario sets one, bounds every
 * price; demand above supply at the cap is rationed pro rata. docs/model.md gives the rule and its
 * sources.
 */

/** Tranches a provider's idle capacity is offered in, each at the reservation price for the utilisation it brings. */
export const SUPPLY_TRANCHES = 4;
/** Tranches a lab's demand curve is bought in, by value. */
const DEMAND_TRANCHES = 8;
/** A lab buys all the compute it lacks at up to this share of its willingness to pay. */
export const FULL_DEMAND_SHARE = 0.5;

/** What a spot market needs each month, filled in by the caller (arrays by provider or lab index). */
export interface SpotInputs {
  /** Idle capacity per provider tranche: provider p's tranche k at [p * SUPPLY_TRANCHES + k], H100e. */
  trancheH100e: Float64Array;
  /** The ask of each provider tranche, USD per H100e-hour, non-decreasing within a provider. */
  trancheAsk: Float64Array;
  /** Each lab's compute not covered by its contracts this month, H100e. */
  needH100e: Float64Array;
  /** Each lab's willingness to pay, USD per H100e-hour. */
  willingness: Float64Array;
  /** Each lab's price ceiling, USD per H100e-hour (Infinity for none): it buys nothing above it, and below it as if it had none. */
  ceiling: Float64Array;
  /** What each lab can still spend this month, USD. */
  budgetUsd: Float64Array;
  /** Each lab's eligible providers: 1 at [provider index]. */
  eligible: readonly Uint8Array[];
  /** The lab that owns each provider (its own data centre), by index; -1 for an independent provider. */
  ownerLab: Int32Array;
  /** The month's hours. */
  hours: number;
  /** A price cap, USD per H100e-hour (Infinity for none). */
  capUsdPerGpuHour: number;
}

/** A run's spot market: working arrays sized once, outputs overwritten each month. */
export class SpotMarket {
  /** Compute bought by lab `i` from provider `p` at [i * providers + p], H100e. */
  readonly bought: Float64Array;
  /** Each provider's spot price this month (0 when it offered nothing), USD per H100e-hour. */
  readonly price: Float64Array;
  /** What each provider sold and offered, H100e. */
  readonly sold: Float64Array;
  readonly offered: Float64Array;
  /** What each lab bought and spent. */
  readonly boughtH100e: Float64Array;
  readonly spentUsd: Float64Array;
  /** What each provider earned: its price from the labs that do not own it, its ask from the one that does, USD. */
  readonly revenueUsd: Float64Array;
  private readonly left: Float64Array;
  private readonly order: Int32Array;
  private readonly lastSoldTranche: Int32Array;
  private readonly demandLeft: Float64Array;
  private readonly budgetLeft: Float64Array;
  private readonly marginal: Float64Array;
  private readonly trancheOrder: Int32Array;
  private readonly trancheTop: Float64Array;
  private readonly trancheBottom: Float64Array;
  private readonly trancheSize: Float64Array;
  private readonly trancheStart: Float64Array;
  private readonly slotOrder: Int32Array;
  /** The provider of each supply tranche. */
  private readonly providerOf: Int32Array;

  constructor(readonly providers: number, readonly labs: number) {
    const tranches = providers * SUPPLY_TRANCHES;
    this.bought = new Float64Array(labs * providers);
    this.price = new Float64Array(providers);
    this.sold = new Float64Array(providers);
    this.offered = new Float64Array(providers);
    this.boughtH100e = new Float64Array(labs);
    this.spentUsd = new Float64Array(labs);
    this.revenueUsd = new Float64Array(providers);
    this.left = new Float64Array(tranches);
    this.order = new Int32Array(tranches);
    this.lastSoldTranche = new Int32Array(providers);
    this.demandLeft = new Float64Array(labs);
    this.budgetLeft = new Float64Array(labs);
    this.marginal = new Float64Array(labs);
    this.trancheOrder = new Int32Array(labs * DEMAND_TRANCHES);
    this.trancheTop = new Float64Array(labs * DEMAND_TRANCHES);
    this.trancheBottom = new Float64Array(labs * DEMAND_TRANCHES);
    this.trancheSize = new Float64Array(labs * DEMAND_TRANCHES);
    this.trancheStart = new Float64Array(labs * DEMAND_TRANCHES);
    this.slotOrder = new Int32Array(labs * DEMAND_TRANCHES);
    this.providerOf = new Int32Array(tranches);
    for (let t = 0; t < tranches; t++) this.providerOf[t] = Math.floor(t / SUPPLY_TRANCHES);
  }

  /** Clears the month: fills `bought`, `price`, `sold`, `offered`, `boughtH100e` and `spentUsd`. */
  clear(input: SpotInputs): void {
    const { providers, labs, bought, left, sold, offered } = this;
    const cap = input.capUsdPerGpuHour;
    bought.fill(0);
    sold.fill(0);
    this.lastSoldTranche.fill(-1);
    for (let p = 0; p < providers; p++) {
      let total = 0;
      for (let k = 0; k < SUPPLY_TRANCHES; k++) total += input.trancheH100e[p * SUPPLY_TRANCHES + k]!;
      offered[p] = total;
    }
    left.set(input.trancheH100e);
    this.sortSupply(input.trancheAsk);
    for (let i = 0; i < labs; i++) {
      this.demandLeft[i] = Math.max(0, input.needH100e[i]!);
      this.budgetLeft[i] = Math.max(0, input.budgetUsd[i]!);
    }
    if (cap < Infinity) this.rationAtCap(input);
    this.fillByValue(input);
    this.setPrices(input);
    this.settle(input);
  }

  // Supply tranches cheapest first; equal asks in provider order. An insertion sort, a trick that
  // pays: with this and the sort in `fillByValue` written as typed arrays' sort with a comparator, a
  // run costs about 5% more (docs/performance.md, "Performance tricks"). It also leaves a NaN ask
  // (a custom pricing policy's) where it stands, where a comparator sort's order would be undefined.
  private sortSupply(ask: Float64Array): void {
    const order = this.order;
    for (let k = 0; k < order.length; k++) order[k] = k;
    for (let a = 1; a < order.length; a++) {
      const item = order[a]!;
      let b = a;
      for (; b > 0 && ask[order[b - 1]!]! > ask[item]!; b--) order[b] = order[b - 1]!;
      order[b] = item;
    }
  }

  // Under a binding cap every unit worth the cap or more bids the same: those units are served first,
  // sharing each provider's capacity (at asks up to the cap) pro rata to what each lab still wants.
  private rationAtCap(input: SpotInputs): void {
    const { labs, providers, left, demandLeft, budgetLeft } = this;
    const cap = input.capUsdPerGpuHour;
    const wants = this.marginal;
    for (let i = 0; i < labs; i++) wants[i] = Math.min(demandLeft[i]!, labDemandAt(input, i, cap));
    // Two passes: capacity a lab could not use (not eligible, budget spent) goes round again.
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < providers; p++) {
        for (let k = 0; k < SUPPLY_TRANCHES; k++) {
          const t = p * SUPPLY_TRANCHES + k;
          if (!(left[t]! > 0) || input.trancheAsk[t]! > cap) continue;
          let asked = 0;
          for (let i = 0; i < labs; i++) if (input.eligible[i]![p] === 1) asked += Math.min(wants[i]!, budgetLeft[i]! / (cap * input.hours));
          if (!(asked > 0)) continue;
          const share = Math.min(1, left[t]! / asked);
          for (let i = 0; i < labs; i++) {
            if (input.eligible[i]![p] !== 1) continue;
            const take = Math.min(wants[i]!, budgetLeft[i]! / (cap * input.hours)) * share;
            if (!(take > 0)) continue;
            this.buy(i, p, t, take, input.trancheAsk[t]!, input);
            wants[i]! -= take;
          }
        }
      }
    }
  }

  // Labs' demand in tranches of value, most valuable first, each bought from the cheapest eligible
  // capacity whose ask is below the value of the units bought.
  private fillByValue(input: SpotInputs): void {
    const { labs, left, order, budgetLeft, demandLeft, trancheOrder, trancheTop, trancheBottom, trancheSize, trancheStart } = this;
    const cap = input.capUsdPerGpuHour;
    let count = 0;
    for (let i = 0; i < labs; i++) {
      const need = input.needH100e[i]!;
      const w = input.willingness[i]!;
      if (!(need > 0) || !(w > 0)) continue;
      // What rationing at the cap already bought came off the top of the curve.
      const start = need - demandLeft[i]!;
      for (let k = 0; k < DEMAND_TRANCHES; k++) {
        const from = Math.max(start, (need * k) / DEMAND_TRANCHES);
        const to = (need * (k + 1)) / DEMAND_TRANCHES;
        if (!(to > from)) continue;
        const slot = count++;
        trancheTop[slot] = Math.min(cap, labValueAt(input, i, from));
        trancheBottom[slot] = Math.min(cap, labValueAt(input, i, to));
        trancheSize[slot] = to - from;
        trancheStart[slot] = from;
        trancheOrder[slot] = i * DEMAND_TRANCHES + k;
      }
    }
    // Most valuable first (by the middle of the tranche); equal values in lab order, then tranche order:
    // an insertion sort of a few dozen slots, as in `sortSupply` and for the same measured reason.
    const slots = this.slotOrder;
    for (let a = 0; a < count; a++) {
      const value = trancheTop[a]! + trancheBottom[a]!;
      let b = a;
      for (; b > 0; b--) {
        const prev = slots[b - 1]!;
        const prevValue = trancheTop[prev]! + trancheBottom[prev]!;
        if (prevValue > value || (prevValue === value && trancheOrder[prev]! < trancheOrder[a]!)) break;
        slots[b] = prev;
      }
      slots[b] = a;
    }
    const providerOf = this.providerOf;
    // Supply sells cheapest first, so what is sold out gathers at the front of `order`: skipped once.
    let first = 0;
    for (let n = 0; n < count; n++) {
      const s = slots[n]!;
      const i = (trancheOrder[s]! / DEMAND_TRANCHES) | 0;
      const top = trancheTop[s]!;
      const size = trancheSize[s]!;
      const eligible = input.eligible[i]!;
      while (first < order.length && !(left[order[first]!]! > 0)) first++;
      let taken = 0;
      for (let o = first; o < order.length && taken < size; o++) {
        const t = order[o]!;
        const ask = input.trancheAsk[t]!;
        if (ask > top || !(budgetLeft[i]! > 0)) break;
        const p = providerOf[t]!;
        if (!(left[t]! > 0) || eligible[p] !== 1) continue;
        // The units of this tranche worth at least the ask: the lab's demand at the ask, past the tranche's start.
        const worth = Math.min(size, Math.max(0, labDemandAt(input, i, ask) - trancheStart[s]!));
        const take = Math.min(worth - taken, left[t]!, budgetLeft[i]! / (ask * input.hours));
        if (!(take > 0)) continue;
        this.buy(i, p, t, take, ask, input);
        taken += take;
      }
    }
  }

  private buy(i: number, p: number, t: number, h100e: number, ask: number, input: SpotInputs): void {
    this.bought[i * this.providers + p]! += h100e;
    this.left[t]! -= h100e;
    this.sold[p]! += h100e;
    this.demandLeft[i]! -= h100e;
    // Budgets are checked at the ask as the market fills; `settle` holds each lab to its budget at the clearing prices.
    this.budgetLeft[i]! -= h100e * ask * input.hours;
    const k = t % SUPPLY_TRANCHES;
    if (k > this.lastSoldTranche[p]!) this.lastSoldTranche[p] = k;
  }

  // Each provider's one price: with capacity left, the ask of the last tranche it sold from (its
  // first ask if it sold nothing); sold out, the most a lab it could serve would still pay (an
  // unsatisfied lab's marginal value, or a buyer's price at its next-best source), at least its ask.
  private setPrices(input: SpotInputs): void {
    const { providers, labs, price, sold, offered, left, marginal, demandLeft, budgetLeft, bought } = this;
    const cap = input.capUsdPerGpuHour;
    for (let i = 0; i < labs; i++) {
      const need = input.needH100e[i]!;
      const unmet = demandLeft[i]! > need * 1e-9 && budgetLeft[i]! > 0;
      marginal[i] = unmet ? Math.min(cap, labValueAt(input, i, need - demandLeft[i]!)) : 0;
    }
    for (let p = 0; p < providers; p++) {
      if (!(offered[p]! > 0)) {
        price[p] = 0;
        continue;
      }
      const last = this.lastSoldTranche[p]!;
      const base = p * SUPPLY_TRANCHES;
      if (last < 0) {
        price[p] = input.trancheAsk[base]!;
        continue;
      }
      let spare = false;
      for (let k = last; k < SUPPLY_TRANCHES; k++) if (left[base + k]! > offered[p]! * 1e-12) spare = true;
      price[p] = input.trancheAsk[base + last]!;
      if (spare) continue;
      for (let i = 0; i < labs; i++) if (input.eligible[i]![p] === 1 && input.ownerLab[p] !== i && marginal[i]! > price[p]!) price[p] = marginal[i]!;
    }
    // A sold-out provider's buyers would pay it what their dearest other source charges.
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < providers; p++) {
        if (!(sold[p]! >= offered[p]! * (1 - 1e-12)) || !(sold[p]! > 0)) continue;
        for (let i = 0; i < labs; i++) {
          if (!(bought[i * providers + p]! > 0) || input.ownerLab[p] === i) continue;
          for (let q = 0; q < providers; q++) if (bought[i * providers + q]! > 0 && price[q]! > price[p]!) price[p] = Math.min(cap, price[q]!);
        }
      }
    }
  }

  // What each lab pays at the clearing prices, its own data centre at its ask (a transfer within one
  // firm, at cost, not a price set by others' scarcity); a lab that cannot pay for all it bought keeps
  // the share it can.
  private settle(input: SpotInputs): void {
    const { providers, labs, bought, sold, boughtH100e, spentUsd, revenueUsd } = this;
    revenueUsd.fill(0);
    for (let i = 0; i < labs; i++) {
      let h100e = 0;
      let usd = 0;
      for (let p = 0; p < providers; p++) {
        const x = bought[i * providers + p]!;
        h100e += x;
        usd += x * this.pricePaid(input, i, p) * input.hours;
      }
      const budget = Math.max(0, input.budgetUsd[i]!);
      const keep = usd > budget && usd > 0 ? budget / usd : 1;
      for (let p = 0; p < providers; p++) {
        const x = bought[i * providers + p]!;
        if (keep < 1) {
          sold[p]! -= x * (1 - keep);
          bought[i * providers + p] = x * keep;
        }
        revenueUsd[p]! += x * keep * this.pricePaid(input, i, p) * input.hours;
      }
      boughtH100e[i] = h100e * keep;
      spentUsd[i] = keep < 1 ? budget : usd;
    }
  }

  // The price lab `i` pays provider `p`: the provider's one price, or its ask (that of the last tranche it sold from) to the lab that owns it.
  private pricePaid(input: SpotInputs, i: number, p: number): number {
    if (input.ownerLab[p] !== i) return this.price[p]!;
    const last = this.lastSoldTranche[p]!;
    return input.trancheAsk[p * SUPPLY_TRANCHES + Math.max(0, last)]!;
  }
}

/**
 * What lab `i` would pay for its H100e number `x` this month (its inverse demand): its value of that
 * unit, bounded by its price ceiling and by what its budget pays a unit when it buys `x` of them.
 */
function labValueAt(input: SpotInputs, i: number, x: number): number {
  const value = Math.min(valueAt(input.needH100e[i]!, input.willingness[i]!, x), input.ceiling[i]!);
  return x > 0 ? Math.min(value, Math.max(0, input.budgetUsd[i]!) / (x * input.hours)) : value;
}

/** How many H100e lab `i` buys this month at `price`: none above its ceiling, else its demand at the price within what its budget pays at it. */
function labDemandAt(input: SpotInputs, i: number, price: number): number {
  if (price > input.ceiling[i]!) return 0;
  const wanted = demandAt(input.needH100e[i]!, input.willingness[i]!, price);
  return price > 0 ? Math.min(wanted, Math.max(0, input.budgetUsd[i]!) / (price * input.hours)) : wanted;
}

/** The value to a lab of its unit number `x` out of `need`: its willingness at 0, falling linearly to half of it at `need`. */
function valueAt(need: number, willingness: number, x: number): number {
  return need > 0 ? willingness * (1 - (1 - FULL_DEMAND_SHARE) * Math.min(1, Math.max(0, x / need))) : 0;
}

/** How much of `need` a lab buys at `price`: all of it up to half its willingness, none at or above its willingness. */
export function demandAt(need: number, willingness: number, price: number): number {
  if (!(need > 0) || !(price < willingness)) return 0;
  return need * Math.min(1, (willingness - price) / ((1 - FULL_DEMAND_SHARE) * willingness));
}
