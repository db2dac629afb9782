import { changeableFieldsOf, isChangeable } from './changeable.js';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { isScalar } from 'yaml';
import type { z } from 'zod';
import { ExpressionError, compileExpression } from './expressions.js';
import { ScenarioError, formatPath, sortProblems } from './problems.js';
import type { Path, Problem } from './problems.js';
import { DistributionSpec, Scenario } from './schema.js';
import type { ScenarioSpec } from './schema.js';
import { locate, nodeAt, parseSource } from './source.js';
import type { SourceFile } from './source.js';

/**
 * Loading a scenario file: read it, resolve `extends`, validate with the schema, then check what the
 * schema cannot (dates in order, unique ids, references, timeline paths, formulas). Every problem is
 * located in the file where the offending value was written; all are reported at once.
 */

/** A scenario file, loaded and valid. */
export interface LoadedScenario {
  /** The file as given. */
  file: string;
  /** The scenario with `extends` resolved and defaults filled in (`extends` itself is removed). */
  spec: ScenarioSpec;
  /** Every file read: the scenario first, then the files it extends, depth first. */
  files: string[];
  /** Where the value at a path of `spec` was written (its deepest written ancestor for a default). */
  locate(path: Path): { file: string; line: number; column: number };
}

export interface LoadOptions {
  /** Reads a file's text (default: from disk as UTF-8); throw an error with a `code` like ENOENT when it cannot. */
  readFile?: (file: string) => string;
}

/** Loads and checks a scenario file; throws a ScenarioError listing every problem, each located. */
export function loadScenario(file: string, options: LoadOptions = {}): LoadedScenario {
  const context: LoadContext = { readFile: options.readFile ?? ((name) => readFileSync(name, 'utf8')), problems: [], files: [] };
  const tracked = loadTracked(file, [], context, undefined);
  if (!tracked) throw new ScenarioError(sortProblems(context.problems, context.files));
  const locateAt = (path: Path, key = false) => locateOrigin(tracked.origin, path, key);
  const toProblem = (finding: Finding): Problem => {
    const position = finding.formulaColumn !== undefined ? formulaPosition(tracked.origin, finding.path, finding.formulaColumn) : undefined;
    return { ...(position ?? locateAt(finding.path, finding.key)), path: formatPath(finding.path), message: finding.message };
  };

  const schemaFindings = explain(Scenario, tracked.value, []);
  const seen = new Set(schemaFindings.map((finding) => formatPath(finding.path)));
  const semantic = checkSemantics(tracked.value as Data, schemaFindings.length === 0).filter((finding) => !seen.has(formatPath(finding.path)));
  const problems = [...context.problems, ...[...schemaFindings, ...semantic].map(toProblem)];
  if (problems.length > 0) throw new ScenarioError(sortProblems(problems, context.files));

  const spec = Scenario.parse(tracked.value);
  return { file, spec, files: context.files, locate: (path) => locateAt(path) };
}

// ---------------------------------------------------------------------------------------------------
// Reading files and resolving `extends`, remembering where each value was written

interface LoadContext {
  readFile: (file: string) => string;
  problems: Problem[];
  files: string[];
}

/** Where a value was written: a file's document and the path in it; children by key or index. */
interface Origin {
  source: SourceFile;
  path: (string | number)[];
  children: Map<string, Origin>;
}

interface Tracked {
  value: unknown;
  origin: Origin;
}

/** The file that names a base file, and where: a missing or cyclic base is reported there. */
interface Referrer {
  source: SourceFile;
  path: (string | number)[];
}

interface StackEntry {
  absolute: string;
  file: string;
}

