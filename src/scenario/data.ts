import type { Path } from './problems.js';

/**
 * Scenario data as YAML gives it, before (or without) the schema's approval: every look inside checks the
 * shape first, so that checks can run on a malformed scenario and report all its problems at once.
 */

/** A scenario's top-level map, not yet validated. */
export type Data = Record<string, unknown>;

/**
 * The scenario's lists whose items are actors, named by id in references and timeline paths (a
 * shock counts as one here). Not io/layout.ts's ActorKind, the kinds of actor with monthly series.
 */
export const ACTOR_LISTS = ['chips', 'suppliers', 'providers', 'labs', 'shocks'] as const;
/** A scenario list of actors, by its key: `providers`. */
export type ActorList = (typeof ACTOR_LISTS)[number];
/** One actor of a list, in words: messages say "unknown provider", not "unknown providers". */
export const SINGULAR: Record<ActorList, string> = { chips: 'chip', suppliers: 'supplier', providers: 'provider', labs: 'lab', shocks: 'shock' };

/** Whether a value is a YAML map (null and lists are objects too, but not maps). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value is a scalar, which a message can quote. */
export function isPrimitive(value: unknown): boolean {
  return value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'function');
}

/** The items of a list, or none when the value is not one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A map's own field (never an inherited property), or undefined when the value is not a map. */
export function field(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** The value at `path`, or undefined where the path leaves the data. */
export function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isPlainObject(current)) current = Object.hasOwn(current, segment) ? current[segment] : undefined;
    else return undefined;
  }
  return current;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// Checks read the same few dates once per variant: each text's answer is kept (up to a bound).
const MAX_REMEMBERED_DATES = 10_000;
const realDates = new Map<string, boolean>();

/** A real calendar date YYYY-MM-DD (comparable as a string), or undefined. */
export function dateOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !DATE.test(value)) return undefined;
  let real = realDates.get(value);
  if (real === undefined) {
    const date = new Date(`${value}T00:00:00Z`);
    real = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
    if (realDates.size >= MAX_REMEMBERED_DATES) realDates.clear();
    realDates.set(value, real);
  }
  return real ? value : undefined;
}

/** A value as a message quotes it: short strings in quotes, containers by kind, so messages stay one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  // What YAML's tags make (!!binary, !!timestamp, !!set), none of which a scenario field takes.
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a timestamp';
  if (value instanceof Set) return 'a set';
  return 'a map';
}
