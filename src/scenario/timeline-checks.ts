import { dateOf, field, isPlainObject, list } from './data.js';
import type { Data } from './data.js';
import { formulaFindings } from './formulas.js';
import { explain } from './issues.js';
import { idPath, resolveSetPath, setAt, startsWith } from './paths.js';
import { findingKey, formatPath } from './problems.js';
import type { Finding, Path } from './problems.js';
import { SCENARIO } from './schema-walk.js';

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
  // Formula problems of the scenario itself are reported where they are written, not again at each entry.
  const known = new Set(formulaFindings(SCENARIO, data).map(findingKey));
  const ordered = entries.filter((entry) => entry.date !== undefined).sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : a.index - b.index));
  for (const entry of ordered) {
    if (entry.sets.length === 0) continue;
    for (const change of entry.sets) setAt(working, change.path, change.value);
    const after = [...explain(SCENARIO, working), ...formulaFindings(SCENARIO, working)];
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
