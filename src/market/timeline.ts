import type { CompiledScenario } from '../scenario/compile.js';
import type { ParameterSampler } from '../scenario/sample.js';
import type { PricingSpec, UncertainSpec } from '../scenario/schema.js';
import type { ProcurementTerms } from './actors.js';
import { pricingPolicy } from './build.js';
import type { World } from './build.js';
import { lookupPolicy } from './policies.js';
import { isChangeable } from '../scenario/changeable.js';

/** Dated policy changes: the timeline sets a field of a live actor, by path with actor ids. */

/** Applies one `set` entry of timeline entry `index` to the world. */
export function applyTimelineChange(world: World, compiled: CompiledScenario, sampler: ParameterSampler, index: number, path: string, value: unknown): void {
  if (!isChangeable(path)) throw new Error(`timeline[${index}]: '${path}' cannot change during a run`);
  const [kind, id, field, sub] = path.split('.') as [string, string, string, string | undefined];
  const number = (): number => sampler.value(value as UncertainSpec, `timeline[${index}].${path}`);
  if (kind === 'labs') {
    const lab = world.labById.get(id)!;
    if (field === 'budgetUsdPerYear') lab.budgetUsdPerYear = number();
    else {
      const terms = lab.procurement as unknown as Record<string, unknown>;
      terms[sub!] = sub === 'providers' ? [...(value as string[])] : sub === 'strategy' || sub === 'incumbent' ? value : number();
      if (sub === 'priceCeilingUsdPerGpuHour' && value === null) lab.procurement.priceCeilingUsdPerGpuHour = Infinity;
      if (sub === 'strategy') lab.procurementPolicy = lookupPolicy('procurement', value as ProcurementTerms['strategy']);
    }
    return;
  }
  if (kind === 'providers') {
    const provider = world.providerById.get(id)!;
    const providerIndex = world.providers.indexOf(provider);
    if (field === 'pricing') {
      const spec: PricingSpec = sub === undefined ? (value as PricingSpec) : ({ ...world.pricingSpecs.get(id)!, [sub]: value } as PricingSpec);
      world.pricingSpecs.set(id, spec);
      const formulaPath = sub === undefined ? `timeline[${index}].set.${path}` : `providers[${providerIndex}].pricing`;
      provider.pricing = pricingPolicy(compiled, spec, formulaPath, `timeline[${index}].${path}`, sampler);
      return;
    }
    (provider as unknown as Record<string, number>)[field] = number();
    return;
  }
  const supplier = world.supplierById.get(id)!;
  if (field === 'allocation') supplier.allocation = lookupPolicy('allocation', value as string);
  else supplier.priority = [...(value as string[])];
}
