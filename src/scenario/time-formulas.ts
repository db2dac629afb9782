import type { Data } from './data.js';
import { compileExpression } from './expressions/compile.js';
import { ExpressionError } from './expressions/language.js';
import { walkFormulas } from './formulas.js';
import { formulaRange } from './limits.js';
import { formatPath } from './problems.js';
import type { Finding } from './problems.js';
import { SCENARIO } from './schema-walk.js';
import { DAYS_PER_YEAR, fractionalYear } from './time.js';

/**
 * A formula of time alone (`80000 - 30000 * t`) gives the same values in every run: one that leaves its
 * field's range on a day of the horizon stops every run that reaches that day, which validation can say
 * where the formula is written instead. Formulas that read the market's state or a run's draws depend on
 * the run, and are checked as each run evaluates them.
 */

const MS_PER_DAY = 86_400_000;
const TIME = new Set(['t', 'year']);

// Each variant checks its formulas again, mostly the same ones over the same horizon: each outcome is
// remembered, up to a bound, so a long-lived process does not grow without end.
const MAX_REMEMBERED = 10_000;
const outcomes = new Map<string, string | undefined>();

/** A finding at each formula of time alone (outside the timeline) that leaves its field's range on a day from `start` to `end`. */
export function timeFormulaFindings(data: Data, start: string, end: string): Finding[] {
  const findings: Finding[] = [];
  walkFormulas(SCENARIO, data, [], (path, source, variables) => {
    // A timeline entry's formula holds from its date, and its field is named by the entry's path.
    if (path[0] === 'timeline') return;
    const field = formatPath(path);
    const key = JSON.stringify([field, source, variables, start, end]);
    if (!outcomes.has(key)) {
      if (outcomes.size >= MAX_REMEMBERED) outcomes.clear();
      outcomes.set(key, firstDayOutOfRange(field, source, variables, start, end));
    }
    const message = outcomes.get(key);
    if (message !== undefined) findings.push({ path, message });
  });
  return findings;
}

/** Why the formula fails on the first day it does, or undefined when it never does (or reads more than time, or does not compile). */
function firstDayOutOfRange(field: string, source: string, variables: readonly string[], start: string, end: string): string | undefined {
  let compiled;
  try {
    compiled = compileExpression(source, variables);
  } catch (error) {
    // Reported, located, by the formula checks.
    if (error instanceof ExpressionError) return undefined;
    throw error;
  }
  if (!compiled.variables.every((variable) => TIME.has(variable))) return undefined;
  const { min, max, maxInWords } = formulaRange(field);
  const first = Date.parse(start);
  const startYear = fractionalYear(start);
  const days = Math.floor((Date.parse(end) - first) / MS_PER_DAY);
  // Why the formula fails on `day`, if it does.
  const failure = (day: number): string | undefined => {
    const t = day / DAYS_PER_YEAR;
    const on = `on ${new Date(first + day * MS_PER_DAY).toISOString().slice(0, 10)} (t = ${t.toFixed(2)})`;
    let value: number;
    try {
      value = compiled.evaluate({ t, year: startYear + t });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      return `formula "${source}" fails ${on}, within the scenario: every run would stop there`;
    }
    if (value < min) return `formula "${source}" gives ${rounded(value)} ${on}, below ${min}: every run would stop there; bound it, as max(${min}, ...)`;
    if (value > max) return `formula "${source}" gives ${rounded(value)} ${on}, above the limit (${maxInWords}): every run would stop there`;
    return undefined;
  };
  // A week at a time (a run reads a formula a few times a month), then the week's first failing day.
  for (let day = 0; day <= days + SAMPLE_DAYS - 1; day += SAMPLE_DAYS) {
    const last = Math.min(day, days);
    if (failure(last) === undefined) continue;
    for (let earlier = Math.max(0, last - SAMPLE_DAYS + 1); earlier <= last; earlier++) {
      const why = failure(earlier);
      if (why !== undefined) return why;
    }
  }
  return undefined;
}

/** Days between the points a formula of time alone is checked at. */
const SAMPLE_DAYS = 7;

function rounded(value: number): string {
  return Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 20 });
}
