import type { RunResult } from './results.js';

/**
 * The last defence against NaN: validation keeps a scenario's numbers in ranges where the model stays
 * finite, and formulas, demand trends and prices are checked as they are worked out, but a number
 * that slips through anyway (a registered policy's, or a combination of extremes no range foresaw)
 * must fail its run, never reach the tables as NaN or Infinity. Absent values are null, not NaN.
 */

// The parts of a result that batches write; the audit is for tests of the books, and is not written.
const WRITTEN = ['sampled', 'summary', 'labs', 'providers', 'suppliers', 'market', 'chips', 'tenders', 'events'] as const;

/** Where the first number in a run's written records that is not finite is, and what it is (`labs[40].shortfallH100e = NaN (lab meta, month 10)`); undefined when every one is finite. */
export function firstNonFinite(result: RunResult): string | undefined {
  for (const part of WRITTEN) {
    // A cheap pass first: a run's records are thousands of numbers, all finite but for a bug.
    if (allFinite(result[part])) continue;
    return locate(result[part], part);
  }
  return undefined;
}

// `x - x` is 0 for a finite number and NaN for NaN and either infinity; numbers are checked inline and
// objects recursed into (most records are flat objects of numbers). Object.values walks a record
// several times faster than for...in, which matters here: this runs over every record of every run.
function allFinite(value: object): boolean {
  const items: readonly unknown[] = Array.isArray(value) ? value : Object.values(value);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'number') {
      if (item - item !== 0) return false;
    } else if (typeof item === 'object' && item !== null && !allFinite(item)) return false;
  }
  return true;
}

// Records are named by what they describe (their lab, provider, supplier or chip, and month), so the message says where to look.
const NAMES = ['lab', 'provider', 'supplier', 'chip', 'month'] as const;

function locate(value: unknown, path: string, record?: Record<string, unknown>): string | undefined {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return undefined;
    const names = record === undefined ? [] : NAMES.filter((name) => record[name] !== undefined).map((name) => `${name} ${String(record[name])}`);
    return `${path} = ${value}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as unknown;
      const found = locate(item, `${path}[${i}]`, typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : record);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key in value) {
    const found = locate((value as Record<string, unknown>)[key], `${path}.${key}`, record);
    if (found !== undefined) return found;
  }
  return undefined;
}
