import { checkSemantics } from './checks.js';
import { ACTOR_LISTS, SINGULAR, field, list } from './data.js';
import type { Data } from './data.js';
import { canonicalJson } from './hash.js';
import { explainParse } from './issues.js';
import { formulaPosition, locateOrigin, originOf } from './origins.js';
import type { Origin } from './origins.js';
import { idPath, resolveOverridePath, setAtCopying, startsWith } from './paths.js';
import { findingKey, formatPath } from './problems.js';
import type { Finding, Path, Problem } from './problems.js';
import { SCENARIO, objectKeys } from './schema-walk.js';
import type { ScenarioSpec } from './schema.js';
import { documentValue, parseSource } from './source.js';
import type { SourceFile } from './source.js';
import { closest } from './suggest.js';

/**
 * Overrides: values set by path on top of a composed scenario, from `--set` and `--sweep` flags or from
 * the scenario's `variants`. Each layer of overrides is applied to a copy of the scenario below it, the
 * result is validated like a file, and a problem that the layer brings (one the scenario below it does
 * not have) is reported where the override was written: in the flag's text, or at the variant's entry.
 */

/** A place in a file or in a flag's text. */
export interface Located {
  file: string;
  line: number;
  column: number;
}

/** One value to set at a path, and where it was written. */
export interface Override {
  /** The path as written, with actor ids: `providers.azure.pricing.margin`. */
  key: string;
  /** The value, as YAML read it; `null` removes the field. */
  value: unknown;
  /** The value as written, trimmed (for the names of sweep variants). */
  text: string;
  /** The path of the problems it causes: the flag's path, or the variant's entry (`variants.cheap["providers.azure.pricing.margin"]`). */
  at: string;
  /** Where the path is written. */
  locateKey(): Located;
  /** Where the part `inner` of the value is written (its key, with `key`); a column in a formula when given. */
  locateValue(inner: Path, key: boolean, formulaColumn?: number): Located;
}

/** A `--sweep` flag: one path and the values it takes. */
export interface Sweep {
  key: string;
  values: Override[];
}

/** What kind of layer an override belongs to: it decides what it may change. */
export type Layer = '--set' | 'variant' | '--sweep';

/** An override applied, with the path it resolved to. */
export interface Applied {
  override: Override;
  path: (string | number)[];
}

// ---------------------------------------------------------------------------------------------------
// Flags

/**
 * Parses `--set` texts (`path=value`) into overrides; a malformed one becomes a problem located in the
 * flag (file `--set`, line N for the Nth flag, the column in its text) and is skipped.
 */
export function parseSetFlags(texts: readonly string[], problems: Problem[]): Override[] {
  const overrides: Override[] = [];
  texts.forEach((text, index) => {
    const parsed = parseFlag('--set', index + 1, text, false, problems);
    if (parsed) overrides.push(...parsed.values);
  });
  return overrides;
}

/**
 * Parses `--sweep` texts (`path=v1,v2,...`; commas inside brackets, braces or quotes do not separate
 * values) into sweeps; malformed ones become problems (file `--sweep`) and are skipped.
 */
export function parseSweepFlags(texts: readonly string[], problems: Problem[]): Sweep[] {
  const sweeps: Sweep[] = [];
  const swept = new Set<string>();
  texts.forEach((text, index) => {
    const parsed = parseFlag('--sweep', index + 1, text, true, problems);
    if (!parsed) return;
    if (swept.has(parsed.key)) {
      problems.push({ ...parsed.values[0]!.locateKey(), path: parsed.key, message: `'${parsed.key}' is swept by an earlier --sweep already; give all its values in one --sweep` });
      return;
    }
    swept.add(parsed.key);
    const seen = new Map<string, string>();
    const values = parsed.values.filter((value) => {
      const canonical = canonicalJson(value.value);
      const earlier = seen.get(canonical);
      if (earlier === undefined) {
        seen.set(canonical, value.text);
        return true;
      }
      const as = earlier === value.text ? '' : ` (as ${earlier})`;
      problems.push({ ...value.locateValue([], false), path: parsed.key, message: `the value ${value.text} is given twice${as}` });
      return false;
    });
    sweeps.push({ key: parsed.key, values });
  });
  return sweeps;
}

