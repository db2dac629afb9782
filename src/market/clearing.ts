import type { Contract, Lab, Provider } from './actors.js';
import { DAYS_PER_YEAR, HOURS_PER_DAY } from './calendar.js';
import type { LabMonth, MarketMonth, ProviderMonth } from './results.js';

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

/** What clearing returns: the month's records. */
export interface ClearedMonth {
  labs: LabMonth[];
  providers: ProviderMonth[];
  market: MarketMonth;
}

/** Clears one month. `demand` is each lab's demand this month (trend, noise and shocks applied); `usable` each provider's average usable capacity. */
export function clearMonth(labs: readonly Lab[], providers: readonly Provider[], demand: readonly number[], usable: readonly number[], month: MonthContext): ClearedMonth {
  const hours = month.days * HOURS_PER_DAY;
  const endDay = month.startDay + month.days;
  const positions = providers.map((provider, i) => openPosition(provider, usable[i]!, month, endDay));

  const labRecords: LabMonth[] = labs.map((lab, i) => ({
    month: month.month,
    lab: lab.id,
    demandH100e: demand[i]!,
    contractedH100e: 0,
    spotH100e: 0,
    usedH100e: 0,
    shortfallH100e: 0,
    spendUsd: 0,
    avgPriceUsdPerGpuHour: 0,
    providers: 0,
    shares: {},
  }));
  // Compute delivered to each lab by each provider, indexed by the provider's position in the world.
  const delivered = labs.map(() => new Float64Array(providers.length));

  // Reserved contracts: delivered pro rata to what each provider can serve, and paid as delivered.
  labs.forEach((lab, i) => {
    const record = labRecords[i]!;
    for (const contract of lab.contracts) {
      const volume = effectiveVolume(contract, month.startDay, endDay, month.days);
      if (volume <= 0) continue;
      const position = positions[contract.provider.index]!;
      const h100e = volume * position.deliveryRatio;
      const payment = h100e * contract.priceUsdPerGpuHour * hours;
      contract.paidUsd += payment;
      record.spendUsd += payment;
      record.contractedH100e += h100e;
      delivered[i]![contract.provider.index]! += h100e;
    }
  });

  sellSpot(labs, labRecords, positions, delivered, month, hours);

  labRecords.forEach((record, i) => {
    record.usedH100e = Math.min(record.demandH100e, record.contractedH100e) + record.spotH100e;
    record.shortfallH100e = Math.max(0, record.demandH100e - record.usedH100e);
    const total = record.contractedH100e + record.spotH100e;
    record.avgPriceUsdPerGpuHour = total > 0 ? record.spendUsd / (total * hours) : 0;
    delivered[i]!.forEach((h100e, p) => {
      if (h100e <= 0) return;
      record.shares[providers[p]!.id] = h100e / total;
      record.providers++;
    });
  });

  const sold = positions.reduce((sum, p) => sum + p.contracted * p.deliveryRatio + p.spotSold, 0);
  const providerRecords = positions.map((p) => providerMonth(p, month, sold));
  return { labs: labRecords, providers: providerRecords, market: marketMonth(labRecords, providerRecords, positions, month, hours) };
}

// The provider's side of the books is kept from its own contract list, apart from what labs pay:
// the invariant "paid = earned, contract by contract" then checks two computations, not one.
function openPosition(provider: Provider, usable: number, month: MonthContext, endDay: number): Position {
  const internal = Math.min(usable, Math.max(0, provider.internalDemandH100e(month.t, month.year)));
  let contracted = 0;
  for (const contract of provider.contracts) contracted += effectiveVolume(contract, month.startDay, endDay, month.days);
  const deliverable = Math.min(contracted, usable - internal);
  const deliveryRatio = contracted > 0 ? deliverable / contracted : 1;
  const hours = month.days * HOURS_PER_DAY;
  let revenue = 0;
  let hoursSold = 0;
  for (const contract of provider.contracts) {
    const h100e = effectiveVolume(contract, month.startDay, endDay, month.days) * deliveryRatio;
    if (h100e <= 0) continue;
    const earned = h100e * contract.priceUsdPerGpuHour * hours;
    contract.earnedUsd += earned;
    revenue += earned;
    hoursSold += h100e * hours;
  }
  return {
    provider,
    usable,
    internal,
    contracted,
    deliveryRatio,
    idle: Math.max(0, usable - internal - deliverable),
    spotPrice: 0,
    spotSold: 0,
    contractRevenue: revenue,
    revenue,
    hoursSold,
  };
}