function loadTracked(file: string, stack: StackEntry[], context: LoadContext, referrer: Referrer | undefined): Tracked | undefined {
  const report = (message: string): undefined => {
    if (referrer) {
      const position = locate(referrer.source.document, referrer.source.lineCounter, referrer.path);
      context.problems.push({ file: referrer.source.file, ...position, path: formatPath(referrer.path), message });
    } else {
      context.problems.push({ file, line: 1, column: 1, path: '(root)', message });
    }
    return undefined;
  };
  let text: string;
  try {
    text = context.readFile(file);
  } catch (error) {
    return report(readFailure(error, referrer ? file : undefined));
  }
  if (!context.files.includes(file)) context.files.push(file);
  const source = parseSource(file, text);
  context.problems.push(...source.problems);
  if (source.document.errors.length > 0) return undefined;
  const value: unknown = source.document.toJS({ maxAliasCount: 1000 });
  if (!isPlainObject(value)) {
    const position = locate(source.document, source.lineCounter, []);
    const message =
      value === null || value === undefined
        ? 'the file is empty; a scenario is a map of fields (name, start, end, chips, suppliers, providers, labs, ...)'
        : `a scenario is a map of fields (name, start, end, chips, ...), not ${describeValue(value)}`;
    context.problems.push({ file, ...position, path: '(root)', message });
    return undefined;
  }
  const own: Tracked = { value, origin: originOf(value, source, []) };
  if (!('extends' in value)) return own;

  const bases = value.extends;
  delete value.extends;
  own.origin.children.delete('extends');
  const references: { file: string; path: (string | number)[] }[] = [];
  if (typeof bases === 'string') references.push({ file: bases, path: ['extends'] });
  else if (Array.isArray(bases) && bases.every((entry) => typeof entry === 'string')) {
    bases.forEach((entry: string, index) => references.push({ file: entry, path: ['extends', index] }));
  } else {
    const position = locate(source.document, source.lineCounter, ['extends']);
    context.problems.push({ file, ...position, path: 'extends', message: `expected a file path or a list of file paths, got ${describeValue(bases)}` });
    return undefined;
  }

  const here: StackEntry = { absolute: resolve(file), file };
  let merged: Tracked | undefined;
  let failed = false;
  for (const reference of references) {
    const target = isAbsolute(reference.file) ? reference.file : join(dirname(file), reference.file);
    const chain = [...stack, here];
    const cycleStart = chain.findIndex((entry) => entry.absolute === resolve(target));
    const referrerHere: Referrer = { source, path: reference.path };
    if (cycleStart >= 0) {
      const cycle = [...chain.slice(cycleStart).map((entry) => entry.file), target].join(' -> ');
      const position = locate(source.document, source.lineCounter, reference.path);
      context.problems.push({ file, ...position, path: formatPath(reference.path), message: `extends cycle: ${cycle}` });
      failed = true;
      continue;
    }
    const base = loadTracked(target, chain, context, referrerHere);
    if (!base) {
      failed = true;
      continue;
    }
    merged = merged ? merge(merged, base) : base;
  }
  if (failed || !merged) return undefined;
  return merge(merged, own);
}

function readFailure(error: unknown, base: string | undefined): string {
  const code = (error as { code?: unknown } | null)?.code;
  const what = base === undefined ? '' : ` '${base}'`;
  if (code === 'ENOENT') return base === undefined ? 'no such file' : `cannot extend${what}: no such file`;
  if (code === 'EISDIR') return base === undefined ? 'is a directory, not a scenario file' : `cannot extend${what}: it is a directory`;
  if (code === 'EACCES' || code === 'EPERM') return base === undefined ? 'permission denied' : `cannot extend${what}: permission denied`;
  const reason = error instanceof Error ? error.message : String(error);
  return base === undefined ? `cannot read the file: ${reason}` : `cannot extend${what}: ${reason}`;
}

function originOf(value: unknown, source: SourceFile, path: (string | number)[]): Origin {
  const children = new Map<string, Origin>();
  if (Array.isArray(value)) value.forEach((item, index) => children.set(String(index), originOf(item, source, [...path, index])));
  else if (isPlainObject(value)) for (const [key, item] of Object.entries(value)) children.set(key, originOf(item, source, [...path, key]));
  return { source, path, children };
}

/**
 * `over` applied on top of `base`: maps merge deeply, lists of actors (objects with an `id`) merge by id,
 * other lists and values are replaced, and a `null` removes the field.
 */
function merge(base: Tracked, over: Tracked): Tracked {
  if (isPlainObject(base.value) && isPlainObject(over.value)) {
    const value: Record<string, unknown> = { ...base.value };
    const origin: Origin = { ...over.origin, children: new Map(base.origin.children) };
    for (const [key, item] of Object.entries(over.value)) {
      const itemOrigin = over.origin.children.get(key)!;
      if (item === null) {
        delete value[key];
        origin.children.delete(key);
      } else if (Object.hasOwn(value, key)) {
        const merged = merge({ value: value[key], origin: base.origin.children.get(key)! }, { value: item, origin: itemOrigin });
        value[key] = merged.value;
        origin.children.set(key, merged.origin);
      } else {
        value[key] = item;
        origin.children.set(key, itemOrigin);
      }
    }
    return { value, origin };
  }
  if (isActorList(base.value) && isActorList(over.value)) {
    const value = [...base.value];
    const origin: Origin = { ...over.origin, children: new Map(base.origin.children) };
    over.value.forEach((item, index) => {
      const itemOrigin = over.origin.children.get(String(index))!;
      const at = value.findIndex((existing) => existing.id === item.id);
      if (at < 0) {
        origin.children.set(String(value.length), itemOrigin);
        value.push(item);
      } else {
        const merged = merge({ value: value[at], origin: base.origin.children.get(String(at))! }, { value: item, origin: itemOrigin });
        value[at] = merged.value as Record<string, unknown> & { id: string };
        origin.children.set(String(at), merged.origin);
      }
    });
    return { value, origin };
  }
  return over;
}

function isActorList(value: unknown): value is (Record<string, unknown> & { id: string })[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isPlainObject(item) && typeof item.id === 'string');
}

/** The position of the value at `path`, in the file where it was written. */
function locateOrigin(root: Origin, path: Path, key = false): { file: string; line: number; column: number } {
  let origin = root;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const child = origin.children.get(String(path[depth]));
    if (!child) break;
    origin = child;
  }
  const { source } = origin;
  const position = locate(source.document, source.lineCounter, [...origin.path, ...path.slice(depth)], { key: key && depth === path.length });
  return { file: source.file, ...position };
}