function parseFlag(flag: string, line: number, text: string, sweep: boolean, problems: Problem[]): Sweep | undefined {
  const example = sweep ? 'providers.azure.pricing.margin=0.2,0.3,0.4' : 'providers.azure.pricing.margin=0.3';
  const form = sweep ? 'path=value1,value2,...' : 'path=value';
  const equals = text.indexOf('=');
  const keyStart = text.length - text.trimStart().length;
  const at = (column: number): Located => ({ file: flag, line, column });
  if (equals < 0) {
    problems.push({ ...at(1), path: text.trim() || '(root)', message: `expected ${form}, as in ${example}; got no '='` });
    return undefined;
  }
  const key = text.slice(0, equals).trim();
  if (key === '') {
    problems.push({ ...at(1), path: '(root)', message: `expected ${form}, as in ${example}; got no path before '='` });
    return undefined;
  }
  const locateKey = (): Located => at(Math.min(keyStart, equals) + 1);
  const pieces = sweep ? splitValues(text, equals + 1) : [{ start: equals + 1, end: text.length }];
  const values: Override[] = [];
  let failed = false;
  for (const piece of pieces) {
    const written = text.slice(piece.start, piece.end);
    const lead = written.length - written.trimStart().length;
    const offset = piece.start + lead;
    const valueText = written.trim();
    if (valueText === '') {
      const what = sweep ? `an empty value in the list after '='; write null to remove the field` : `no value after '='; write null to remove the field`;
      problems.push({ ...at(offset + 1), path: key, message: `expected ${form}; got ${what}` });
      failed = true;
      continue;
    }
    const source = parseSource(flag, valueText);
    const toFlag = (position: { line: number; column: number }): Located => {
      const start = source.lineCounter.lineStarts[position.line - 1] ?? 0;
      return at(offset + start + position.column);
    };
    if (source.problems.length > 0 || source.document.errors.length > 0) {
      for (const problem of source.problems) problems.push({ ...toFlag(problem), path: key, message: problem.message });
      failed = true;
      continue;
    }
    const read = documentValue(source);
    if ('problem' in read) {
      problems.push({ ...toFlag(read.problem), path: key, message: read.problem.message });
      failed = true;
      continue;
    }
    values.push(flagOverride(key, read.value, valueText, source, locateKey, toFlag));
  }
  return failed ? undefined : { key, values };
}

function flagOverride(
  key: string,
  value: unknown,
  text: string,
  source: SourceFile,
  locateKey: () => Located,
  toFlag: (position: { line: number; column: number }) => Located,
): Override {
  let origin: Origin | undefined;
  return {
    key,
    value,
    text,
    at: key,
    locateKey,
    locateValue(inner, isKey, formulaColumn) {
      origin ??= originOf(value, source, []);
      const inFormula = formulaColumn === undefined ? undefined : formulaPosition(origin, inner, formulaColumn);
      return toFlag(inFormula ?? locateOrigin(origin, inner, isKey));
    },
  };
}

/**
 * The values of a sweep, as ranges of `text` from `start`: split at commas outside brackets, braces and
 * quoted strings (a quote opens a string only where a YAML scalar can start, so `it's` is plain text).
 */
function splitValues(text: string, start: number): { start: number; end: number }[] {
  const pieces: { start: number; end: number }[] = [];
  let depth = 0;
  let quote: string | undefined;
  let from = start;
  let previous = ','; // the last character that is not a space, outside strings
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === "'" && quote === "'" && text[i + 1] === "'") i++; // '' is a quote inside a single-quoted string
      else if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"') i++;
      continue;
    }
    const opens = ',[{:'.includes(previous);
    if (char !== ' ' && char !== '\t') previous = char;
    if ((char === '"' || char === "'") && opens) quote = char;
    else if (char === '[' || char === '{') depth++;
    else if ((char === ']' || char === '}') && depth > 0) depth--;
    else if (char === ',' && depth === 0) {
      pieces.push({ start: from, end: i });
      from = i + 1;
    }
  }
  pieces.push({ start: from, end: text.length });
  return pieces;
}

