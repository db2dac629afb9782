import { z } from 'zod';
import type { FormulaRange } from './expressions/evaluator.js';

/**
 * The ranges that keep the model meaningful. The schema refuses a number outside its field's range
 * when the file is loaded (so `--set providers.azure.fleet.h100=1e308` is an error at the flag, not a
 * run of NaN), and the sampler refuses a draw above it at run time. Each bound is far beyond any
 * value of the shipped scenarios, and tight enough that sums and products of the model's quantities
 * over the longest horizon stay finite. docs/scenarios.md lists them with these reasons.
 */

/** A range a field's numbers must lie in, beyond the sign its schema requires: its largest meaningful value, and smallest when there is one. */
export interface Limit {
  /** The smallest meaningful value, when the field needs more than its sign (`> 0`, `>= 0`). */
  readonly min?: number;
  readonly max: number;
  /** The unit of the bounds, as messages print it. */
  readonly unit: string;
  /** Why: one clause, shown in messages and docs. */
  readonly why: string;
}

/** The longest scenario, in years from `start` to `end`: beyond it the model's chips, contracts and growth rates mean nothing, and every run pays for every month. */
export const MAX_HORIZON_YEARS = 50;

/** The largest sigma of a lognormal: its 95% range then spans 400 times its median either way. */
export const MAX_LOGNORMAL_SIGMA = 3;

const chips: Limit = { max: 1e9, unit: 'chips', why: 'about fifty times every AI accelerator in service in 2025' };
const computeH100e: Limit = { max: 1e12, unit: 'H100e', why: 'a billion chips of the strongest kind a scenario may have' };
const usdPerYear: Limit = { max: 1e14, unit: 'USD per year', why: "about the world's GDP" };
const usdPerGpuHour: Limit = { max: 1e4, unit: 'USD per H100e-hour', why: 'over a thousand times the 2023 H100 spot peak of about 8' };
const days: Limit = { max: 3653, unit: 'days', why: 'ten years, longer than any chip, power or procurement delay seen' };
const markup: Limit = { max: 100, unit: '', why: 'a markup of 10,000%, far past any seen' };

/**
 * The limits by field name. Each name means one thing wherever it appears (a lab's `initialH100e`, a
 * timeline entry's), so the sampler finds a parameter's limit from the last segment of its path.
 */
export const FIELD_LIMITS = {
  perfH100e: { min: 1e-3, max: 1e3, unit: 'H100e per chip', why: 'from a thousandth of an H100 to a thousand H100s in one chip' },
  powerKw: { max: 1e3, unit: 'kW', why: 'a megawatt per chip, several racks of 2025 GPUs' },
  unitCostUsd: { max: 1e8, unit: 'USD', why: 'two thousand times the price of a 2025 GPU' },
  lifeYears: { min: 0.1, max: 100, unit: 'years', why: 'a chip written off within five weeks costs more per hour than any price; none lasts a century' },
  fleet: chips,
  capacityUnitsPerMonth: { max: 1e9, unit: 'chips per month', why: "a thousand times 2025's output of about a million a month" },
  leadTimeDays: days,
  powerMw: { max: 1e7, unit: 'MW', why: "the world's electricity generating capacity (about 9 TW)" },
  powerBuildMwPerYear: { max: 1e7, unit: 'MW per year', why: "the world's generating capacity, every year" },
  powerLeadTimeDays: days,
  capexUsdPerYear: usdPerYear,
  capexUsdPerMw: { max: 1e10, unit: 'USD per MW', why: "five hundred times 2025's cost of a MW of data centre (about 20 million)" },
  opexUsdPerGpuHour: usdPerGpuHour,
  internalDemandH100e: computeH100e,
  margin: markup,
  scarcityMarkup: markup,
  elasticity: { max: 10, unit: '', why: 'at 10 a second bidder already takes away all but a thousandth of the margin' },
  priceCeilingUsdPerGpuHour: usdPerGpuHour,
  intervalDays: days,
  contractMonths: { max: 600, unit: 'months', why: `${MAX_HORIZON_YEARS} years, the longest scenario` },
  blockH100e: computeH100e,
  deliveryDays: days,
  termPremium: markup,
  initialH100e: computeH100e,
  growthPerYear: { max: 100, unit: 'per year', why: 'a hundredfold a year; the fastest lab demand seen grew about sixfold' },
  volatility: { max: 2, unit: '', why: 'a monthly sigma of 2 already moves demand sevenfold from month to month' },
  budgetUsdPerYear: usdPerYear,
  revenueUsdPerYear: usdPerYear,
  willingnessToPayUsdPerGpuHour: usdPerGpuHour,
  volumeH100e: computeH100e,
  priceUsdPerGpuHour: usdPerGpuHour,
  ratePerYear: { max: 12, unit: 'per year', why: 'a shock a month; more often is a lasting state, written as a timeline change' },
  magnitude: { max: 10, unit: '', why: "a lab's demand elevenfold (a supplier or provider loses at most all, 1)" },
  durationDays: days,
  costSpread: markup,
  bidCostUsdPerH100e: { max: 1e6, unit: 'USD per H100e', why: 'twenty times the price of the chip itself' },
  spotPriceCapUsdPerGpuHour: usdPerGpuHour,
} as const satisfies Record<string, Limit>;

/** A field with a limit. */
export type LimitedField = keyof typeof FIELD_LIMITS;

/** The limit of the parameter at `path` (`labs.openai.demand.growthPerYear`, `timeline[2].providers.azure.pricing.margin`), if its field has one. */
export function limitOf(path: string): Limit | undefined {
  const name = path.slice(path.lastIndexOf('.') + 1);
  return Object.hasOwn(FIELD_LIMITS, name) ? FIELD_LIMITS[name as LimitedField] : undefined;
}

/** A bound as messages print it: 1e+9 as 1e9, 3653 as 3653, 0.001 as 0.001. */
export function formatBound(value: number): string {
  return value >= 1e5 ? value.toExponential().replace('e+', 'e') : String(value);
}

/** `at most 1e9 chips (about fifty times ...)`: a limit's upper bound in words. */
export function describeMax(limit: Limit): string {
  return `at most ${formatBound(limit.max)}${limit.unit === '' ? '' : ` ${limit.unit}`} (${limit.why})`;
}

/** `schema` (a number schema) kept within `limit`: a problem at validation names the bound and why. */
export function within(schema: z.ZodNumber, limit: Limit): z.ZodNumber {
  const atMost = schema.lte(limit.max, `expected ${describeMax(limit)}`);
  if (limit.min === undefined) return atMost;
  // Checked only while the value has no problem yet: a wrong sign is the one problem of `-5`, not also this bound.
  // gte, not a refinement, so that the JSON Schema keeps its `minimum`; zod honours `when` on every check,
  // though gte's parameter type does not name it.
  const atLeast = { message: `expected at least ${formatBound(limit.min)}${limit.unit === '' ? '' : ` ${limit.unit}`} (${limit.why})`, when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };
  return atMost.gte(limit.min, atLeast as Parameters<typeof atMost.gte>[1]);
}

/**
 * What a formula at `path` may give: every formula of a scenario is a quantity (a price, a capacity, a
 * budget, a demand), so at least 0, and at most its field's limit where the field has one, as a number
 * written there or a draw must be.
 */
export function formulaRange(path: string): FormulaRange {
  const limit = limitOf(path);
  return { field: path, min: 0, max: limit?.max ?? Infinity, maxInWords: limit === undefined ? '' : describeMax(limit) };
}
