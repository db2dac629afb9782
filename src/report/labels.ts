import { SCENARIO, childSchema, unionOptions, unwrap } from '../scenario/schema-walk.js';
import type { Schema } from '../scenario/schema-walk.js';
import { figureLabel, unitOf } from '../io/vocabulary.js';

/**
 * Names on the page: run-level figures and uncertain parameters read as words with their units, so
 * a strategist never has to decode `labs.openai.avgPriceUsdPerGpuHour` or
 * `providers.azure.powerBuildMwPerYear`. The figures' words and units are the vocabulary's
 * (src/io/vocabulary.ts), which the terminal reads too; the parameters' units are the scenario
 * schema's.
 */

/** A runs-table column with its unit, for a chart's title: `openai shortfall, % of demand`. */
export function metricLabel(name: string): string {
  const unit = unitOf(name).name;
  // A count needs no unit after its name: `shocks`, not `shocks, shocks`.
  return unit && !figureLabel(name).endsWith(unit) ? `${figureLabel(name)}, ${unit}` : figureLabel(name);
}

/** Whether a runs-table column is a share, shown as a percentage. */
export function isShare(name: string): boolean {
  return unitOf(name).share;
}

// Units at the end of a field's name, which the label gives in words from the schema instead.
const UNIT_SUFFIX = /(?:Usd|Mw|Kw|H100e|Days|Years|Months)?(?:Per(?:Year|Month|Day|GpuHour|ChipHour|H100e|Mw))?$/;

/** Actor kinds whose id reads better with the kind after it. */
const KIND_WORD: Record<string, string> = { shocks: ' shock', chips: ' chip' };

/**
 * An uncertain parameter in words with its unit: `labs.openai.demand.growthPerYear` reads "openai:
 * demand growth (factor per year)", `shocks.taiwan-quake.arrival.ratePerYear` "taiwan-quake shock:
 * arrival rate (per year)". A path the schema does not know keeps its segments, in words.
 */
export function parameterLabel(path: string): string {
  const parts = path.split('.');
  const [kind = '', ...rest] = parts;
  const isList = ['labs', 'providers', 'suppliers', 'chips', 'shocks'].includes(kind);
  const owner = isList ? `${rest[0] ?? ''}${KIND_WORD[kind] ?? ''}` : kind;
  const fieldPath = isList ? rest.slice(1) : rest;
  const unit = schemaUnit(isList ? [kind, 0, ...fieldPath] : [kind, ...fieldPath]);
  const last = fieldPath.at(-1) ?? '';
  const stripped = last.replace(UNIT_SUFFIX, '') || last;
  const words = [...fieldPath.slice(0, -1), stripped].map(camelToWords).join(' ');
  return `${owner}: ${words}${unit ? ` (${unit})` : ''}`;
}

/** `powerLeadTime` as `power lead time`; `H100e` and other capitalised runs are kept whole. */
function camelToWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/\b([A-Z])([a-z])/g, (_, first: string, next: string) => first.toLowerCase() + next);
}

/** The `unit` the scenario schema gives the field at `path` (list items by index), if any. */
function schemaUnit(path: readonly (string | number)[]): string | undefined {
  let schema: Schema | undefined = SCENARIO;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    // A union of object branches (a shock's arrival) holds the field in one of them.
    schema = childSchema(schema, segment) ?? unionOptions(schema).map((option) => childSchema(option, segment)).find((child) => child !== undefined);
  }
  if (schema === undefined) return undefined;
  // The metadata may sit on a wrapper (an optional field) or on the schema inside it.
  for (const candidate of [schema, unwrap(schema)]) {
    const unit = (candidate as unknown as { meta?: () => { unit?: unknown } | undefined }).meta?.()?.unit;
    if (typeof unit === 'string') return unit;
  }
  return undefined;
}