// ---------------------------------------------------------------------------------------------------
// Variants written in the file

/**
 * The entries of a variant declared in the file, as overrides located at their entry. They apply parents
 * before children (fewer path segments first), so their order in the file does not change the result.
 */
export function variantOverrides(name: string, entries: Record<string, unknown>, origin: Origin): Override[] {
  return Object.entries(entries)
    .map(([key, value]): Override => {
      const base = ['variants', name, key];
      return {
        key,
        value,
        text: typeof value === 'string' ? value : JSON.stringify(value) ?? String(value),
        at: formatPath(base),
        locateKey: () => locateOrigin(origin, base, true),
        locateValue(inner, isKey, formulaColumn) {
          const inFormula = formulaColumn === undefined ? undefined : formulaPosition(origin, [...base, ...inner], formulaColumn);
          return inFormula ?? locateOrigin(origin, [...base, ...inner], isKey);
        },
      };
    })
    .sort((a, b) => a.key.split('.').length - b.key.split('.').length);
}

// ---------------------------------------------------------------------------------------------------
// Applying and checking

/** Every problem of a scenario's data, as the loader reports them: the schema's, then those it cannot see. */
export function validate(data: Data): Finding[] {
  return validateScenario(data).findings;
}

/** `validate`, with the scenario as the schema parses it (defaults filled in) when the schema finds no problem. */
export function validateScenario(data: Data): { findings: Finding[]; spec: ScenarioSpec | undefined } {
  const { findings: schemaFindings, parsed } = explainParse(SCENARIO, data);
  // A value the schema rejected is reported once, as the schema explains it.
  const seen = new Set(schemaFindings.map((finding) => formatPath(finding.path)));
  const semantic = checkSemantics(data, schemaFindings.length === 0).filter((finding) => !seen.has(formatPath(finding.path)));
  return { findings: misnamedActors(data, [...schemaFindings, ...semantic]), spec: parsed as ScenarioSpec | undefined };
}

/**
 * `findings`, with an actor that lacks required fields and whose id repeats another's, or nearly does,
 * said once: in a file that extends another, where actors merge by id, a misspelt id (`corewave`) makes a
 * new actor that lacks most fields, and a repeated one a second actor beside its duplicate id's problem.
 */
function misnamedActors(data: Data, findings: Finding[]): Finding[] {
  // The missing fields of each actor, found in one pass: a list of 100,000 actors stays linear.
  const missingOf = new Map<string, Finding[]>();
  for (const finding of findings) {
    const [kind, index] = finding.path;
    if (!finding.missing || typeof index !== 'number') continue;
    const key = `${kind}.${index}`;
    const known = missingOf.get(key);
    if (known === undefined) missingOf.set(key, [finding]);
    else known.push(finding);
  }
  if (missingOf.size === 0) return findings;
  const dropped = new Set<Finding>();
  const added: Finding[] = [];
  for (const kind of ACTOR_LISTS) {
    const ids = list(data[kind]).map((actor) => field(actor, 'id'));
    const counts = new Map<unknown, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const distinct = [...counts.keys()].filter((id): id is string => typeof id === 'string');
    // A near id is looked for among a few incomplete actors only: each look reads every id.
    const incomplete = ids.filter((_, index) => missingOf.has(`${kind}.${index}`)).length;
    ids.forEach((id, index) => {
      const missing = missingOf.get(`${kind}.${index}`);
      if (typeof id !== 'string' || missing === undefined) return;
      const repeated = counts.get(id)! > 1;
      const near = repeated || incomplete > MAX_NEAR_ID_LOOKS ? undefined : closest(id, distinct.filter((other) => other !== id));
      if (!repeated && near === undefined) return;
      for (const finding of missing) dropped.add(finding);
      // A repeated id is reported as a duplicate already; a near one gets a finding of its own.
      if (near === undefined) return;
      const fields = missing.map((finding) => formatPath(finding.path.slice(2)));
      added.push({ path: [kind, index, 'id'], message: `'${id}' names a new ${SINGULAR[kind]}, which lacks ${fields.join(', ')}; did you mean '${near}'?` });
    });
  }
  return dropped.size === 0 ? findings : [...added, ...findings.filter((finding) => !dropped.has(finding))];
}

