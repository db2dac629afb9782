import { changeableFieldsOf, isChangeable } from './changeable.js';
import { ACTOR_LISTS, SINGULAR, field, list, valueAt } from './data.js';
import type { ActorList } from './data.js';
import { formatPath } from './problems.js';
import type { Path } from './problems.js';
import { SCENARIO, childSchema, def, objectKeys, unwrap } from './schema-walk.js';
import type { Schema } from './schema-walk.js';
import { listed, notAField, suggestion } from './suggest.js';

/**
 * Paths written with actor ids, as the timeline's `set`, `--set`, `--sweep` and `variants` write them:
 * `labs.openai.procurement.strategy` names the field `['labs', 0, 'procurement', 'strategy']` of the
 * scenario. Resolving one checks the actor kind, the id and each field name against the scenario and
 * its schema.
 */

/** A `set` path of the timeline (`labs.openai.procurement.strategy`), resolved to a path into the scenario. */
export type ResolvedSetPath = { path: (string | number)[] } | { error: string };

/**
 * Resolves a timeline `set` path, written with actor ids (`labs.openai.procurement.strategy`), to the
 * path of that field in the scenario (`['labs', 0, 'procurement', 'strategy']`), checking that the
 * actor kind, the id and each field name exist, and that the field may change during a run.
 */
export function resolveSetPath(scenario: unknown, text: string): ResolvedSetPath {
  return resolvePath(scenario, text, false);
}

/**
 * Resolves an override path (`--set`, `--sweep`, a variant's entry) to a path into the scenario. The
 * syntax is the timeline's, but any field may be named, not only those a run can change: a top-level
 * field (`end`, `shocks`, `outputs.timeseries`), a field of an actor by id (`providers.azure.fleet.h100`),
 * a list item by number (`contracts.0.volumeH100e`) or a distribution's parameter
 * (`labs.openai.demand.growthPerYear.lognormal.median`). An item of a list whose items have ids may be named by
 * its id instead of its number: `timeline.rofr-removed.date`.
 */
export function resolveOverridePath(scenario: unknown, text: string): ResolvedSetPath {
  return resolvePath(scenario, text, true);
}

function resolvePath(scenario: unknown, text: string, override: boolean): ResolvedSetPath {
  const segments = text.split('.');
  if (override && segments.some((segment) => segment === '')) {
    return { error: `'${text}' has an empty part; a path is written like labs.openai.procurement.strategy or end` };
  }
  const [kind, id, ...fields] = segments;
  const isActorList = kind !== undefined && (ACTOR_LISTS as readonly string[]).includes(kind);
  if (override && !isActorList) {
    // A top-level field other than an actor list: walked by name from the scenario itself.
    const top = kind!;
    if (top === 'extends') return { error: 'extends is resolved before overrides apply; it cannot be overridden' };
    const keys = objectKeys(SCENARIO).filter((key) => key !== 'extends');
    if (!keys.includes(top)) return { error: notAField(top, 'the scenario', keys) };
    return walk(scenario, [top], childSchema(SCENARIO, top), segments.slice(1), segments, true);
  }
  if (!isActorList) {
    return { error: `unknown actor kind '${kind ?? ''}' in '${text}'; expected one of: ${ACTOR_LISTS.join(', ')}${suggestion(kind ?? '', ACTOR_LISTS)}` };
  }
  const actorList = kind as ActorList;
  // An override may replace a whole actor list (`shocks=[]`).
  if (override && id === undefined) return { path: [actorList] };
  const example = `${actorList}.ID.FIELD`;
  if (id === undefined || id === '') return { error: `a path names an actor's field, as in ${example}` };
  const actors = list(field(scenario, actorList));
  const index = actors.findIndex((actor) => field(actor, 'id') === id);
  if (index < 0) {
    const known = actors.map((actor) => field(actor, 'id')).filter((name): name is string => typeof name === 'string');
    return { error: `unknown ${SINGULAR[actorList]} '${id}'; expected one of: ${listed(known)}` };
  }
  if (fields.length === 0) return { error: `a path names an actor's field, as in ${example}; '${text}' names the whole ${SINGULAR[actorList]}` };
  if (fields[0] === 'id') return { error: `an actor's id cannot change` };
  let schema: Schema | undefined = childSchema(SCENARIO, actorList);
  schema = schema && childSchema(schema, 0);
  const resolved = walk(scenario, [actorList, index], schema, fields, segments, override);
  if ('error' in resolved || override) return resolved;
  if (!isChangeable(text)) {
    const changeable = changeableFieldsOf(actorList);
    return {
      error: `'${text}' cannot change during a run; ${changeable.length > 0 ? `the timeline can change ${actorList}.${id}.{${changeable.join(', ')}}` : `nothing of ${actorList} can change`}`,
    };
  }
  return resolved;
}

