import type { z } from 'zod';
import { describeValue, isPlainObject, isPrimitive, valueAt } from './data.js';
import { formatPath, pushAll } from './problems.js';
import type { Finding, Path } from './problems.js';
import { childSchema, choices, def, formulaVariables, isCustomPolicyName, isDistribution, objectKeys, unionOptions, unwrap } from './schema-walk.js';
import type { Schema } from './schema-walk.js';
import { DISTRIBUTION_KINDS } from './schema.js';
import { closest, notAField, suggestion } from './suggest.js';

/**
 * Schema issues, explained: zod's issues become findings that say what the place expects and what was
 * written, name the field a misspelt key probably meant, and explain a union by the branch the value was
 * most likely meant for.
 */

type Issue = z.core.$ZodIssue;

/** Every problem of `value` against `schema`, explained and pointed at; `at` is where `value` sits in the scenario. */
export function explain(schema: Schema, value: unknown, at: Path = []): Finding[] {
  return explainParse(schema, value, at).findings;
}

/** `explain`, with the value as the schema parses it (defaults filled in) when it has no problem: checked data need not be parsed again. */
export function explainParse(schema: Schema, value: unknown, at: Path = []): { findings: Finding[]; parsed?: unknown } {
  const result = (schema as unknown as z.ZodType).safeParse(value);
  if (result.success) return { findings: [], parsed: result.data };
  const findings = explainIssues(schema, value, at, result.error.issues as Issue[]);
  // A misspelt field is one mistake: "did you mean 'powerMw'?" says it, "missing required field 'powerMw'" need not.
  const suggested = new Set(findings.flatMap((finding) => (finding.suggested ? [formatPath([...finding.path.slice(0, -1), finding.suggested])] : [])));
  return { findings: findings.filter((finding) => !(finding.missing && suggested.has(formatPath(finding.path)))) };
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
        pushAll(findings, explainUnion(current, valueAt(value, prefix), [...at, ...prefix]));
      }
      continue;
    }
    pushAll(findings, describeIssue(issue, current, here, [...at, ...path]));
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------
// Unions: which branch was meant

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
    if (!(DISTRIBUTION_KINDS as readonly string[]).includes(kinds[0]!)) {
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
    const rejectedEverywhere = (key: string, codes: readonly string[]): boolean =>
      results.every((result) => result.issues.some((issue) => issue.path.length === 1 && issue.path[0] === key && codes.includes(issue.code)));
    const choicesOf = (key: string): string[] =>
      objectOptions.flatMap((option) => {
        const child = childSchema(option, key);
        return child ? (choices(child) ?? []) : [];
      });
    // A field every branch rejects (a `policy` no branch has): report it with every branch's choices.
    for (const [key, item] of Object.entries(value)) {
      if (!isPrimitive(item)) continue;
      const keyChoices = choicesOf(key);
      if (rejectedEverywhere(key, ['invalid_value', 'invalid_format']) && keyChoices.length > 0 && !(typeof item === 'string' && item.startsWith('custom:'))) {
        return [{ path: [...path, key], message: unknownChoice(key, item, keyChoices) }];
      }
    }
    // A field that chooses the branch, missing (a pricing without `policy`): said missing, with every branch's choice, not one branch's.
    for (const key of allKeys) {
      if (Object.hasOwn(value, key)) continue;
      const keyChoices = choicesOf(key);
      if (keyChoices.length > 0 && rejectedEverywhere(key, ['invalid_value', 'invalid_type'])) {
        return [{ path: [...path, key], message: `missing required field '${key}'; expected one of: ${[...new Set(keyChoices)].join(', ')}`, missing: true }];
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

// ---------------------------------------------------------------------------------------------------
// One issue, in words

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
    default:
      return [{ path, message: withValue(issue.message, value) }];
  }
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
      if (formulaVariables(schema)) return 'a formula';
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

function unknownChoice(name: string, value: unknown, options: readonly string[]): string {
  const guess = typeof value === 'string' ? suggestion(value, options) : '';
  return `unknown ${name} ${describeValue(value)}; expected one of: ${[...new Set(options)].join(', ')}${guess}`;
}

function unknownKey(key: string, path: Path, validKeys: readonly string[]): Finding {
  const suggested = closest(key, validKeys);
  return { path: [...path, key], key: true, message: notAField(key, formatPath(path), validKeys, suggested), suggested };
}

function withValue(message: string, value: unknown): string {
  if (!isPrimitive(value)) return message;
  return /^expected\b/.test(message) ? `${message}, got ${describeValue(value)}` : `${message} (got ${describeValue(value)})`;
}

/** The name of the field a path ends in (for a list item, the list's name). */
function fieldName(path: Path): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return 'value';
}

function issuePath(issue: Issue): (string | number)[] {
  return issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}