/** The position of column `column` of a formula written on one line as a plain or quoted scalar. */
function formulaPosition(root: Origin, path: Path, column: number): { file: string; line: number; column: number } | undefined {
  let origin: Origin | undefined = root;
  for (const segment of path) origin = origin?.children.get(String(segment));
  if (!origin) return undefined;
  const node = nodeAt(origin.source.document, origin.path);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start, end] = node.range;
  const written = origin.source.text.slice(start, end);
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  if (node.type !== 'PLAIN' && quote === 0) return undefined;
  // Only when the text is exactly the value (one line, no escapes) do columns in the value map onto the file.
  if (written.slice(quote, written.length - quote) !== node.value) return undefined;
  const { line, col } = origin.source.lineCounter.linePos(start + quote + column - 1);
  return { file: origin.source.file, line, column: col };
}

// ---------------------------------------------------------------------------------------------------
// Schema issues, explained

/** A problem before it is located: the path it concerns. */
interface Finding {
  path: Path;
  message: string;
  /** Point at the map key of `path` (an unknown or invalid key) rather than its value. */
  key?: boolean;
  /** 1-based column within the formula at `path`. */
  formulaColumn?: number;
  /** For an unknown key: the field it is probably a misspelling of. */
  suggested?: string;
  /** A required field that is missing. */
  missing?: boolean;
}

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

function def(schema: Schema): Record<string, any> {
  return schema._zod.def as unknown as Record<string, any>;
}

/** The schema inside optional, default and similar wrappers. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const d = def(current);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional', 'success'].includes(d.type)) current = d.innerType;
    else if (d.type === 'pipe') current = d.in;
    else if (d.type === 'lazy') current = d.getter();
    else return current;
  }
  return current;
}

/** The schema of `segment` inside `schema` (an object field, an array item, a record value), if known. */
function childSchema(schema: Schema, segment: string | number): Schema | undefined {
  const d = def(unwrap(schema));
  if (d.type === 'object') return (d.shape as Record<string, Schema>)[String(segment)] ?? undefined;
  if (d.type === 'array') return d.element;
  if (d.type === 'record') return d.valueType;
  return undefined;
}

function objectKeys(schema: Schema): string[] {
  const d = def(unwrap(schema));
  return d.type === 'object' ? Object.keys(d.shape as object) : [];
}

function unionOptions(schema: Schema): Schema[] {
  const d = def(unwrap(schema));
  return d.type === 'union' ? (d.options as Schema[]) : [];
}

function metaOf(schema: Schema): Record<string, unknown> | undefined {
  return (schema as unknown as { meta?: () => Record<string, unknown> | undefined }).meta?.();
}

/** The variables of a formula field, if `schema` is one. */
function formulaVariables(schema: Schema): string[] | undefined {
  for (const candidate of [schema, unwrap(schema)]) {
    const variables = metaOf(candidate)?.variables;
    if (Array.isArray(variables) && def(unwrap(candidate)).type === 'string') return variables as string[];
  }
  return undefined;
}

function isCustomPolicyName(schema: Schema): boolean {
  const d = def(unwrap(schema));
  if (d.type !== 'string') return false;
  const checks = (d.checks ?? []) as Schema[];
  return checks.some((check) => {
    const pattern = def(check).pattern;
    return pattern instanceof RegExp && pattern.source.startsWith('^custom:');
  });
}

function isDistribution(schema: Schema): boolean {
  return unwrap(schema) === (DistributionSpec as unknown as Schema) || schema === (DistributionSpec as unknown as Schema);
}

const DISTRIBUTION_KINDS = ['lognormal', 'normal', 'uniform', 'triangular', 'pert'];

/** The values a choice field accepts (enum values, literals, `custom:NAME`), or undefined if it is not a choice. */
function choices(schema: Schema): string[] | undefined {
  const inner = unwrap(schema);
  const d = def(inner);
  if (d.type === 'enum') return Object.values(d.entries as Record<string, string>).map(String);
  if (d.type === 'literal') return (d.values as unknown[]).map(String);
  if (isCustomPolicyName(inner)) return ['custom:NAME'];
  if (d.type === 'union') {
    const all: string[] = [];
    for (const option of d.options as Schema[]) {
      const some = choices(option);
      if (!some) return undefined;
      all.push(...some);
    }
    return all;
  }
  return undefined;
}

/** What a schema expects, in words: `a number`, `a number or a distribution`, `a date (YYYY-MM-DD)`. */
function describeExpected(schema: Schema): string {
  if (isDistribution(schema)) return 'a distribution such as { lognormal: { median, sigma } }';
  const inner = unwrap(schema);
  const d = def(inner);
  switch (d.type) {
    case 'number':
    case 'int':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'string':
      if (formulaVariables(schema) ?? formulaVariables(inner)) return 'a formula';
      if (isCustomPolicyName(inner)) return "a registered policy 'custom:NAME'";
      if (d.format === 'date') return 'a date (YYYY-MM-DD)';
      return 'a string';
    case 'enum':
    case 'literal':
      return `one of: ${choices(inner)!.join(', ')}`;
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a map';
    case 'union': {
      const options = choices(inner);
      if (options) return `one of: ${options.join(', ')}`;
      const words = [...new Set((d.options as Schema[]).map(describeExpected))];
      return words.length <= 1 ? (words[0] ?? 'a value') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
    }
    default:
      return `a ${d.type}`;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a map';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): boolean {
  return value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'function');
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current)) current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    else return undefined;
  }
  return current;
}

