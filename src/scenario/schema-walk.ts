import { z } from 'zod';
import { Scenario, isDistributionSchema } from './schema.js';

/**
 * Looking inside zod schemas. The schema is walked beside the data so that a message can say what a place
 * expects, find the formulas, and resolve timeline paths; zod keeps these details in its internal `def`.
 */

/** Any zod schema, typed by zod's core so that every kind of schema can be walked. */
export type Schema = z.core.$ZodType;

/** The scenario schema, as the walkers take it. */
export const SCENARIO = Scenario as unknown as Schema;

/** A schema's internal definition; its fields differ by type, so they are read loosely. */
export function def(schema: Schema): Record<string, any> {
  return schema._zod.def as unknown as Record<string, any>;
}

// Walks ask the same schemas the same questions for every actor and every check: each answer is kept.
const unwrapped = new WeakMap<Schema, Schema>();
const variablesOf = new WeakMap<Schema, string[] | null>();

/** The schema inside optional, default and similar wrappers. */
export function unwrap(schema: Schema): Schema {
  let inner = unwrapped.get(schema);
  if (inner === undefined) {
    inner = unwrapOnce(schema);
    unwrapped.set(schema, inner);
  }
  return inner;
}

function unwrapOnce(schema: Schema): Schema {
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
export function childSchema(schema: Schema, segment: string | number): Schema | undefined {
  const d = def(unwrap(schema));
  if (d.type === 'object') return (d.shape as Record<string, Schema>)[String(segment)] ?? undefined;
  if (d.type === 'array') return d.element;
  if (d.type === 'record') return d.valueType;
  return undefined;
}

/** As childSchema, also looking inside the branches of a union (pricing: only the `formula` branch has `expression`). */
export function fieldSchema(schema: Schema, segment: string | number): Schema | undefined {
  const direct = childSchema(schema, segment);
  if (direct !== undefined) return direct;
  for (const option of unionOptions(schema)) {
    const inner = childSchema(option, segment);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/**
 * The fields of the map at `parent` when `key` is not one of them, or undefined when it is one, or when
 * the scenario's schema does not say (a record takes any key; a path the schema does not know).
 */
export function fieldsWithout(parent: readonly (string | number)[], key: string): readonly string[] | undefined {
  let schema: Schema | undefined = SCENARIO;
  for (const segment of parent) schema = schema && fieldSchema(schema, segment);
  if (schema === undefined || fieldSchema(schema, key) !== undefined) return undefined;
  const fields = [...objectKeys(schema), ...unionOptions(schema).flatMap(objectKeys)];
  return fields.length > 0 ? [...new Set(fields)] : undefined;
}

/**
 * The fields of the branch of the union at `path` whose `policy` takes `policy` (pricing's `costPlus`:
 * policy and margin), or undefined where the scenario has no union of policies or no branch takes it.
 */
export function policyFields(path: readonly (string | number)[], policy: string): readonly string[] | undefined {
  let schema: Schema | undefined = SCENARIO;
  for (const segment of path) schema = schema && fieldSchema(schema, segment);
  if (schema === undefined) return undefined;
  const branch = unionOptions(schema).find((option) => {
    const discriminator = childSchema(option, 'policy');
    return discriminator !== undefined && z.safeParse(discriminator, policy).success;
  });
  return branch && objectKeys(branch);
}

const keysOf = new WeakMap<Schema, readonly string[]>();

/** The fields of an object schema; none for any other, so unions can gather their branches' fields. */
export function objectKeys(schema: Schema): readonly string[] {
  let keys = keysOf.get(schema);
  if (keys === undefined) {
    const d = def(unwrap(schema));
    keys = Object.freeze(d.type === 'object' ? Object.keys(d.shape as object) : []);
    keysOf.set(schema, keys);
  }
  return keys;
}

/** The branches of a union schema; none for any other. */
export function unionOptions(schema: Schema): Schema[] {
  const d = def(unwrap(schema));
  return d.type === 'union' ? (d.options as Schema[]) : [];
}

/** The variables of a formula field, if `schema` is one. */
export function formulaVariables(schema: Schema): string[] | undefined {
  let variables = variablesOf.get(schema);
  if (variables === undefined) {
    variables = findVariables(schema) ?? null;
    variablesOf.set(schema, variables);
  }
  return variables ?? undefined;
}

function findVariables(schema: Schema): string[] | undefined {
  // The metadata may sit on the wrapper (an optional formula) or on the string inside it.
  for (const candidate of [schema, unwrap(schema)]) {
    const variables = metaOf(candidate)?.variables;
    if (Array.isArray(variables) && def(unwrap(candidate)).type === 'string') return variables as string[];
  }
  return undefined;
}

function metaOf(schema: Schema): Record<string, unknown> | undefined {
  return (schema as unknown as { meta?: () => Record<string, unknown> | undefined }).meta?.();
}

/** Whether a string schema takes `custom:NAME` policy names, which no list of choices can enumerate. */
export function isCustomPolicyName(schema: Schema): boolean {
  const d = def(unwrap(schema));
  if (d.type !== 'string') return false;
  const checks = (d.checks ?? []) as Schema[];
  return checks.some((check) => {
    const pattern = def(check).pattern;
    return pattern instanceof RegExp && pattern.source.startsWith('^custom:');
  });
}

/** Whether a schema is a distribution union (of any field's limit), which messages describe by its written form rather than its branches. */
export function isDistribution(schema: Schema): boolean {
  return isDistributionSchema(unwrap(schema));
}

/** The values a choice field accepts (enum values, literals, `custom:NAME`), or undefined if it is not a choice. */
export function choices(schema: Schema): string[] | undefined {
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
