// The specs the loader has checked, so that compileScenario checks only the others (a spec built or
// changed by hand, or one copied across a thread, which this process has not seen checked).
import { isPlainObject } from './data.js';
import { validateScenario } from './overrides.js';
import { MAX_PRINTED_PROBLEMS, formatPath } from './problems.js';
import type { ScenarioSpec } from './schema.js';

const checked = new WeakSet<object>();

/** Records that the loader validated this very object (it is frozen, so it stays valid). */
export function markChecked(spec: ScenarioSpec): void {
  checked.add(spec);
}

/**
 * `spec` as the schema parses it (defaults filled in) when it is a valid scenario, or `spec` itself when the
 * loader checked it; a TypeError naming `who` and listing the problems otherwise, each at its path.
 */
export function checkedSpec(spec: unknown, who: string): ScenarioSpec {
  if (!isPlainObject(spec)) {
    throw new TypeError(`${who} needs a scenario (a loaded scenario's spec, or an object the scenario schema accepts), got ${spec === null ? 'null' : Array.isArray(spec) ? 'an array' : typeof spec}`);
  }
  if (checked.has(spec)) return spec as unknown as ScenarioSpec;
  const { findings, spec: parsed } = validateScenario(spec);
  if (findings.length === 0 && parsed !== undefined) return parsed;
  const shown = findings.slice(0, MAX_PRINTED_PROBLEMS).map((finding) => `${formatPath(finding.path)}: ${finding.message}`);
  const hidden = findings.length - shown.length;
  if (hidden > 0) shown.push(`and ${hidden} more`);
  throw new TypeError(`${who}: not a valid scenario: ${shown.join('; ')}`);
}
