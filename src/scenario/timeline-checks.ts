import { ACTOR_LISTS, dateOf, field, isPlainObject, list } from './data.js';
import type { ActorList, Data } from './data.js';
import { formulaFindings } from './formulas.js';
import { explain } from './issues.js';
import { idPath, resolveSetPath, setAt, startsWith } from './paths.js';
import { findingKey, formatPath } from './problems.js';
import type { Finding, Path } from './problems.js';
import { SCENARIO, childSchema } from './schema-walk.js';
import type { Schema } from './schema-walk.js';

/**
 * The timeline: its `set` paths are written with actor ids, which the schema cannot resolve, and each
 * change can break the scenario only once applied, so the changes are applied in date order and the
 * result is checked again. A problem a change causes is reported at that change.
 */

/**
 * The timeline's dates and paths, and each change applied in date order with the actors it changes
 * re-validated: a problem the change brings is reported at the entry. `formulas` are the problems of the
 * scenario's own formulas, and an actor's problems before the timeline changes it are the file's: both are
 * reported where they are written, not again at an entry. `valid` says the scenario has no other problem.
 */
export function checkTimeline(data: Data, valid: boolean, inScenario: (value: unknown, path: Path) => void, formulas: readonly Finding[]): Finding[] {
  const findings: Finding[] = [];
  const entries = list(data.timeline).map((entry, index) => {
    inScenario(field(entry, 'date'), ['timeline', index, 'date']);
    const sets: { key: string; path: (string | number)[]; value: unknown }[] = [];
    const set = field(entry, 'set');
    if (isPlainObject(set)) {
      for (const [key, value] of Object.entries(set)) {
        const resolved = resolveSetPath(data, key);
        if (!('error' in resolved)) sets.push({ key, path: resolved.path, value });
        // A path into an actor list that is not a list (labs: 5) names nothing: the schema's one problem there.
        else if (!notAList(data, key)) findings.push({ path: ['timeline', index, 'set', key], key: true, message: resolved.error });
      }
    }
    return { index, date: dateOf(field(entry, 'date')), sets };
  });

  // Changes accumulate: each entry is checked on the scenario as every earlier change left it. Only the
  // actors the timeline changes are copied, when first changed.
  const working: Data = { ...data };
  const copied = new Set<string>();
  // Formula problems of the scenario itself are reported where they are written, not again at each entry.
  const known = new Set(formulas.map(findingKey));
  const own = (kind: ActorList, index: number): void => {
    const item = `${kind}.${index}`;
    if (copied.has(item)) return;
    // With problems elsewhere in the file, an actor may have its own before any change: they are the file's.
    if (!valid) for (const finding of actorFindings(kind, index, list(data[kind])[index])) known.add(findingKey(finding));
    if (!copied.has(kind)) working[kind] = [...list(data[kind])];
    (working[kind] as unknown[])[index] = structuredClone(list(data[kind])[index]);
    copied.add(kind);
    copied.add(item);
  };
  const ordered = entries.filter((entry) => entry.date !== undefined).sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : a.index - b.index));
  for (const entry of ordered) {
    if (entry.sets.length === 0) continue;
    for (const change of entry.sets) {
      own(change.path[0] as ActorList, change.path[1] as number);
      setAt(working, change.path, change.value);
    }
    const after = changedActors(entry.sets).flatMap(([kind, index]) => actorFindings(kind, index, list(working[kind])[index]));
    for (const finding of after) {
      const key = findingKey(finding);
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

/**
 * The actors a timeline entry changes, each once: a `set` path always names an actor's field, and the
 * schema has no rule that spans actors, so only these can have new problems. Checking them alone, not the
 * whole scenario again, keeps a timeline of thousands of entries linear in its length.
 */
function changedActors(sets: readonly { path: (string | number)[] }[]): [ActorList, number][] {
  const seen = new Map<string, [ActorList, number]>();
  for (const { path } of sets) seen.set(`${path[0]}.${path[1]}`, [path[0] as ActorList, path[1] as number]);
  return [...seen.values()];
}

// Each variant checks the timeline again, and unless it changed an actor the timeline changes, each entry
// leaves that actor as it left it in the baseline: the problems of an actor's content are remembered
// (up to a bound), so thousands of variants do not validate the same actors thousands of times.
const MAX_REMEMBERED_ACTORS = 2000;
const rememberedActors = new Map<string, Finding[]>();

/** The schema's and the formulas' problems of the actor `kind[index]`. */
function actorFindings(kind: ActorList, index: number, actor: unknown): Finding[] {
  const key = `${kind}\u0000${index}\u0000${contentKey(actor)}`;
  let findings = rememberedActors.get(key);
  if (findings === undefined) {
    const schema = actorSchema(kind);
    findings = [...explain(schema, actor, [kind, index]), ...formulaFindings(schema, actor, [kind, index])];
    if (rememberedActors.size >= MAX_REMEMBERED_ACTORS) rememberedActors.clear();
    rememberedActors.set(key, findings);
  }
  return findings;
}

/** Text that two values share only when they are the same data: strings, numbers that are not finite and missing values kept apart. */
function contentKey(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return `s${item}`;
    if (typeof item === 'number' && !Number.isFinite(item)) return `n${item}`;
    if (item === undefined) return 'u';
    return item;
  });
}

/** The schema of one actor of a kind. */
function actorSchema(kind: ActorList): Schema {
  return childSchema(childSchema(SCENARIO, kind)!, 0)!;
}

/** Whether `key` starts with an actor list that the scenario writes as something else, or not at all. */
function notAList(data: Data, key: string): boolean {
  const dot = key.indexOf('.');
  const kind = dot < 0 ? key : key.slice(0, dot);
  return (ACTOR_LISTS as readonly string[]).includes(kind) && !Array.isArray(data[kind]);
}
