import { markChecked } from './checked.js';
import { loadTracked } from './compose.js';
import type { LoadContext } from './compose.js';
import { field, isPlainObject } from './data.js';
import type { Data } from './data.js';
import { scenarioHash } from './hash.js';
import { formulaPosition, locateOrigin } from './origins.js';
import { applyLayer, locateWithOverrides, parseSetFlags, parseSweepFlags, validateScenario, variantOverrides } from './overrides.js';
import type { LayerResult, Override, Sweep } from './overrides.js';
import { ScenarioError, findingKey, formatPath, formatProblem, pushAll, sortProblems } from './problems.js';
import type { Finding, Path, Problem } from './problems.js';
import { readScenarioFile } from './read.js';
import { scenarioWarnings } from './warnings.js';
import { Scenario } from './schema.js';
import type { ScenarioSpec } from './schema.js';

export { resolveOverridePath, resolveSetPath } from './paths.js';
export type { ResolvedSetPath } from './paths.js';

/**
 * Loading a scenario file: read it, resolve `extends` (compose.ts), apply `--set` overrides, validate with
 * the schema (issues.ts), then check what the schema cannot (checks.ts); then apply each variant and each
 * point of the sweep grid on top and check those too (overrides.ts). Every problem is located where the
 * offending value was written: in a file (origins.ts), or in the text of a `--set` or `--sweep` flag;
 * all are reported at once.
 */

/** One variant of a loaded scenario: a name, the overrides that make it, and the scenario it makes. */
export interface ScenarioVariant {
  /**
   * `baseline` (the scenario with `--set` applied), or a name declared under `variants:`. With `--sweep`,
   * each of those crossed with each point of the grid: `NAME|path=value|path=value`, one `path=value`
   * for each `--sweep` in the order given, each value as written (`baseline|providers.azure.pricing.margin=0.3`).
   */
  name: string;
  /** Every override that makes this variant from the files, by path as written: `--set`'s, then the variant's, then the sweep's (a later one wins). */
  overrides: Record<string, unknown>;
  /** The scenario of this variant, validated, with defaults filled in (its `variants` field is the file's: the very object of `LoadedScenario.spec`). */
  spec: ScenarioSpec;
}

/** A scenario file, loaded and valid. */
export interface LoadedScenario {
  /** The file as given. */
  file: string;
  /** The scenario with `extends` resolved, `--set` applied and defaults filled in (`extends` itself is removed). */
  spec: ScenarioSpec;
  /** Every file read: the scenario first, then the files it extends, depth first. */
  files: string[];
  /** Where the value at a path of `spec` was written (its deepest written ancestor for a default): in a file, or in a `--set` flag. */
  locate(path: Path): { file: string; line: number; column: number };
  /**
   * The variants to run, never empty: `baseline` first (its spec is `spec`), then each variant declared in
   * the file, in file order. Each applies on top of the baseline (after `--set`). With `--sweep`, each of
   * those crossed with every point of the grid (the first sweep varying slowest); the sweep's values apply
   * last, and `baseline|...` then no longer equals `spec`.
   */
  variants: ScenarioVariant[];
  /**
   * The scenario fully composed, as plain data: `extends` resolved and `--set` applied, `variants` kept,
   * defaults not filled in (so it says only what the files and flags say). Written to a file, it loads to
   * the same `spec`. Sweeps are not part of it: they are recorded in each variant's `overrides`.
   */
  resolved: Record<string, unknown>;
  /** The content hash of `resolved` (`scenarioHash`): SHA-256 hex, unchanged by key order and formatting. */
  hash: string;
  /**
   * What the scenario says that it most likely does not mean, each located as a problem is: a field left
   * empty that removes a base's value, a supplier's priority list its allocation ignores, a contract never in
   * force. Allowed, so not refused; `computerace validate` prints them.
   */
  warnings: Problem[];
}

/** How `loadScenario` reads files, and the overrides and sweeps it applies. */
export interface LoadOptions {
  /**
   * Reads a file's text (default: `readScenarioFile`, from disk as UTF-8, regular files of at most
   * MAX_SCENARIO_FILE_BYTES only); throw an error with a `code` like ENOENT when it cannot.
   */
  readFile?: (file: string) => string;
  /**
   * Overrides, as `path=value` texts (the `--set` flag): the path as the timeline's `set` writes it, with
   * actor ids (`labs.openai.procurement.strategy`, `end`), the value a YAML flow value (`0.3`, `multi`,
   * `{ lognormal: { median: 3, sigma: 0.2 } }`, `[a, b]`; `null` removes the field). Applied in order, after
   * `extends` and before validation. A problem one causes is located at file `--set`, line N for the Nth.
   */
  set?: readonly string[];
  /**
   * Sweeps, as `path=value1,value2,...` texts (the `--sweep` flag; commas inside brackets, braces or quotes
   * do not separate values): the variants are crossed with every combination of the values. Problems are
   * located at file `--sweep`, line N for the Nth.
   */
  sweep?: readonly string[];
}

