import { changeableFieldsOf, isChangeable } from './changeable.js';
import { ACTOR_KINDS, SINGULAR, dateOf, field, isPlainObject, list } from './data.js';
import type { ActorKind, Data } from './data.js';
import { formulaFindings } from './formulas.js';
import { explain } from './issues.js';
import { formatPath } from './problems.js';
import type { Finding, Path } from './problems.js';
import { SCENARIO, childSchema, def, objectKeys, unwrap } from './schema-walk.js';
import type { Schema } from './schema-walk.js';
import { notAField, suggestion } from './suggest.js';

/**
 * The timeline: its `set` paths are written with actor ids, which the schema cannot resolve, and each
 * change can break the scenario only once applied, so the changes are applied in date order and the
 * result is checked again. A problem a change causes is reported at that change.
 */

/** The timeline's dates and paths; with a valid scenario, each change applied in date order and the result re-validated. */
export function checkTimeline(data: Data, valid: boolean, inScenario: (value: unknown, path: Path) => void): Finding[] {
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
  const known = new Set(formulaFindings(SCENARIO, data).map(keyOf));
  const ordered = entries.filter((entry) => entry.date !== undefined).sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : a.index - b.index));
  for (const entry of ordered) {
    if (entry.sets.length === 0) continue;
    for (const change of entry.sets) setAt(working, change.path, change.value);
    const after = [...explain(SCENARIO, working), ...formulaFindings(SCENARIO, working)];
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
  let schema: Schema | undefined = childSchema(SCENARIO, actorKind);
  schema = schema && childSchema(schema, 0);
  for (const name of fields) {
    if (schema === undefined) return { error: `'${formatPath(path)}' has no fields` };
    const inner = unwrap(schema);
    const d = def(inner);
    const here = segments.slice(0, path.length).join('.');
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
    const changeable = changeableFieldsOf(actorKind);
    return {
      error: `'${text}' cannot change during a run; ${changeable.length > 0 ? `the timeline can change ${actorKind}.${id}.{${changeable.join(', ')}}` : `nothing of ${actorKind} can change`}`,
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

/** A scenario path written with actor ids, as the timeline writes it: `labs.openai.procurement.strategy`. */
function idPath(data: unknown, path: Path): string {
  const [kind, index, ...rest] = path;
  const id = typeof kind === 'string' && typeof index === 'number' ? field(list(field(data, kind))[index], 'id') : undefined;
  if (typeof id !== 'string') return formatPath(path);
  return [kind, id, ...rest].join('.');
}