/** The most incomplete actors of one list whose ids are compared with every other id for a near one. */
const MAX_NEAR_ID_LOOKS = 50;

/** A layer of overrides, applied to a copy of a scenario and checked. */
export interface LayerResult {
  /** The scenario with the overrides applied. */
  data: Data;
  /** Every problem of `data`, by `findingKey`. */
  keys: ReadonlySet<string>;
  /** Problems the layer brings: paths that do not resolve, and problems the scenario below did not have. */
  problems: Problem[];
  /** The overrides applied, with their resolved paths, in order. */
  applied: Applied[];
  /** `data` as the schema parses it (defaults filled in), when the schema finds no problem in it. */
  spec: ScenarioSpec | undefined;
}

/**
 * Applies `overrides` in order to a copy of `data` (each path resolved on the scenario as the earlier ones
 * left it), validates the result, and reports each problem that `below` (the keys of the problems of
 * `data`) does not have at the override that most likely caused it. With no overrides, `data` itself is
 * the result: nothing is copied or checked again.
 */
export function applyLayer(data: Data, below: ReadonlySet<string>, overrides: readonly Override[], layer: Layer, belowSpec?: ScenarioSpec): LayerResult {
  if (overrides.length === 0) return { data, keys: below, problems: [], applied: [], spec: belowSpec };
  // A shallow copy, deepened only along the paths set: the rest is shared with `data`, which nothing changes.
  const working: Data = { ...data };
  const copies = new WeakSet<object>();
  const problems: Problem[] = [];
  const applied: Applied[] = [];
  for (const override of overrides) {
    const resolved = resolveOverridePath(working, override.key);
    const refuse = (message: string): void => {
      problems.push({ ...override.locateKey(), path: override.at, message });
    };
    if ('error' in resolved) {
      refuse(resolved.error);
      continue;
    }
    const { path } = resolved;
    if (path[0] === 'variants' && layer !== '--set') {
      refuse(`${layer === 'variant' ? 'a variant' : '--sweep'} cannot change the variants`);
      continue;
    }
    if (path[0] === 'variants' && (path.length > 1 || override.value !== null)) {
      refuse('variants are declared in the scenario file; --set can only remove them all (variants=null)');
      continue;
    }
    if (override.value === null && typeof path[path.length - 1] === 'number') {
      refuse('a list item cannot be removed with null; set the whole list instead');
      continue;
    }
    applied.push({ override, path });
    setAtCopying(working, path, override.value, copies);
  }
  const { findings, spec } = layer === '--set' ? validateScenario(working) : validateBesideVariants(working, belowSpec);
  const keys = new Set(findings.map(findingKey));
  const reported = new Set<string>();
  // A problem away from every field set (a date after a new `end`) is blamed on the override that brings it
  // when applied alone; those solo checks are made only when needed.
  const alone = new Map<Applied, Set<string>>();
  const soloKeys = (change: Applied): Set<string> => {
    let found = alone.get(change);
    if (!found) {
      const copy: Data = { ...data };
      setAtCopying(copy, change.path, change.override.value, new WeakSet());
      found = new Set((layer === '--set' ? validateScenario(copy) : validateBesideVariants(copy, belowSpec)).findings.map(findingKey));
      alone.set(change, found);
    }
    return found;
  };
  const culprit = (finding: Finding): Applied | undefined =>
    applied.length > 1 ? applied.find((change) => soloKeys(change).has(findingKey(finding))) : undefined;
  const changes = changesByPath(applied);
  for (const finding of findings) {
    const key = findingKey(finding);
    if (below.has(key) || reported.has(key)) continue;
    reported.add(key);
    problems.push(attribute(finding, changes, applied, working, culprit, overrides[0]!));
  }
  return { data: working, keys, problems, applied, spec };
}