// A contract counts for the share of the month it is in force.
function effectiveVolume(contract: Contract, startDay: number, endDay: number, days: number): number {
  const overlap = Math.min(endDay, contract.endDay) - Math.max(startDay, contract.startDay);
  return overlap > 0 ? (contract.volumeH100e * overlap) / days : 0;
}

/**
 * Spot: each provider prices idle capacity with its policy at the utilisation it would reach if
 * the spot demand were spread over the market by capacity; labs buy cheapest first, sharing a
 * provider's idle capacity in proportion to what they still need, within their monthly budget.
 */
function sellSpot(labs: readonly Lab[], records: LabMonth[], positions: Position[], delivered: Float64Array[], month: MonthContext, hours: number): void {
  const need = Float64Array.from(records, (r) => Math.max(0, r.demandH100e - r.contractedH100e));
  let totalNeed = 0;
  for (const n of need) totalNeed += n;
  const totalUsable = positions.reduce((sum, p) => sum + p.usable, 0);
  // A provider pricing spot competes at least with itself, whoever else has idle capacity.
  const bidders = Math.max(1, positions.filter((p) => p.idle > 0).length);
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
  const budgetLeft = Float64Array.from(labs, (lab, i) => Math.max(0, (lab.budgetUsdPerYear * month.days) / DAYS_PER_YEAR - records[i]!.spendUsd));
  const wants = new Float64Array(labs.length);
  const byPrice = [...positions].sort((a, b) => a.spotPrice - b.spotPrice || (a.provider.id < b.provider.id ? -1 : 1));
  for (const p of byPrice) {
    if (p.idle <= 0 || !(p.spotPrice > 0)) continue;
    let wanted = 0;
    for (let i = 0; i < labs.length; i++) {
      const lab = labs[i]!;
      const eligible = lab.eligibleProviders.includes(p.provider.id) && p.spotPrice <= lab.procurement.priceCeilingUsdPerGpuHour;
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
      records[i]!.spotH100e += h100e;
      records[i]!.spendUsd += payment;
      delivered[i]![p.provider.index]! += h100e;
      p.idle -= h100e;
      p.spotSold += h100e;
      p.revenue += payment;
      p.hoursSold += h100e * hours;
    }
  }
}

function providerMonth(p: Position, month: MonthContext, sold: number): ProviderMonth {
  const contracted = p.contracted * p.deliveryRatio;
  const used = p.internal + contracted + p.spotSold;
  return {
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
    marketShare: sold > 0 ? (contracted + p.spotSold) / sold : 0,
  };
}

function marketMonth(labs: LabMonth[], providers: ProviderMonth[], positions: Position[], month: MonthContext, hours: number): MarketMonth {
  let spotRevenue = 0;
  let spotHours = 0;
  let contractRevenue = 0;
  let contractHours = 0;
  for (const p of positions) {
    spotRevenue += p.spotSold * p.spotPrice * hours;
    spotHours += p.spotSold * hours;
    contractRevenue += p.contractRevenue;
    contractHours += p.contracted * p.deliveryRatio * hours;
  }
  const quotes = positions.filter((p) => p.idle > 0 && p.spotPrice > 0).map((p) => p.spotPrice);
  const spot = spotHours > 0 ? spotRevenue / spotHours : quotes.length > 0 ? Math.min(...quotes) : month.spotUsdPerGpuHour;
  return {
    month: month.month,
    date: month.date,
    spotPriceUsdPerGpuHour: spot,
    contractPriceUsdPerGpuHour: contractHours > 0 ? contractRevenue / contractHours : 0,
    hhi: providers.reduce((sum, p) => sum + p.marketShare * p.marketShare, 0),
    demandH100e: labs.reduce((sum, l) => sum + l.demandH100e, 0),
    shortfallH100e: labs.reduce((sum, l) => sum + l.shortfallH100e, 0),
    activeShocks: month.activeShocks,
  };
}
