import type { Simulation } from '../kernel/simulation.js';
import type { CompiledScenario } from '../scenario/compile.js';
import type { ParameterSampler } from '../scenario/sample.js';
import type { PricingSpec, ScenarioSpec, UncertainOrFormulaSpec, UncertainSpec } from '../scenario/schema.js';
import { ChipType, Lab, Provider, ShockExposure, Supplier } from './actors.js';
import type { Curve, StateFormula } from './actors.js';
import { DAYS_PER_YEAR, daysBetween } from './calendar.js';
import { lookupPolicy } from './policies.js';
import type { PricingPolicy } from './policies.js';
import { PointTable } from './points.js';
import * as libm from '../kernel/libm.js';

/** Builds one run's actors from a compiled scenario, drawing its uncertain parameters. */

/** The actors of one run, by id, in the scenario's order. */
export interface World {
  chips: Map<string, ChipType>;
  /** The chips in the scenario's order (`ChipType.index`). */
  chipList: ChipType[];
  suppliers: Supplier[];
  providers: Provider[];
  labs: Lab[];
  supplierById: Map<string, Supplier>;
  providerById: Map<string, Provider>;
  labById: Map<string, Lab>;
  /** Each provider's pricing as written, so the timeline can change one parameter of it. */
  pricingSpecs: Map<string, PricingSpec>;
  /** Where each provider's current pricing formula was compiled, once the timeline has replaced it. */
  pricingFormulaPaths: Map<string, string>;
}

// Initial fleets were bought between the chip's release (at most a life ago) and the start:
// they retire spread over as many monthly cohorts, not all on one day.
const INITIAL_COHORTS = 12;

