/** Problems found in scenario files, each located at a file, line and column. */
import { printable } from '../printable.js';

/** Text quoted from a file, made safe to print on one line (src/printable.ts). */
export { printable };

/** A path into a scenario: map keys and array indices. */
export type Path = readonly (string | number)[];

/** One problem with a scenario file, where it was written. Lines and columns are 1-based. */
export interface Problem {
  file: string;
  line: number;
  column: number;
  /** The field, like `providers[2].pricing.margin`; `(root)` for the whole file. */
  path: string;
  message: string;
}

/** A problem before it is located: checks work on paths, and only the loader knows which file wrote each one. */
export interface Finding {
  path: Path;
  message: string;
  /** Point at the map key of `path` (an unknown or invalid key) rather than its value. */
  key?: boolean;
  /** 1-based column within the formula at `path`. */
  formulaColumn?: number;
  /** For an unknown key: the field it is probably a misspelling of. */
  suggested?: string;
  /** A required field that is missing. */
  missing?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** Appends `items` to `target` one by one: `push(...items)` passes them as arguments, and a file of 400,000 unknown keys overflows the stack. */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

/** A path as people write it: `providers[2].pricing.margin`, `timeline[0].set["labs.openai.budget"]`, `(root)`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(root)' : text;
}

/** A finding's identity across checks and layers: the same problem at the same place. */
export function findingKey(finding: Finding): string {
  return `${formatPath(finding.path)}: ${finding.message}`;
}

/** `file:line:col: path: message`, the form editors and terminals link to. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.path}: ${problem.message}`;
}

/** A warning as a problem is printed, said to be one: `file:line:col: path: warning: message`. */
export function formatWarning(warning: Problem): string {
  return formatProblem({ ...warning, message: `warning: ${warning.message}` });
}

/** Problems sorted by file (in the order given, then as they first appear), line and column; equal positions keep their order. */
export function sortProblems(problems: readonly Problem[], fileOrder: readonly string[] = []): Problem[] {
  const files = new Map<string, number>();
  for (const file of fileOrder) if (!files.has(file)) files.set(file, files.size);
  for (const problem of problems) if (!files.has(problem.file)) files.set(problem.file, files.size);
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) =>
        files.get(a.problem.file)! - files.get(b.problem.file)! ||
        a.problem.line - b.problem.line ||
        a.problem.column - b.problem.column ||
        a.index - b.index,
    )
    .map(({ problem }) => problem);
}

/** The most problems a ScenarioError's message lists; the rest are counted on a last line (all are in `problems`). */
export const MAX_PRINTED_PROBLEMS = 50;

/**
 * A scenario that cannot be loaded; its message lists its problems, one per line: the first
 * MAX_PRINTED_PROBLEMS, then `and 9,950 more problems` (a file of a million unknown keys is not printed whole).
 */
export class ScenarioError extends Error {
  /** Every problem, listed or not. */
  readonly problems: Problem[];

  constructor(problems: readonly Problem[]) {
    const safe = problems.map((problem) => ({ ...problem, file: printable(problem.file), path: printable(problem.path), message: printable(problem.message) }));
    const hidden = safe.length - MAX_PRINTED_PROBLEMS;
    const lines = safe.slice(0, MAX_PRINTED_PROBLEMS).map(formatProblem);
    if (hidden > 0) lines.push(`and ${hidden.toLocaleString('en-US')} more problem${hidden === 1 ? '' : 's'}`);
    super(lines.join('\n'));
    this.name = 'ScenarioError';
    this.problems = safe;
  }
}
