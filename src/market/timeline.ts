import type { CompiledScenario } from '../scenario/compile.js';
import type { ParameterSampler } from '../scenario/sample.js';
import type { PricingSpec, UncertainSpec } from '../scenario/schema.js';
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
    const terms = lab.procurement;
    if (field === 'budgetUsdPerYear') lab.budgetUsdPerYear = number();
    else if (sub === 'strategy') {
      terms.strategy = value as string;
      lab.procurementPolicy = lookupPolicy('procurement', terms.strategy);
    } else if (sub === 'providers') terms.providers = [...(value as string[])];
    else if (sub === 'incumbent') terms.incumbent = value === null ? undefined : (value as string);
    // null lifts the ceiling.
    else if (sub === 'priceCeilingUsdPerGpuHour') terms.priceCeilingUsdPerGpuHour = value === null ? Infinity : number();
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
      const formulaPath = world.pricingFormulaPaths.get(id) ?? `providers[${world.providers.indexOf(provider)}].pricing`;
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