/** Creates the world of a run at the scenario's start. */
export function buildWorld(sim: Simulation, compiled: CompiledScenario, sampler: ParameterSampler): World {
  const { spec } = compiled;
  const day = (date: string): number => daysBetween(spec.start, date);
  const endDay = day(spec.end);
  const chipList = spec.chips.map((c, i) => new ChipType(i, c.id, c.perfH100e, c.powerKw, c.unitCostUsd, c.lifeYears * DAYS_PER_YEAR, day(c.release)));
  const chips = new Map(chipList.map((c) => [c.id, c]));
  const chip = (id: string): ChipType => chips.get(id)!;

  const suppliers = spec.suppliers.map((s, i) => {
    const capacity = curve(compiled, `suppliers[${i}].capacityUnitsPerMonth`, s.capacityUnitsPerMonth);
    const products = s.products.map((p) => ({
      chip: chip(p.chip),
      fromDay: p.from === undefined ? day(spec.chips.find((c) => c.id === p.chip)!.release) : day(p.from),
      untilDay: p.until === undefined ? endDay : day(p.until),
    }));
    const leadTime = sampler.bounded(s.leadTimeDays, `suppliers.${s.id}.leadTimeDays`, 1);
    return new Supplier(s.id, products, capacity, leadTime, lookupPolicy('allocation', s.allocation), s.priority ?? [], new ShockExposure(sim, -1));
  });
  const supplierById = new Map(suppliers.map((s) => [s.id, s]));

  const providers = spec.providers.map((p, i) => {
    const path = `providers.${p.id}`;
    const powerBuild = stateValue(compiled, p.powerBuildMwPerYear, `${path}.powerBuildMwPerYear`, `providers[${i}].powerBuildMwPerYear`, sampler);
    const capex = stateValue(compiled, p.capexUsdPerYear, `${path}.capexUsdPerYear`, `providers[${i}].capexUsdPerYear`, sampler);
    const provider = new Provider(
      sim,
      p.id,
      p.powerMw,
      powerBuild.value,
      sampler.bounded(p.powerLeadTimeDays, `${path}.powerLeadTimeDays`, 1),
      capex.value,
      p.capexUsdPerMw,
      p.opexUsdPerGpuHour,
      curve(compiled, `providers[${i}].internalDemandH100e`, p.internalDemandH100e),
      p.targetUtilization,
      p.suppliers.map((id) => supplierById.get(id)!),
      pricingPolicy(compiled, p.pricing, `providers[${i}].pricing`, `${path}.pricing`, sampler),
      lookupPolicy('ordering', p.ordering),
      new ShockExposure(sim, -1),
    );
    for (const [chipId, units] of Object.entries(p.fleet)) installInitialFleet(provider, chip(chipId), units);
    provider.index = i;
    provider.owner = p.owner;
    provider.leasable = p.leasesOut;
    provider.powerBuild = p.powerBuild;
    provider.powerBuildFormula = powerBuild.formula;
    provider.capexFormula = capex.formula;
    return provider;
  });

  const labs = spec.labs.map((l, i) => {
    const path = `labs.${l.id}`;
    const initial = sampler.bounded(l.demand.initialH100e, `${path}.demand.initialH100e`, 0);
    const growth = sampler.bounded(l.demand.growthPerYear, `${path}.demand.growthPerYear`, 0);
    const trend: Curve =
      l.demand.formula === undefined ? exponentialTrend(path, initial, growth) : scoped(compiled.formula(`labs[${i}].demand.formula`), { t: 0, year: 0, initial, growth });
    const p = l.procurement;
    const budget = stateValue(compiled, l.budgetUsdPerYear, `${path}.budgetUsdPerYear`, `labs[${i}].budgetUsdPerYear`, sampler);
    const lab = new Lab(
      l.id,
      trend,
      l.demand.volatility,
      budget.value,
      {
        strategy: p.strategy,
        providers: [...p.providers],
        incumbent: p.incumbent,
        maxShare: p.maxShare,
        priceCeilingUsdPerGpuHour: p.priceCeilingUsdPerGpuHour ?? Infinity,
        intervalDays: p.intervalDays,
        contractMonths: p.contractMonths,
        coverage: p.coverage,
        blockH100e: p.blockH100e,
        partialBlocks: p.partialBlocks,
        deliveryDays: p.deliveryDays,
        termPremium: p.termPremium,
      },
      lookupPolicy('procurement', p.strategy),
      new ShockExposure(sim, 1),
    );
    lab.budgetFormula = budget.formula;
    if (l.revenueUsdPerYear !== undefined) lab.revenueUsdPerYear = timeCurve(compiled, l.revenueUsdPerYear, `${path}.revenueUsdPerYear`, `labs[${i}].revenueUsdPerYear`, sampler);
    if (l.willingnessToPayUsdPerGpuHour !== undefined) {
      lab.willingness = timeCurve(compiled, l.willingnessToPayUsdPerGpuHour, `${path}.willingnessToPayUsdPerGpuHour`, `labs[${i}].willingnessToPayUsdPerGpuHour`, sampler);
      lab.willingnessGiven = true;
    }
    return lab;
  });

  return {
    chips,
    chipList,
    suppliers,
    providers,
    labs,
    supplierById,
    providerById: new Map(providers.map((p) => [p.id, p])),
    labById: new Map(labs.map((l) => [l.id, l])),
    pricingSpecs: new Map(spec.providers.map((p) => [p.id, p.pricing])),
    pricingFormulaPaths: new Map(),
  };
}

function installInitialFleet(provider: Provider, chip: ChipType, units: number): void {
  const firstRetirement = Math.max(chip.releaseDay + chip.lifeDays, 30);
  const lastRetirement = Math.max(chip.lifeDays, firstRetirement);
  for (let k = 0; k < INITIAL_COHORTS; k++) {
    const retireDay = firstRetirement + ((lastRetirement - firstRetirement) * (k + 0.5)) / INITIAL_COHORTS;
    provider.install(chip, units / INITIAL_COHORTS, retireDay);
  }
}

