import { readFileSync } from 'node:fs';
import { checkSemantics } from './checks.js';
import { loadTracked } from './compose.js';
import type { LoadContext } from './compose.js';
import type { Data } from './data.js';
import { explain } from './issues.js';
import { formulaPosition, locateOrigin } from './origins.js';
import { ScenarioError, formatPath, sortProblems } from './problems.js';
import type { Finding, Path, Problem } from './problems.js';
import { Scenario } from './schema.js';
import type { ScenarioSpec } from './schema.js';
import { SCENARIO } from './schema-walk.js';

export { resolveSetPath } from './timeline-checks.js';
export type { ResolvedSetPath } from './timeline-checks.js';

/**
 * Loading a scenario file: read it, resolve `extends` (compose.ts), validate with the schema (issues.ts),
 * then check what the schema cannot (checks.ts). Every problem is located in the file where the offending
 * value was written (origins.ts); all are reported at once.
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

  const schemaFindings = explain(SCENARIO, tracked.value);
  // A value the schema rejected is reported once, as the schema explains it.
  const seen = new Set(schemaFindings.map((finding) => formatPath(finding.path)));
  const semantic = checkSemantics(tracked.value as Data, schemaFindings.length === 0).filter((finding) => !seen.has(formatPath(finding.path)));
  const problems = [...context.problems, ...[...schemaFindings, ...semantic].map(toProblem)];
  if (problems.length > 0) throw new ScenarioError(sortProblems(problems, context.files));

  const spec = Scenario.parse(tracked.value);
  return { file, spec, files: context.files, locate: (path) => locateAt(path) };
}