function issuePath(issue: Issue): (string | number)[] {
  return issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

/** Every problem of `value` against `schema`, explained and pointed at, at `at` in the scenario. */
function explain(schema: Schema, value: unknown, at: Path): Finding[] {
  const result = (schema as unknown as z.ZodType).safeParse(value);
  if (result.success) return [];
  const findings = explainIssues(schema, value, at, result.error.issues as Issue[]);
  // A misspelt field is one mistake: "did you mean 'powerMw'?" says it, "missing required field 'powerMw'" need not.
  const suggested = new Set(findings.flatMap((finding) => (finding.suggested ? [formatPath([...finding.path.slice(0, -1), finding.suggested])] : [])));
  return findings.filter((finding) => !(finding.missing && suggested.has(formatPath(finding.path))));
}

function explainIssues(schema: Schema, value: unknown, at: Path, issues: readonly Issue[]): Finding[] {
  const findings: Finding[] = [];
  const unionsExplained = new Set<string>();
  for (const issue of issues) {
    const path = issuePath(issue);
    const here = valueAt(value, path);
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && here === undefined && path.length > 0) {
      findings.push({ path: [...at, ...path], message: `missing required field '${path[path.length - 1]}'`, missing: true });
      continue;
    }
    // Walk the schema along the issue's path; a union on the way is explained as a whole, by its best branch,
    // because zod either reports all branches or passes one branch's issues through as if there were no union.
    let current: Schema | undefined = schema;
    let depth = 0;
    for (; current !== undefined; depth++) {
      if (def(unwrap(current)).type === 'union') break;
      if (depth === path.length) break;
      current = childSchema(current, path[depth]!);
    }
    if (current !== undefined && def(unwrap(current)).type === 'union') {
      const prefix = path.slice(0, depth);
      const key = JSON.stringify(prefix);
      if (!unionsExplained.has(key)) {
        unionsExplained.add(key);
        findings.push(...explainUnion(current, valueAt(value, prefix), [...at, ...prefix]));
      }
      continue;
    }
    findings.push(...describeIssue(issue, current, here, [...at, ...path]));
  }
  return findings;
}

interface BranchResult {
  schema: Schema;
  issues: Issue[];
}

function explainUnion(union: Schema, value: unknown, path: Path): Finding[] {
  const options = unionOptions(union);
  const results: BranchResult[] = options.map((schema) => {
    const result = (schema as unknown as z.ZodType).safeParse(value);
    return { schema, issues: result.success ? [] : (result.error.issues as Issue[]) };
  });
  if (results.some((result) => result.issues.length === 0)) return [];
  const here = path[path.length - 1];
  const name = fieldName(path);

  if (value === undefined && typeof here === 'string') return [{ path, message: `missing required field '${here}'`, missing: true }];
  const typeMatches = results.filter((result) => !rejectsType(result.issues));
  if (typeMatches.length === 0) return [{ path, message: `expected ${describeExpected(union)}, got ${describeValue(value)}` }];
  if (isPrimitive(value)) {
    const allChoices = choices(union);
    if (allChoices && typeof value !== 'string') return [{ path, message: `expected one of: ${allChoices.join(', ')}, got ${describeValue(value)}` }];
    if (typeof value === 'string' && allChoices && !(value.startsWith('custom:') && allChoices.includes('custom:NAME'))) {
      return [{ path, message: unknownChoice(name, value, allChoices) }];
    }
    const custom = typeMatches.find((result) => isCustomPolicyName(result.schema));
    const best = typeof value === 'string' && value.startsWith('custom:') && custom ? custom : typeMatches[0]!;
    return explainIssues(best.schema, value, path, best.issues);
  }

  if (isPlainObject(value) && isDistribution(union)) {
    const kinds = Object.keys(value);
    if (kinds.length !== 1) {
      return [{ path, message: `a distribution is written { kind: { parameters } } with exactly one kind: ${DISTRIBUTION_KINDS.join(', ')}` }];
    }
    if (!DISTRIBUTION_KINDS.includes(kinds[0]!)) {
      return [{ path: [...path, kinds[0]!], key: true, message: `unknown distribution '${kinds[0]}'; expected one of: ${DISTRIBUTION_KINDS.join(', ')}${suggestion(kinds[0]!, DISTRIBUTION_KINDS)}` }];
    }
  }

  const objectOptions = options.filter((option) => def(unwrap(option)).type === 'object');
  // Options of one field each (a shock's target and arrival): exactly one of those fields must be written.
  const singleFields = objectOptions.length === options.length ? objectOptions.map(objectKeys) : [];
  if (isPlainObject(value) && singleFields.length > 0 && singleFields.every((keys) => keys.length === 1) && Object.keys(value).length !== 1) {
    return [{ path, message: `expected exactly one of the fields: ${singleFields.flat().join(', ')}` }];
  }
  if (isPlainObject(value) && objectOptions.length === options.length) {
    const allKeys = [...new Set(objectOptions.flatMap(objectKeys))];
    const unknown = Object.keys(value).filter((key) => !allKeys.includes(key));
    if (unknown.length > 0) return unknown.map((key) => unknownKey(key, path, allKeys));
    // A field every branch rejects (a `policy` no branch has): report it with every branch's choices.
    for (const [key, item] of Object.entries(value)) {
      if (!isPrimitive(item)) continue;
      const rejectedEverywhere = results.every((result) =>
        result.issues.some((issue) => issue.path.length === 1 && issue.path[0] === key && ['invalid_value', 'invalid_format'].includes(issue.code)),
      );
      const keyChoices = objectOptions.flatMap((option) => {
        const child = childSchema(option, key);
        return child ? (choices(child) ?? []) : [];
      });
      if (rejectedEverywhere && keyChoices.length > 0 && !(typeof item === 'string' && item.startsWith('custom:'))) {
        return [{ path: [...path, key], message: unknownChoice(key, item, keyChoices) }];
      }
    }
  }

  const best = results
    .map((result, index) => ({ result, index, score: branchScore(result.issues, value) }))
    .sort((a, b) => compareScores(a.score, b.score) || a.index - b.index)[0]!.result;
  return explainIssues(best.schema, value, path, best.issues);
}