/** A pricing policy from its spec; `formulaPath` is where its formula was compiled. */
export function pricingPolicy(
  compiled: CompiledScenario,
  spec: PricingSpec,
  formulaPath: string,
  paramPath: string,
  sampler: ParameterSampler,
): PricingPolicy {
  if (spec.policy === 'formula' && 'expression' in spec) {
    const expression = compiled.formula(`${formulaPath}.expression`);
    const scope = { cost: 0, utilization: 0, bidders: 1, spot: 0, t: 0, year: 0 };
    return {
      price(context) {
        scope.cost = context.costUsdPerGpuHour;
        scope.utilization = context.utilization;
        scope.bidders = context.bidders;
        scope.spot = context.spotUsdPerGpuHour;
        scope.t = context.t;
        scope.year = context.year;
        return expression.evaluate(scope);
      },
    };
  }
  const params: Record<string, number> = {};
  const raw = 'params' in spec ? spec.params : spec;
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'policy') continue;
    params[name] = sampler.value(value as UncertainSpec, `${paramPath}.${name}`);
  }
  return lookupPolicy('pricing', spec.policy)(params);
}

// A draw and a compiled formula's value are never below 0 (sample.ts, compile.ts refuse them): the
// max(0, ...) below only makes a -0 (written, or worked out) the 0 the outputs have always held.

/**
 * A number, a distribution (drawn once, from the parameter's stream) or a formula of an actor's state:
 * its value now (0 for a formula, until the actor first decides) and the formula.
 */
export function stateValue(compiled: CompiledScenario, spec: UncertainOrFormulaSpec, paramPath: string, formulaPath: string, sampler: ParameterSampler): { value: number; formula: StateFormula | undefined } {
  if (typeof spec !== 'string') return { value: sampler.bounded(spec, paramPath, 0), formula: undefined };
  const expression = compiled.formula(formulaPath);
  return { value: 0, formula: (scope) => Math.max(0, expression.evaluate(scope)) };
}

/** A number, a distribution (drawn once) or a formula of time as a curve. */
export function timeCurve(compiled: CompiledScenario, spec: UncertainOrFormulaSpec, paramPath: string, formulaPath: string, sampler: ParameterSampler): Curve {
  if (typeof spec !== 'string') {
    const value = sampler.bounded(spec, paramPath, 0);
    return () => value;
  }
  const evaluate = scoped(compiled.formula(formulaPath), { t: 0, year: 0 });
  return (t, year) => Math.max(0, evaluate(t, year));
}

/** A lab's demand trend without a formula, `initial * growth^t`, checked as a formula's value is: finite, or an error naming the lab. */
function exponentialTrend(path: string, initial: number, growth: number): Curve {
  return (t) => {
    const value = initial * libm.pow(growth, t);
    if (Number.isFinite(value)) return value;
    throw new RangeError(`${path}.demand: initialH100e * growthPerYear^t gave ${value} for initialH100e = ${initial}, growthPerYear = ${growth}, t = ${t}`);
  };
}

/** A number or a compiled formula of time as a curve. */
function curve(compiled: CompiledScenario, path: string, value: number | string): Curve {
  if (typeof value === 'number') return () => value;
  const expression = compiled.formula(path);
  let points = pointsOf.get(expression);
  if (points === undefined) {
    points = new PointTable(MAX_REMEMBERED_POINTS);
    pointsOf.set(expression, points);
  }
  return remembered(scoped(expression, { t: 0, year: 0 }), points);
}

// A formula of time alone (a supplier's capacity, a provider's own demand) has the same value at a
// point in every run of a scenario, and every run asks for the same points (month middles, decision
// days, horizons): its values are kept with the compiled formula, by t and year, across runs.
const pointsOf = new WeakMap<object, PointTable>();
// A bound on the points kept per formula, should a model ever ask at ever new times (a run asks at a few hundred).
const MAX_REMEMBERED_POINTS = 10_000;

function remembered(evaluate: Curve, points: PointTable): Curve {
  return (t, year) => {
    const known = points.get(t, year);
    if (known !== undefined) return known;
    const value = evaluate(t, year);
    points.remember(t, year, value);
    return value;
  };
}

// One scope object per curve, reused for every evaluation: formulas run in the monthly loop.
function scoped(expression: { evaluate(scope: Record<string, number>): number }, scope: Record<string, number>): Curve {
  return (t, year) => {
    scope.t = t;
    scope.year = year;
    return expression.evaluate(scope);
  };
}
