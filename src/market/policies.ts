/**
 * The market's decisions as small interfaces: how providers price, how labs award volume, how
 * suppliers share scarce output, and how providers order chips. The built-in policies implement
 * them; a researcher registers their own from the library (trusted code, never from a scenario
 * file) and names it in a scenario as `custom:NAME`.
 */

import { mapped } from './arrays.js';
import { sortByPrice } from './sorting.js';

/** What a provider knows when it quotes a price. */
export interface QuoteContext {
  /** The provider's cost: chip capital spread over the chips' life, plus operations. */
  costUsdPerGpuHour: number;
  /** The provider's utilisation if it sold what is asked, in [0, 1]. */
  utilization: number;
  targetUtilization: number;
  /** Providers competing for the same volume (1 when the buyer is exclusive). */
  bidders: number;
  /** Last month's spot price index. */
  spotUsdPerGpuHour: number;
  /** Years since the scenario's start. */
  t: number;
  year: number;
}

/** Sets a price per H100e-hour. */
export interface PricingPolicy {
  price(context: QuoteContext): number;
}

/** Builds a pricing policy from its (sampled) parameters. */
export type PricingFactory = (params: Record<string, number>) => PricingPolicy;

/** A provider's offer in a procurement round. */
export interface Offer {
  provider: string;
  /** The most it can commit for the contract's term. */
  volumeH100e: number;
  priceUsdPerGpuHour: number;
  /** The lowest price it would accept (its cost): how far an incumbent can match. */
  floorUsdPerGpuHour: number;
}

/** What a lab asks for in a procurement round. */
export interface ProcurementRequest {
  lab: string;
  needH100e: number;
  /** Compute the lab holds under contract at the round's horizon, by provider. */
  heldH100e: Record<string, number>;
  incumbent: string | undefined;
  maxShare: number;
  priceCeilingUsdPerGpuHour: number;
  /** The most the lab can add at a given price within its budget, before this round's awards. */
  affordableH100e(priceUsdPerGpuHour: number): number;
}

/** Volume awarded to one provider. */
export interface Award {
  provider: string;
  volumeH100e: number;
  priceUsdPerGpuHour: number;
  /** True when an incumbent took the volume by matching a competitor's price. */
  matched: boolean;
}

/** Chooses among offers. */
export interface ProcurementPolicy {
  award(request: ProcurementRequest, offers: readonly Offer[]): Award[];
}

/** An outstanding order for chips, in H100e. */
export interface OrderView {
  provider: string;
  remainingH100e: number;
  day: number;
}

/** Shares a supplier's output among outstanding orders: returns the H100e given to each, in order. */
export interface AllocationPolicy {
  allocate(outputH100e: number, orders: readonly OrderView[], priority: readonly string[]): number[];
}

/** What a provider knows when it orders chips. */
export interface OrderingContext {
  /** Expected load at the delivery horizon: internal demand, contracts, spot sales and unmet demand it could serve. */
  expectedLoadH100e: number;
  targetUtilization: number;
  /** Fleet still in service at the horizon plus what is on order. */
  pipelineH100e: number;
}

/** Decides how much compute (H100e) a provider orders this month, before budget and power limits. */
export interface OrderingPolicy {
  order(context: OrderingContext): number;
}

const costPlus: PricingFactory = ({ margin = 0 }) => ({
  price: ({ costUsdPerGpuHour }) => costUsdPerGpuHour * (1 + margin),
});

// Scarcity pricing: the markup climbs linearly from the target utilisation to full.
const utilization: PricingFactory = ({ margin = 0, scarcityMarkup = 0 }) => ({
  price: ({ costUsdPerGpuHour, utilization: u, targetUtilization: target }) => {
    const scarcity = target < 1 ? Math.max(0, (u - target) / (1 - target)) : 0;
    return costUsdPerGpuHour * (1 + margin + scarcityMarkup * scarcity);
  },
});