/** Whether these issues say only that the value has the wrong type (for a union: for every branch). */
function rejectsType(issues: readonly Issue[]): boolean {
  return (
    issues.length > 0 &&
    issues.every(
      (issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || (issue.code === 'invalid_union' && issue.errors.every((errors) => rejectsType(errors as Issue[])))),
    )
  );
}

/** Lower is better: a branch that rejects the value's type, or its discriminating fields, or has unknown keys, fits worst. */
function branchScore(issues: readonly Issue[], value: unknown): number[] {
  const rootType = rejectsType(issues) ? 1 : 0;
  const rejectedFields = issues.filter(
    (issue) =>
      issue.path.length === 1 &&
      (issue.code === 'invalid_value' || issue.code === 'invalid_format') &&
      valueAt(value, issuePath(issue)) !== undefined &&
      isPrimitive(valueAt(value, issuePath(issue))),
  ).length;
  const unknownKeys = issues.reduce((count, issue) => count + (issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys.length : 0), 0);
  const depth = Math.max(0, ...issues.map((issue) => issue.path.length));
  return [rootType, rejectedFields, unknownKeys, -depth, issues.length];
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The name of the field a path ends in (for a list item, the list's name). */
function fieldName(path: Path): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return 'value';
}

function unknownChoice(name: string, value: unknown, options: readonly string[]): string {
  const guess = typeof value === 'string' ? suggestion(value, options) : '';
  return `unknown ${name} ${describeValue(value)}; expected one of: ${[...new Set(options)].join(', ')}${guess}`;
}

function unknownKey(key: string, path: Path, validKeys: readonly string[]): Finding {
  return { path: [...path, key], key: true, message: notAField(key, formatPath(path), validKeys), suggested: closest(key, validKeys) };
}

/** `'capcity' is not a field of providers[0]; did you mean 'capacity'?`, or the list of fields when nothing is close. */
function notAField(key: string, where: string, validKeys: readonly string[]): string {
  const guess = suggestion(key, validKeys);
  const hint = guess !== '' ? guess : validKeys.length > 0 ? ` (fields: ${validKeys.join(', ')})` : '';
  return `'${key}' is not a field of ${where}${hint}`;
}

/** `; did you mean 'x'?` for the closest candidate within a few edits, or nothing. */
function suggestion(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : `; did you mean '${best}'?`;
}

/** The candidate closest to `word` (case ignored) within a few edits, if any. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function withValue(message: string, value: unknown): string {
  if (!isPrimitive(value)) return message;
  return /^expected\b/.test(message) ? `${message}, got ${describeValue(value)}` : `${message} (got ${describeValue(value)})`;
}

function describeIssue(issue: Issue, schema: Schema | undefined, value: unknown, path: Path): Finding[] {
  switch (issue.code) {
    case 'invalid_type': {
      if (typeof value === 'number' && !Number.isFinite(value)) return [{ path, message: `expected a finite number, got ${value}` }];
      const expected = schema ? describeExpected(schema) : `a ${issue.expected}`;
      return [{ path, message: `expected ${expected}, got ${describeValue(value)}` }];
    }
    case 'unrecognized_keys': {
      const valid = schema ? objectKeys(schema) : [];
      return issue.keys.map((key) => unknownKey(key, path, valid));
    }
    case 'invalid_value':
      return [{ path, message: unknownChoice(fieldName(path), value, issue.values.map(String)) }];
    case 'invalid_key': {
      const key = path[path.length - 1];
      const reasons = issue.issues.map((inner) => inner.message).join('; ');
      return [{ path, key: true, message: `invalid key '${String(key)}': ${reasons}` }];
    }
    case 'too_small':
    case 'too_big': {
      const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const bound = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array') {
        const count = Array.isArray(value) ? value.length : 0;
        return [{ path, message: `expected ${bound} ${limit} item${limit === 1 ? '' : 's'}, got ${count}` }];
      }
      if (issue.origin === 'string') {
        if (issue.code === 'too_small' && limit === 1) {
          const what = schema && formulaVariables(schema) ? 'a formula' : 'a non-empty string';
          return [{ path, message: `expected ${what}, got an empty string` }];
        }
        return [{ path, message: `expected ${bound} ${limit} characters, got ${describeValue(value)}` }];
      }
      return [{ path, message: withValue(issue.message, value) }];
    }
    case 'invalid_format':
    case 'custom':
    case 'not_multiple_of':
      return [{ path, message: withValue(issue.message, value) }];
    default:
      return [{ path, message: withValue(issue.message, value) }];
  }
}

// ---------------------------------------------------------------------------------------------------
// What the schema cannot check

type Data = Record<string, unknown>;

const ACTOR_KINDS = ['chips', 'suppliers', 'providers', 'labs', 'shocks'] as const;
type ActorKind = (typeof ACTOR_KINDS)[number];
const SINGULAR: Record<ActorKind, string> = { chips: 'chip', suppliers: 'supplier', providers: 'provider', labs: 'lab', shocks: 'shock' };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date YYYY-MM-DD (comparable as a string), or undefined. */
function dateOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !DATE.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function field(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** Problems the schema cannot see. Works on unvalidated data (skipping what is malformed); `valid` enables the timeline's re-validation. */
function checkSemantics(data: Data, valid: boolean): Finding[] {
  const findings: Finding[] = [];
  const ids = {} as Record<ActorKind, string[]>;
  for (const kind of ACTOR_KINDS) {
    ids[kind] = [];
    const firstAt = new Map<string, number>();
    list(data[kind]).forEach((actor, index) => {
      const id = field(actor, 'id');
      if (typeof id !== 'string') return;
      const first = firstAt.get(id);
      if (first !== undefined) {
        findings.push({ path: [kind, index, 'id'], message: `duplicate ${SINGULAR[kind]} id '${id}'; ${kind}[${first}] has it already` });
      } else {
        firstAt.set(id, index);
        ids[kind].push(id);
      }
    });
  }
  const reference = (kind: ActorKind, value: unknown, path: Path, options: { key?: boolean; among?: string[] } = {}): void => {
    if (typeof value !== 'string') return;
    const valid = options.among ?? ids[kind];
    if (valid.includes(value)) return;
    const expected = valid.length > 0 ? `expected one of: ${valid.join(', ')}` : `no ${kind} are defined`;
    findings.push({ path, key: options.key, message: `unknown ${SINGULAR[kind]} '${value}'; ${expected}` });
  };

  const start = dateOf(data.start);
  const end = dateOf(data.end);
  if (start && end && end <= start) findings.push({ path: ['end'], message: `end (${end}) must be after start (${start})` });
  const inScenario = (value: unknown, path: Path): void => {
    const date = dateOf(value);
    if (!date) return;
    if (start && date < start) findings.push({ path, message: `${date} is before the scenario's start (${start})` });
    else if (end && date > end) findings.push({ path, message: `${date} is after the scenario's end (${end})` });
  };

  list(data.suppliers).forEach((supplier, s) => {
    list(field(supplier, 'products')).forEach((product, p) => {
      reference('chips', field(product, 'chip'), ['suppliers', s, 'products', p, 'chip']);
      const from = dateOf(field(product, 'from'));
      const until = dateOf(field(product, 'until'));
      if (from && until && until < from) findings.push({ path: ['suppliers', s, 'products', p, 'until'], message: `until (${until}) is before from (${from})` });
    });
    list(field(supplier, 'priority')).forEach((provider, p) => reference('providers', provider, ['suppliers', s, 'priority', p]));
  });

  list(data.providers).forEach((provider, p) => {
    const fleet = field(provider, 'fleet');
    if (isPlainObject(fleet)) for (const chip of Object.keys(fleet)) reference('chips', chip, ['providers', p, 'fleet', chip], { key: true });
    list(field(provider, 'suppliers')).forEach((supplier, s) => reference('suppliers', supplier, ['providers', p, 'suppliers', s]));
  });

  list(data.labs).forEach((lab, l) => {
    const procurement = field(lab, 'procurement');
    const at = ['labs', l, 'procurement'];
    const providers = list(field(procurement, 'providers'));
    providers.forEach((provider, p) => reference('providers', provider, [...at, 'providers', p]));
    const named = providers.filter((provider): provider is string => typeof provider === 'string');
    const incumbent = field(procurement, 'incumbent');
    if (typeof incumbent === 'string') {
      if (!ids.providers.includes(incumbent)) reference('providers', incumbent, [...at, 'incumbent']);
      else if (!named.includes(incumbent)) {
        findings.push({ path: [...at, 'incumbent'], message: `incumbent '${incumbent}' is not one of this lab's providers: ${named.join(', ')}` });
      }
    }
    const strategy = field(procurement, 'strategy');
    if ((strategy === 'exclusive' || strategy === 'rightOfFirstRefusal') && incumbent === undefined) {
      findings.push({
        path: [...at, 'strategy'],
        message: `strategy '${strategy}' needs an incumbent: set procurement.incumbent to one of this lab's providers (${named.join(', ')})`,
      });
    }
  });

  list(data.contracts).forEach((contract, c) => {
    reference('labs', field(contract, 'lab'), ['contracts', c, 'lab']);
    reference('providers', field(contract, 'provider'), ['contracts', c, 'provider']);
    const from = dateOf(field(contract, 'start'));
    const until = dateOf(field(contract, 'end'));
    if (from && until && until <= from) findings.push({ path: ['contracts', c, 'end'], message: `end (${until}) must be after start (${from})` });
  });

  list(data.shocks).forEach((shock, s) => {
    const target = field(shock, 'target');
    for (const kind of ['supplier', 'provider', 'lab'] as const) {
      reference(`${kind}s`, field(target, kind), ['shocks', s, 'target', kind]);
    }
    inScenario(field(field(shock, 'arrival'), 'date'), ['shocks', s, 'arrival', 'date']);
  });

  findings.push(...formulaFindings(Scenario as unknown as Schema, data, []));
  findings.push(...checkTimeline(data, valid, inScenario));
  return findings;
}

/** Every formula in `value` that does not compile, located at its string (and the column in it when known). */
function formulaFindings(schema: Schema, value: unknown, path: Path): Finding[] {
  const findings: Finding[] = [];
  const visit = (current: Schema, item: unknown, at: Path): void => {
    if (item === undefined || item === null) return;
    const variables = formulaVariables(current);
    if (variables) {
      if (typeof item === 'string') {
        try {
          compileExpression(item, variables);
        } catch (error) {
          if (!(error instanceof ExpressionError)) throw error;
          findings.push({ path: at, message: error.message, formulaColumn: error.column });
        }
      }
      return;
    }
    const d = def(unwrap(current));
    if (d.type === 'object' && isPlainObject(item)) {
      for (const [key, child] of Object.entries(d.shape as Record<string, Schema>)) if (Object.hasOwn(item, key)) visit(child, item[key], [...at, key]);
    } else if (d.type === 'array' && Array.isArray(item)) {
      item.forEach((child, index) => visit(d.element, child, [...at, index]));
    } else if (d.type === 'record' && isPlainObject(item)) {
      for (const [key, child] of Object.entries(item)) visit(d.valueType, child, [...at, key]);
    } else if (d.type === 'union') {
      const options = d.options as Schema[];
      if (typeof item === 'string') {
        const formula = options.find((option) => formulaVariables(option));
        if (formula) visit(formula, item, at);
      } else if (isPlainObject(item)) {
        // The object branch that has every field written (pricing: only `formula` has `expression`).
        const branch = options.find((option) => {
          const keys = objectKeys(option);
          return keys.length > 0 && Object.keys(item).every((key) => keys.includes(key));
        });
        if (branch) visit(branch, item, at);
      }
    }
  };
  visit(schema, value, path);
  return findings;
}

/** A `set` path of the timeline (`labs.openai.procurement.strategy`), resolved to a path into the scenario. */
export type ResolvedSetPath = { path: (string | number)[] } | { error: string };

/**
 * Resolves a timeline `set` path, written with actor ids (`labs.openai.procurement.strategy`), to the
 * path of that field in the scenario (`['labs', 0, 'procurement', 'strategy']`), checking that the
 * actor kind, the id and each field name exist.
 */
export function resolveSetPath(scenario: unknown, text: string): ResolvedSetPath {
  const segments = text.split('.');
  const [kind, id, ...fields] = segments;
  if (kind === undefined || !(ACTOR_KINDS as readonly string[]).includes(kind)) {
    return { error: `unknown actor kind '${kind ?? ''}' in '${text}'; expected one of: ${ACTOR_KINDS.join(', ')}${suggestion(kind ?? '', ACTOR_KINDS)}` };
  }
  const actorKind = kind as ActorKind;
  const example = `${actorKind}.ID.FIELD`;
  if (id === undefined || id === '') return { error: `a path names an actor's field, as in ${example}` };
  const actors = list(field(scenario, actorKind));
  const index = actors.findIndex((actor) => field(actor, 'id') === id);
  if (index < 0) {
    const known = actors.map((actor) => field(actor, 'id')).filter((name): name is string => typeof name === 'string');
    return { error: `unknown ${SINGULAR[actorKind]} '${id}'; expected one of: ${known.join(', ')}` };
  }
  if (fields.length === 0) return { error: `a path names an actor's field, as in ${example}; '${text}' names the whole ${SINGULAR[actorKind]}` };
  if (fields[0] === 'id') return { error: `an actor's id cannot change` };
  const path: (string | number)[] = [actorKind, index];
  let schema: Schema | undefined = childSchema(Scenario as unknown as Schema, actorKind);
  schema = schema && childSchema(schema, 0);
  for (const name of fields) {
    if (schema === undefined) return { error: `'${formatPath(path)}' has no fields` };
    const inner = unwrap(schema);
    const d = def(inner);
    const here = `${text.split('.').slice(0, path.length).join('.')}`;
    if (d.type === 'object') {
      const keys = objectKeys(inner);
      if (!keys.includes(name)) return { error: notAField(name, here, keys) };
      schema = childSchema(inner, name);
      path.push(name);
    } else if (d.type === 'record') {
      schema = d.valueType;
      path.push(name);
    } else if (d.type === 'array') {
      if (!/^\d+$/.test(name)) return { error: `${here} is a list: expected an item number, got '${name}'` };
      schema = d.element;
      path.push(Number(name));
    } else if (d.type === 'union') {
      const branches = (d.options as Schema[]).filter((option) => objectKeys(option).includes(name));
      if (branches.length === 0) {
        const keys = [...new Set((d.options as Schema[]).flatMap(objectKeys))];
        return { error: keys.length > 0 ? notAField(name, here, keys) : `${here} has no fields` };
      }
      schema = childSchema(branches[0]!, name);
      path.push(name);
    } else {
      return { error: `${here} has no fields` };
    }
  }
  if (!isChangeable(text)) {
    const fields = changeableFieldsOf(actorKind);
    return {
      error: `'${text}' cannot change during a run; ${fields.length > 0 ? `the timeline can change ${actorKind}.${id}.{${fields.join(', ')}}` : `nothing of ${actorKind} can change`}`,
    };
  }
  return { path };
}

function setAt(target: unknown, path: Path, value: unknown): void {
  let current = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const container = current as Record<string | number, unknown>;
    if (container[segment] === undefined || container[segment] === null || typeof container[segment] !== 'object') container[segment] = {};
    current = container[segment];
  }
  const last = path[path.length - 1]!;
  if (value === null) delete (current as Record<string | number, unknown>)[last];
  else (current as Record<string | number, unknown>)[last] = structuredClone(value);
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => String(segment) === String(path[index]));
}