/**
 * Walks `fields` down from `path` (whose schema is `schema`), checking each name. `segments` is the whole
 * path as written, for messages. With `override`, a field inside a nested union (a distribution's
 * parameters) can be named, and list items must exist.
 */
function walk(scenario: unknown, start: (string | number)[], schema: Schema | undefined, fields: string[], segments: string[], override: boolean): ResolvedSetPath {
  const path = [...start];
  const before = segments.length - fields.length;
  for (const [consumed, name] of fields.entries()) {
    // The path as written up to this field: `labs.openai.procurement` for ['labs', 0, 'procurement'].
    const here = segments.slice(0, before + consumed).join('.');
    if (schema === undefined) return { error: `'${formatPath(path)}' has no fields` };
    const inner = unwrap(schema);
    const d = def(inner);
    if (d.type === 'object') {
      const keys = objectKeys(inner);
      if (!keys.includes(name)) return { error: notAField(name, here, keys) };
      schema = childSchema(inner, name);
      path.push(name);
    } else if (d.type === 'record') {
      schema = d.valueType;
      path.push(name);
    } else if (d.type === 'array') {
      const items = list(valueAt(scenario, path));
      // An item with an id (a timeline entry, a target) may be named by it: a number would name whatever entry
      // came to stand at that place, after another was added before it.
      const named = /^\d+$/.test(name) ? -1 : items.findIndex((item) => field(item, 'id') === name);
      if (named < 0 && !/^\d+$/.test(name)) {
        const ids = items.map((item) => field(item, 'id')).filter((id): id is string => typeof id === 'string');
        if (ids.length === 0) return { error: `${here} is a list: expected an item number, got '${name}'` };
        return { error: `${here} is a list: expected an item number or the id of an item (${listed(ids)}), got '${name}'${suggestion(name, ids)}` };
      }
      if (override && named < 0) {
        const count = items.length;
        if (Number(name) >= count) return { error: `${here} has ${count} item${count === 1 ? '' : 's'}: expected an item number below ${count}, got ${name}` };
      }
      schema = d.element;
      path.push(named >= 0 ? named : Number(name));
    } else if (d.type === 'union') {
      const options = override ? objectBranches(inner) : (d.options as Schema[]);
      const branches = options.filter((option) => objectKeys(option).includes(name));
      if (branches.length === 0) {
        const keys = [...new Set(options.flatMap(objectKeys))];
        return { error: keys.length > 0 ? notAField(name, here, keys) : `${here} has no fields` };
      }
      schema = childSchema(branches[0]!, name);
      path.push(name);
    } else {
      return { error: `${here} has no fields` };
    }
  }
  return { path };
}

/** The object branches of a union, through unions nested in it (a number or a distribution). */
function objectBranches(schema: Schema): Schema[] {
  const inner = unwrap(schema);
  const d = def(inner);
  if (d.type === 'union') return (d.options as Schema[]).flatMap(objectBranches);
  return d.type === 'object' ? [inner] : [];
}

/** Sets the value at `path`, making missing maps on the way; `null` removes the field. */
export function setAt(target: unknown, path: Path, value: unknown): void {
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

/**
 * `setAt` on a scenario that shares its maps and lists with another: each one on the way to `path` is
 * copied before it is changed (the top one must be a copy already), so the other is left as it was. A
 * layer of overrides copies only what it changes, not the whole scenario once per variant; `copies`
 * holds the copies made so far, so that a thousand fields set in one map copy it once.
 */
export function setAtCopying(target: Record<string, unknown>, path: Path, value: unknown, copies: WeakSet<object>): void {
  let current: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const child = current[segment];
    let next: object;
    if (typeof child === 'object' && child !== null && copies.has(child)) next = child;
    else {
      next = Array.isArray(child) ? [...child] : typeof child === 'object' && child !== null ? { ...child } : {};
      copies.add(next);
      current[segment] = next;
    }
    current = next as Record<string | number, unknown>;
  }
  setAt(current, path.slice(-1), value);
}

/** Whether `path` is `prefix` or inside it. */
export function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => String(segment) === String(path[index]));
}

/** A scenario path written with actor ids, as the timeline writes it: `labs.openai.procurement.strategy`. */
export function idPath(data: unknown, path: Path): string {
  const [kind, index, ...rest] = path;
  const id = typeof kind === 'string' && typeof index === 'number' ? field(list(field(data, kind))[index], 'id') : undefined;
  if (typeof id !== 'string') return formatPath(path);
  return [kind, id, ...rest].join('.');
}