/** Loads and checks a scenario file; throws a ScenarioError listing every problem, each located. */
export function loadScenario(file: string, options: LoadOptions = {}): LoadedScenario {
  // A caller's mistake, not the file's: said as such, not as an internal "text.replace is not a function".
  if (typeof file !== 'string') throw new TypeError(`loadScenario needs the path of a scenario file, got ${String(file)} (${file === null ? 'null' : typeof file})`);
  const context: LoadContext = { readFile: options.readFile ?? readScenarioFile, problems: [], warnings: [], files: [] };
  const flagProblems: Problem[] = [];
  const sets = parseSetFlags(options.set ?? [], flagProblems);
  const sweeps = parseSweepFlags(options.sweep ?? [], flagProblems);
  const tracked = loadTracked(file, [], context, undefined);
  if (!tracked) throw new ScenarioError(sortProblems([...context.problems, ...flagProblems], [...context.files, '--set', '--sweep']));
  const toProblem = (finding: Finding): Problem => {
    const position = finding.formulaColumn !== undefined ? formulaPosition(tracked.origin, finding.path, finding.formulaColumn) : undefined;
    return { ...(position ?? locateOrigin(tracked.origin, finding.path, finding.key)), path: formatPath(finding.path), message: finding.message };
  };

  // The files as composed, then `--set`: a problem of the files that `--set` does not remove is reported in the files.
  const composed = tracked.value as Data;
  const checked = validateScenario(composed);
  const fileFindings = checked.findings;
  const problems: Problem[] = [...context.problems, ...flagProblems];
  const fileKeys = fileFindings.map(findingKey);
  const base = applyLayer(composed, new Set(fileKeys), sets, '--set', checked.spec);
  pushAll(problems, fileFindings.filter((_, index) => base.keys.has(fileKeys[index]!)).map(toProblem));
  pushAll(problems, base.problems);

  // Each variant on top of the baseline, each reported at its entries in the file.
  const layers: { name: string; overrides: Override[]; result: LayerResult }[] = [{ name: 'baseline', overrides: [], result: base }];
  const declared = field(base.data, 'variants');
  if (isPlainObject(declared)) {
    for (const [name, entries] of Object.entries(declared)) {
      // A variant that is not a map, or is named `baseline`, is a schema problem, reported above.
      if (!isPlainObject(entries) || name === 'baseline') continue;
      const overrides = variantOverrides(name, entries, tracked.origin);
      const result = applyLayer(base.data, base.keys, overrides, 'variant', base.spec);
      pushAll(problems, result.problems);
      layers.push({ name, overrides, result });
    }
  }

  // Each variant crossed with each point of the sweep grid (without sweeps, one empty point: the variants themselves).
  const combinations = sweepGrid(layers, sweeps, problems);
  if (problems.length > 0) throw new ScenarioError(sortProblems(unique(problems), [...context.files, '--set', '--sweep']));

  // Each layer was parsed as it was checked; parsed again only where that did not happen.
  const spec = base.spec ?? Scenario.parse(base.data);
  const variants = combinations.map(({ name, overrides, data, parsed }) => ({
    name,
    overrides: Object.fromEntries([...sets, ...overrides].map((override) => [override.key, structuredClone(override.value)])),
    spec: data === base.data ? spec : (parsed ?? Scenario.parse(data)),
  }));
  const resolved = structuredClone(base.data);
  // Frozen: a loaded scenario is what its hash names. A spec edited after loading would run unchecked
  // under the hash and scenario of the file (and --resume would mix its runs with the file's).
  for (const variant of variants) markChecked(deepFreeze(variant.spec));
  markChecked(deepFreeze(spec));
  deepFreeze(resolved);
  const warnings = sortProblems([...context.warnings, ...scenarioWarnings(base.data).map(toProblem)], context.files);
  return { file, spec, files: context.files, locate: (path) => locateWithOverrides(tracked.origin, base.applied, path), variants, resolved, hash: scenarioHash(resolved), warnings };
}

/** Freezes `value` and everything it holds. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
  return value;
}

/**
 * The variants crossed with every combination of the swept values, the first sweep varying slowest. A
 * problem a sweep value causes is reported once at that value; one that only a declared variant shows
 * names the variant.
 */
function sweepGrid(layers: { name: string; overrides: Override[]; result: LayerResult }[], sweeps: readonly Sweep[], problems: Problem[]) {
  let points: Override[][] = [[]];
  for (const sweep of sweeps) points = points.flatMap((point) => sweep.values.map((value) => [...point, value]));
  const reported = new Set<string>();
  return layers.flatMap((layer) =>
    points.map((point) => {
      const result = applyLayer(layer.result.data, layer.result.keys, point, '--sweep', layer.result.spec);
      for (const problem of result.problems) {
        const text = formatProblem(problem);
        if (reported.has(text)) continue;
        reported.add(text);
        problems.push(layer.name === 'baseline' ? problem : { ...problem, message: `${problem.message} (with variant '${layer.name}')` });
      }
      return {
        name: [layer.name, ...point.map((value) => `${value.key}=${value.text}`)].join('|'),
        overrides: [...layer.overrides, ...point],
        data: result.data,
        parsed: result.spec,
      };
    }),
  );
}

/** Problems without repeats, in the order first found. */
function unique(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const text = formatProblem(problem);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