/** The timeline's dates and paths; with a valid scenario, each change applied in date order and the result re-validated. */
function checkTimeline(data: Data, valid: boolean, inScenario: (value: unknown, path: Path) => void): Finding[] {
  const findings: Finding[] = [];
  const entries = list(data.timeline).map((entry, index) => {
    inScenario(field(entry, 'date'), ['timeline', index, 'date']);
    const sets: { key: string; path: (string | number)[]; value: unknown }[] = [];
    const set = field(entry, 'set');
    if (isPlainObject(set)) {
      for (const [key, value] of Object.entries(set)) {
        const resolved = resolveSetPath(data, key);
        if ('error' in resolved) findings.push({ path: ['timeline', index, 'set', key], key: true, message: resolved.error });
        else sets.push({ key, path: resolved.path, value });
      }
    }
    return { index, date: dateOf(field(entry, 'date')), sets };
  });
  if (!valid) return findings;

  // Changes accumulate: each entry is checked on the scenario as every earlier change left it.
  const working = structuredClone(data);
  const keyOf = (finding: Finding): string => `${formatPath(finding.path)}: ${finding.message}`;
  // Formula problems of the scenario itself are reported where they are written, not again at each entry.
  const known = new Set(formulaFindings(Scenario as unknown as Schema, data, []).map(keyOf));
  const ordered = entries.filter((entry) => entry.date !== undefined).sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : a.index - b.index));
  for (const entry of ordered) {
    if (entry.sets.length === 0) continue;
    for (const change of entry.sets) setAt(working, change.path, change.value);
    const after = [...explain(Scenario as unknown as Schema, working, []), ...formulaFindings(Scenario as unknown as Schema, working, [])];
    for (const finding of after) {
      const key = keyOf(finding);
      if (known.has(key)) continue;
      known.add(key);
      const change =
        entry.sets.find((candidate) => startsWith(finding.path, candidate.path)) ??
        entry.sets.find((candidate) => startsWith(candidate.path, finding.path)) ??
        entry.sets[0]!;
      const at = ['timeline', entry.index, 'set', change.key];
      const exact = formatPath(finding.path) === formatPath(change.path);
      const where = exact ? '' : `${idPath(working, finding.path)}: `;
      findings.push({ path: at, formulaColumn: exact ? finding.formulaColumn : undefined, message: `${where}${finding.message}` });
    }
  }
  return findings;
}

/** A scenario path written with actor ids, as the timeline writes it: `labs.openai.procurement.strategy`. */
function idPath(data: unknown, path: Path): string {
  const [kind, index, ...rest] = path;
  const id = typeof kind === 'string' && typeof index === 'number' ? field(list(field(data, kind))[index], 'id') : undefined;
  if (typeof id !== 'string') return formatPath(path);
  return [kind, id, ...rest].join('.');
}