/**
 * A variant's or a sweep's scenario checked without the declared variants, which it cannot change: they
 * are the scenario's own, checked with it, and checking them again for each of thousands of variants made
 * the load quadratic. Its spec gets the variants of `belowSpec` (shared, not copied).
 */
function validateBesideVariants(working: Data, belowSpec: ScenarioSpec | undefined): { findings: Finding[]; spec: ScenarioSpec | undefined } {
  if (!Object.hasOwn(working, 'variants')) return validateScenario(working);
  const { variants: _variants, ...rest } = working;
  const { findings, spec } = validateScenario(rest);
  if (spec === undefined || belowSpec?.variants === undefined) return { findings, spec: undefined };
  // In the schema's order of fields, as a parse of the whole would give them.
  const ordered: Record<string, unknown> = {};
  for (const key of SCENARIO_FIELDS) {
    if (key === 'variants') ordered[key] = belowSpec.variants;
    else if (Object.hasOwn(spec, key)) ordered[key] = spec[key as keyof ScenarioSpec];
  }
  return { findings, spec: ordered as ScenarioSpec };
}

const SCENARIO_FIELDS = objectKeys(SCENARIO);

/** The overrides applied, found by path in time that does not grow with their number (a variant may set thousands of fields). */
interface ChangesByPath {
  /** The last change that set `path` or a field around it. */
  around(path: Path): Applied | undefined;
  /** The last change that set a field inside `path` (or `path` itself). */
  inside(path: Path): Applied | undefined;
}

function changesByPath(applied: readonly Applied[]): ChangesByPath {
  // Paths as text, segment by segment (as `startsWith` compares them): each change under its own path, and under every prefix of it.
  const prefixes = (path: Path): string[] => {
    const keys = [''];
    for (const segment of path) keys.push(`${keys[keys.length - 1]}/${JSON.stringify(String(segment))}`);
    return keys;
  };
  const exactly = new Map<string, number>();
  const under = new Map<string, number>();
  applied.forEach((change, index) => {
    const keys = prefixes(change.path);
    exactly.set(keys[keys.length - 1]!, index);
    for (const key of keys) under.set(key, index);
  });
  return {
    around(path) {
      let last = -1;
      for (const key of prefixes(path)) last = Math.max(last, exactly.get(key) ?? -1);
      return applied[last];
    },
    inside(path) {
      const keys = prefixes(path);
      return applied[under.get(keys[keys.length - 1]!) ?? -1];
    },
  };
}

/**
 * A problem an override brought, at that override: the last one that set the field or a field around it;
 * else the last inside it; else the one that brings it alone; else the first.
 */
function attribute(finding: Finding, changes: ChangesByPath, applied: readonly Applied[], working: Data, culprit: (finding: Finding) => Applied | undefined, fallback: Override): Problem {
  const inside = changes.around(finding.path);
  // With nothing applied the data is unchanged and no problem is new; the fallback only keeps this total.
  const change = inside ?? changes.inside(finding.path) ?? culprit(finding) ?? applied[0] ?? { override: fallback, path: [] };
  const { override } = change;
  const exact = formatPath(finding.path) === formatPath(change.path);
  const where = exact ? '' : `${idPath(working, finding.path)}: `;
  const position =
    exact && finding.key
      ? override.locateKey()
      : override.locateValue(inside ? finding.path.slice(change.path.length) : [], inside !== undefined && !exact && finding.key === true, inside ? finding.formulaColumn : undefined);
  return { ...position, path: override.at, message: `${where}${finding.message}` };
}

/** Where a value of a scenario with overrides was written: in the override that set it or a field around it, else in the files. */
export function locateWithOverrides(origin: Origin, applied: readonly Applied[], path: Path): Located {
  const change = [...applied].reverse().find((candidate) => startsWith(path, candidate.path));
  if (change) return change.override.locateValue(path.slice(change.path.length), false);
  return locateOrigin(origin, path);
}
