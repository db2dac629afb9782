import type { CompiledScenario } from '../scenario/compile.js';
import type { ParameterSampler } from '../scenario/sample.js';
import type { PricingSpec, UncertainOrFormulaSpec, UncertainSpec } from '../scenario/schema.js';
import { pricingPolicy, stateValue, timeCurve } from './build.js';
import type { World } from './build.js';
import { lookupPolicy } from './policies.js';
import { isChangeable } from '../scenario/changeable.js';

/** Dated policy changes: the timeline sets a field of a live actor, by path with actor ids. */

/** Applies one `set` entry of timeline entry `index` to the world. */
export function applyTimelineChange(world: World, compiled: CompiledScenario, sampler: ParameterSampler, index: number, path: string, value: unknown): void {
  if (!isChangeable(path)) throw new Error(`timeline[${index}]: '${path}' cannot change during a run`);
  const [kind, id, field, sub] = path.split('.') as [string, string, string, string | undefined];
  // A distribution is drawn under the parameter's path in this entry; a formula is compiled where the entry writes it.
  const paramPath = `timeline[${index}].${path}`;
  const formulaPath = `timeline[${index}].set.${path}`;
  const number = (): number => sampler.value(value as UncertainSpec, paramPath);
  // A number, a distribution or a formula: of the actor's state, or of time.
  const state = () => stateValue(compiled, value as UncertainOrFormulaSpec, paramPath, formulaPath, sampler);
  const curve = () => timeCurve(compiled, value as UncertainOrFormulaSpec, paramPath, formulaPath, sampler);
  if (kind === 'labs') {
    const lab = world.labById.get(id)!;
    const terms = lab.procurement;
    if (field === 'budgetUsdPerYear') {
      const budget = state();
      lab.budgetFormula = budget.formula;
      if (budget.formula === undefined) lab.budgetUsdPerYear = budget.value;
    } else if (field === 'willingnessToPayUsdPerGpuHour') {
      lab.willingnessGiven = value !== null;
      if (value !== null) lab.willingness = curve();
    } else if (field === 'revenueUsdPerYear') {
      lab.revenueUsdPerYear = value === null ? () => 0 : curve();
    } else if (sub === 'strategy') {
      terms.strategy = value as string;
      lab.procurementPolicy = lookupPolicy('procurement', terms.strategy);
    } else if (sub === 'providers') terms.providers = [...(value as string[])];
    else if (sub === 'incumbent') terms.incumbent = value === null ? undefined : (value as string);
    // null lifts the ceiling, and returns blocks to their default size.
    else if (sub === 'priceCeilingUsdPerGpuHour') terms.priceCeilingUsdPerGpuHour = value === null ? Infinity : number();
    else if (sub === 'blockH100e') terms.blockH100e = value === null ? undefined : number();
    else if (sub === 'partialBlocks') terms.partialBlocks = value as boolean;
    else (terms as unknown as Record<string, number>)[sub!] = number();
    return;
  }
  if (kind === 'providers') {
    const provider = world.providerById.get(id)!;
    if (field === 'pricing') {
      const spec: PricingSpec = sub === undefined ? (value as PricingSpec) : ({ ...world.pricingSpecs.get(id)!, [sub]: value } as PricingSpec);
      world.pricingSpecs.set(id, spec);
      // A formula is compiled where it was written: in this entry when it sets one, else where the current one came from.
      if (sub === undefined || sub === 'expression') world.pricingFormulaPaths.set(id, `timeline[${index}].set.${sub === undefined ? path : path.slice(0, -'.expression'.length)}`);
      const pricingFormulaPath = world.pricingFormulaPaths.get(id) ?? `providers[${world.providers.indexOf(provider)}].pricing`;
      provider.pricing = pricingPolicy(compiled, spec, pricingFormulaPath, paramPath, sampler);
      return;
    }
    if (field === 'capexUsdPerYear' || field === 'powerBuildMwPerYear') {
      const rule = state();
      if (field === 'capexUsdPerYear') provider.capexFormula = rule.formula;
      else provider.powerBuildFormula = rule.formula;
      if (rule.formula === undefined) provider[field] = rule.value;
      return;
    }
    if (field === 'leasesOut') provider.leasable = value as boolean;
    else if (field === 'powerBuild') provider.powerBuild = value as 'demand' | 'fixed';
    else (provider as unknown as Record<string, number>)[field] = number();
    return;
  }
  const supplier = world.supplierById.get(id)!;
  if (field === 'allocation') supplier.allocation = lookupPolicy('allocation', value as string);
  else supplier.priority = [...(value as string[])];
}
