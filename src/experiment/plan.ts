import type { LoadedScenario, LoadOptions } from '../scenario/load.js';
import type { Problem } from '../scenario/problems.js';
import type { TimeseriesMode } from '../io/layout.js';
import type { ReplicationPlan } from './replicate.js';

/**
 * Where a batch's scenario comes from, and how each process turns that into its plan. A file is
 * loaded by every process that runs the model, so the coordinating thread never loads the formula
 * engine (mathjs alone is ~90 MB a thread); each process reports the scenario's hash with its rows,
 * and the batch checks they all ran the same scenario.
 */

/** A scenario file with its overrides, or variants already loaded by the caller. */
export type ScenarioSource =
  | { kind: 'file'; file: string; set: readonly string[]; sweep: readonly string[] }
  | { kind: 'loaded'; variants: ReplicationPlan['variants']; identity: ScenarioIdentity };

/** What results record about the scenario. */
export interface ScenarioIdentity {
  name: string;
  /** Content hash of the resolved scenario. */
  hash: string;
  /** The resolved scenario (extends and --set applied, variants kept) as plain data. */
  resolved: unknown;
  /** What the scenario says that it most likely does not mean (`LoadedScenario.warnings`). */
  warnings: Problem[];
}

/** Everything a process needs to run its share of a batch: plain data, so it crosses to worker threads. */
export interface BatchSettings {
  source: ScenarioSource;
  seed: string;
  timeseries: TimeseriesMode;
  design: NonNullable<ReplicationPlan['design']>;
  /** Modules that register custom policies, imported before the scenario is loaded. */
  modules: readonly string[];
  /**
   * A counter every process adds each run (of one variant) to as it finishes, shared by the threads
   * (an Int32Array over a SharedArrayBuffer): a progress bar counts runs before their block comes back.
   */
  simulationsDone?: Int32Array;
}

/** Whether `value` has what a batch reads of loadScenario's result: its variants, spec, hash and resolved scenario. */
export function isLoadedScenario(value: unknown): value is LoadedScenario {
  if (typeof value !== 'object' || value === null) return false;
  const loaded = value as Partial<LoadedScenario>;
  return Array.isArray(loaded.variants) && typeof loaded.spec === 'object' && typeof loaded.hash === 'string' && typeof loaded.resolved === 'object';
}

/** The source of an already loaded scenario. */
export function loadedSource(loaded: LoadedScenario): ScenarioSource {
  return {
    kind: 'loaded',
    variants: loaded.variants.map(({ name, spec }) => ({ name, spec })),
    identity: { name: loaded.spec.name, hash: loaded.hash, resolved: loaded.resolved, warnings: loaded.warnings },
  };
}

/**
 * Loads a scenario as a run would take it: the file and its overrides (`loadScenario`), and the
 * `custom:` policies it names registered (by the modules imported so far); throws a ScenarioError
 * located where each problem was written, before any run fails on it.
 */
export async function loadScenarioToRun(file: string, options: Pick<LoadOptions, 'set' | 'sweep'> = {}): Promise<LoadedScenario> {
  const { loadScenario } = await import('../scenario/load.js');
  const loaded = loadScenario(file, options);
  await refuseUnregisteredPolicies(loaded);
  return loaded;
}

/** Refuses a scenario that names a `custom:` policy no module has registered, each located where it is named (in any variant). */
async function refuseUnregisteredPolicies(loaded: LoadedScenario): Promise<void> {
  const [{ unregisteredPolicies }, { findingKey, formatPath, ScenarioError, sortProblems }] = await Promise.all([import('../market/policies.js'), import('../scenario/problems.js')]);
  // A policy named in the baseline is named in every variant: reported once.
  const problems = new Map<string, Problem>();
  for (const variant of loaded.variants) {
    for (const finding of unregisteredPolicies(variant.spec)) {
      const key = findingKey(finding);
      if (!problems.has(key)) problems.set(key, { ...loaded.locate(finding.path), path: formatPath(finding.path), message: finding.message });
    }
  }
  if (problems.size > 0) throw new ScenarioError(sortProblems([...problems.values()], loaded.files));
}

/** Imports the policy modules and loads the scenario (throwing its ScenarioError), giving this process's plan. */
export async function preparePlan(settings: BatchSettings): Promise<{ plan: ReplicationPlan; identity: ScenarioIdentity }> {
  for (const module of settings.modules) await import(module);
  const { source } = settings;
  let variants = source.kind === 'loaded' ? source.variants : undefined;
  let identity = source.kind === 'loaded' ? source.identity : undefined;
  if (source.kind === 'file') {
    const loaded = await loadScenarioToRun(source.file, { set: source.set, sweep: source.sweep });
    ({ variants, identity } = loadedSource(loaded) as Extract<ScenarioSource, { kind: 'loaded' }>);
  }
  return {
    plan: { variants: variants!, seed: settings.seed, timeseries: settings.timeseries, design: settings.design, scenarioHash: identity!.hash },
    identity: identity!,
  };
}