// The article's leverage: the markup shrinks as more providers bid for the same volume.
const competitive: PricingFactory = ({ margin = 0, elasticity = 0 }) => ({
  price: ({ costUsdPerGpuHour, bidders }) => costUsdPerGpuHour * (1 + margin / Math.pow(Math.max(1, bidders), elasticity)),
});

/** What the budget still affords at `price` once `awards` of the same round are paid for. */
export function affordableAfter(request: ProcurementRequest, price: number, awards: readonly Award[]): number {
  let committedUsdPerHour = 0;
  for (const award of awards) committedUsdPerHour += award.volumeH100e * award.priceUsdPerGpuHour;
  return Math.max(0, request.affordableH100e(price) - committedUsdPerHour / price);
}

/** Cheapest first, each provider capped at the lab's maximum share, within ceiling and budget. */
const multi: ProcurementPolicy = {
  award(request, offers) {
    const awards: Award[] = [];
    let need = request.needH100e;
    const total = Object.values(request.heldH100e).reduce((a, b) => a + b, 0) + need;
    for (const offer of sortByPrice(offers.slice(), priceOf, byPrice)) {
      if (need <= 0) break;
      if (offer.priceUsdPerGpuHour > request.priceCeilingUsdPerGpuHour) continue;
      const cap = request.maxShare * total - (request.heldH100e[offer.provider] ?? 0);
      const volume = Math.min(need, offer.volumeH100e, cap, affordableAfter(request, offer.priceUsdPerGpuHour, awards));
      if (volume <= 0) continue;
      awards.push({ provider: offer.provider, volumeH100e: volume, priceUsdPerGpuHour: offer.priceUsdPerGpuHour, matched: false });
      need -= volume;
    }
    return awards;
  },
};

/** Only the incumbent, at its price, within ceiling and budget. */
const exclusive: ProcurementPolicy = {
  award(request, offers) {
    const offer = offers.find((o) => o.provider === request.incumbent);
    if (offer === undefined || offer.priceUsdPerGpuHour > request.priceCeilingUsdPerGpuHour) return [];
    const volume = Math.min(request.needH100e, offer.volumeH100e, request.affordableH100e(offer.priceUsdPerGpuHour));
    return volume > 0 ? [{ provider: offer.provider, volumeH100e: volume, priceUsdPerGpuHour: offer.priceUsdPerGpuHour, matched: false }] : [];
  },
};

/**
 * The incumbent sees the best competing offer first: it keeps the volume it can supply at that
 * price if the price covers its cost (matching), and only the rest goes to the others.
 */
const rightOfFirstRefusal: ProcurementPolicy = {
  award(request, offers) {
    const incumbent = offers.find((o) => o.provider === request.incumbent);
    const others = offers.filter((o) => o !== incumbent);
    const best = [...others].sort(byPrice)[0];
    if (incumbent === undefined) return multi.award(request, others);
    let price = incumbent.priceUsdPerGpuHour;
    let matched = false;
    if (best !== undefined && best.priceUsdPerGpuHour < price && best.priceUsdPerGpuHour >= incumbent.floorUsdPerGpuHour) {
      price = best.priceUsdPerGpuHour;
      matched = true;
    }
    const awards: Award[] = [];
    let need = request.needH100e;
    if (price <= request.priceCeilingUsdPerGpuHour && (best === undefined || price <= best.priceUsdPerGpuHour)) {
      const volume = Math.min(need, incumbent.volumeH100e, request.affordableH100e(price));
      if (volume > 0) {
        awards.push({ provider: incumbent.provider, volumeH100e: volume, priceUsdPerGpuHour: price, matched });
        need -= volume;
      }
    }
    if (need <= 0) return awards;
    const heldH100e = { ...request.heldH100e };
    for (const award of awards) heldH100e[award.provider] = (heldH100e[award.provider] ?? 0) + award.volumeH100e;
    const rest: ProcurementRequest = { ...request, needH100e: need, heldH100e, affordableH100e: (price) => affordableAfter(request, price, awards) };
    return awards.concat(multi.award(rest, others));
  },
};

