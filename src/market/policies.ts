/**
 * The market's decisions as small interfaces: how providers price, how labs award volume, how
 * suppliers share scarce output, and how providers order chips. The built-in policies implement
 * them; a researcher registers their own from the library (trusted code, never from a scenario
 * file) and names it in a scenario as `custom:NAME`.
 */

import * as libm from '../kernel/libm.js';

/** What a provider knows when it sets its reservation price (spot asks and the floor of its bids). */
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

/** Sets a provider's reservation price per H100e-hour: the least it accepts. */
export interface PricingPolicy {
  price(context: QuoteContext): number;
}

/** Builds a pricing policy from its (sampled) parameters. */
export type PricingFactory = (params: Record<string, number>) => PricingPolicy;

/** A block a lab tenders, as a procurement policy sees it. */
export interface TenderView {
  lab: string;
  sizeH100e: number;
  incumbent: string | undefined;
  /** The most the lab accepts, USD per H100e-hour. */
  reserveUsdPerGpuHour: number;
}

/** A provider's sealed bid for a block. */
export interface BidView {
  provider: string;
  priceUsdPerGpuHour: number;
  /** The volume offered: the whole block, or with partial blocks what the provider can serve. */
  volumeH100e: number;
}

/**
 * How a lab runs its tenders. The format says who bids: `open`, every provider the lab lists;
 * `incumbent`, the incumbent alone (exclusivity); `match`, the others, after which the incumbent may
 * match the best bid (a right of first refusal). `rank` orders the sealed bids by preference; the lab
 * then awards the block to the first it can take (within its share cap and budget), at that bid's price.
 */
export interface ProcurementPolicy {
  readonly format: 'open' | 'incumbent' | 'match';
  rank(tender: TenderView, bids: readonly BidView[]): BidView[];
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
  price: ({ costUsdPerGpuHour, bidders }) => costUsdPerGpuHour * (1 + margin / libm.pow(Math.max(1, bidders), elasticity)),
});

/** The lowest bid first; equal bids in the order they came (the lab's list): Array.prototype.sort is stable. */
function cheapestFirst(_tender: TenderView, bids: readonly BidView[]): BidView[] {
  return bids.slice().sort(byPrice);
}

/** Open multi-cloud tenders: every listed provider may bid, the lowest bid wins. */
const multi: ProcurementPolicy = { format: 'open', rank: cheapestFirst };

/** Exclusivity: the incumbent alone is asked; it is bounded only by the lab's outside option. */
const exclusive: ProcurementPolicy = { format: 'incumbent', rank: cheapestFirst };

/** A right of first refusal: the others bid, then the incumbent may match the best bid. */
const rightOfFirstRefusal: ProcurementPolicy = { format: 'match', rank: cheapestFirst };

const firstCome: AllocationPolicy = {
  allocate(output, orders) {
    return fillInOrder(output, orders, orders.map((_, i) => i));
  },
};

const proRata: AllocationPolicy = {
  allocate(output, orders) {
    const total = orders.reduce((sum, o) => sum + o.remainingH100e, 0);
    const share = total > 0 ? Math.min(1, output / total) : 0;
    return orders.map((o) => o.remainingH100e * share);
  },
};

const priority: AllocationPolicy = {
  allocate(output, orders, ranking) {
    const rank = (provider: string): number => {
      const index = ranking.indexOf(provider);
      return index < 0 ? ranking.length : index;
    };
    const order = orders.map((_, i) => i).sort((a, b) => rank(orders[a]!.provider) - rank(orders[b]!.provider) || a - b);
    return fillInOrder(output, orders, order);
  },
};