const firstCome: AllocationPolicy = {
  allocate(output, orders) {
    return fillInOrder(output, orders, mapped(orders, (_, i) => i));
  },
};

const proRata: AllocationPolicy = {
  allocate(output, orders) {
    const total = orders.reduce((sum, o) => sum + o.remainingH100e, 0);
    const share = total > 0 ? Math.min(1, output / total) : 0;
    return mapped(orders, (o) => o.remainingH100e * share);
  },
};

const priority: AllocationPolicy = {
  allocate(output, orders, ranking) {
    const rank = (provider: string): number => {
      const index = ranking.indexOf(provider);
      return index < 0 ? ranking.length : index;
    };
    const order = mapped(orders, (_, i) => i).sort((a, b) => rank(orders[a]!.provider) - rank(orders[b]!.provider) || a - b);
    return fillInOrder(output, orders, order);
  },
};

function fillInOrder(output: number, orders: readonly OrderView[], sequence: readonly number[]): number[] {
  const given = mapped(orders, () => 0);
  let left = output;
  for (const i of sequence) {
    const take = Math.min(left, orders[i]!.remainingH100e);
    given[i] = take;
    left -= take;
  }
  return given;
}

/** Orders what it takes to bring the pipeline to the expected load at the target utilisation. */
const targetUtilization: OrderingPolicy = {
  order: ({ expectedLoadH100e, targetUtilization: target, pipelineH100e }) => Math.max(0, expectedLoadH100e / Math.max(target, 0.01) - pipelineH100e),
};

function priceOf(offer: Offer): number {
  return offer.priceUsdPerGpuHour;
}

function byPrice(a: Offer, b: Offer): number {
  return a.priceUsdPerGpuHour - b.priceUsdPerGpuHour || (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0);
}

/** The policies a scenario can name: the built-ins, and those registered through `registerPolicy`. */
export const policyRegistry = {
  pricing: new Map<string, PricingFactory>([
    ['costPlus', costPlus],
    ['utilization', utilization],
    ['competitive', competitive],
  ]),
  procurement: new Map<string, ProcurementPolicy>([
    ['multi', multi],
    ['exclusive', exclusive],
    ['rightOfFirstRefusal', rightOfFirstRefusal],
  ]),
  allocation: new Map<string, AllocationPolicy>([
    ['firstCome', firstCome],
    ['proRata', proRata],
    ['priority', priority],
  ]),
  ordering: new Map<string, OrderingPolicy>([['targetUtilization', targetUtilization]]),
};

/** The kinds of policy a scenario names, and what implements each. */
export interface PolicyKinds {
  pricing: PricingFactory;
  procurement: ProcurementPolicy;
  allocation: AllocationPolicy;
  ordering: OrderingPolicy;
}

/** Registers a policy under `custom:NAME`, so scenarios can name it; registering a name twice replaces it. */
export function registerPolicy<K extends keyof PolicyKinds>(kind: K, name: string, policy: PolicyKinds[K]): void {
  if (!/^[A-Za-z][\w-]*$/.test(name)) throw new RangeError(`a policy name is letters, digits, _ and -, got '${name}'`);
  (policyRegistry[kind] as Map<string, PolicyKinds[K]>).set(`custom:${name}`, policy);
}

/** The policy a scenario names, or an error naming the ones available. */
export function lookupPolicy<K extends keyof PolicyKinds>(kind: K, name: string): PolicyKinds[K] {
  const policy = (policyRegistry[kind] as Map<string, PolicyKinds[K]>).get(name);
  if (policy === undefined) {
    throw new RangeError(`unknown ${kind} policy '${name}'; available: ${[...policyRegistry[kind].keys()].join(', ')}`);
  }
  return policy;
}