function fillInOrder(output: number, orders: readonly OrderView[], sequence: readonly number[]): number[] {
  const given = orders.map(() => 0);
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

function byPrice(a: BidView, b: BidView): number {
  return a.priceUsdPerGpuHour - b.priceUsdPerGpuHour;
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

/** What each kind of policy is, and the members a run calls: checked when it is registered, not when a run first calls it. */
const POLICY_SHAPES: { [K in keyof PolicyKinds]: { is: string; holds: (policy: unknown) => boolean } } = {
  pricing: { is: 'a function of the scenario\'s params returning { price(context) }', holds: (policy) => typeof policy === 'function' },
  procurement: { is: "{ format: 'open' | 'incumbent' | 'match', rank(tender, bids) }", holds: (policy) => ['open', 'incumbent', 'match'].includes((policy as ProcurementPolicy | null)?.format as string) && typeof (policy as ProcurementPolicy).rank === 'function' },
  allocation: { is: '{ allocate(outputH100e, orders, priority) }', holds: (policy) => typeof (policy as AllocationPolicy | null)?.allocate === 'function' },
  ordering: { is: '{ order(context) }', holds: (policy) => typeof (policy as OrderingPolicy | null)?.order === 'function' },
};

function checkKind(kind: string): void {
  if (!Object.hasOwn(POLICY_SHAPES, kind)) throw new RangeError(`a policy is of one of the kinds ${Object.keys(POLICY_SHAPES).join(', ')}, got '${String(kind)}'`);
}

/** Registers a policy under `custom:NAME`, so scenarios can name it; registering a name twice replaces it. */
export function registerPolicy<K extends keyof PolicyKinds>(kind: K, name: string, policy: PolicyKinds[K]): void {
  checkKind(kind);
  if (typeof name !== 'string' || !/^[A-Za-z][\w-]*$/.test(name)) throw new RangeError(`a policy name is letters, digits, _ and -, got '${String(name)}'`);
  // A run would otherwise fail mid-batch at its first call ("rank is not a function"), with files half-made.
  if (!POLICY_SHAPES[kind].holds(policy)) throw new TypeError(`a ${kind} policy is ${POLICY_SHAPES[kind].is}; 'custom:${name}' is not`);
  (policyRegistry[kind] as Map<string, PolicyKinds[K]>).set(`custom:${name}`, policy);
}

/** The fields that name a policy, by their key (in a timeline entry, the last part of its dotted path): the kind they name. */
const KIND_OF_FIELD: Readonly<Record<string, keyof PolicyKinds>> = { policy: 'pricing', strategy: 'procurement', allocation: 'allocation', ordering: 'ordering' };

/**
 * Every `custom:NAME` a scenario (a spec, as plain data) names that no module has registered, with
 * its path: the check a run would fail at, made before any runs, so that it is bad input (a located
 * problem) rather than a failed run. Registration is the library's (registerPolicy, or `--import`).
 */
export function unregisteredPolicies(spec: unknown): { path: (string | number)[]; message: string }[] {
  const found: { path: (string | number)[]; message: string }[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (typeof value === 'string') {
      const key = path[path.length - 1];
      const kind = typeof key === 'string' ? KIND_OF_FIELD[key.slice(key.lastIndexOf('.') + 1)] : undefined;
      if (kind === undefined || !value.startsWith('custom:') || policyRegistry[kind].has(value)) return;
      const registered = [...policyRegistry[kind].keys()].filter((name) => name.startsWith('custom:'));
      found.push({ path, message: `no ${kind} policy '${value}' is registered (${registered.length > 0 ? `registered: ${registered.join(', ')}` : 'none is'}): register it with registerPolicy in a module given to --import` });
    } else if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(spec, []);
  return found;
}

/** The policy a scenario names, or an error naming the ones available. */
export function lookupPolicy<K extends keyof PolicyKinds>(kind: K, name: string): PolicyKinds[K] {
  checkKind(kind);
  const policy = (policyRegistry[kind] as Map<string, PolicyKinds[K]>).get(name);
  if (policy === undefined) {
    throw new RangeError(`unknown ${kind} policy '${name}'; available: ${[...policyRegistry[kind].keys()].join(', ')}`);
  }
  return policy;
}
