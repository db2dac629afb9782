import type { Summary } from '../experiment/statistics.js';
import { differenceWithUnit, figureLabel, formatIn, RISK, unitOf, withUnit, WORST_RUNS } from '../io/vocabulary.js';
import type { Drivers, LabVariantRisk, PairedRow } from './analysis.js';
import { escapeHtml } from './html.js';
import { parameterLabel } from './labels.js';

/**
 * The report's headline findings, as sentences made from the numbers: what each variant changes
 * most against the baseline, which lab runs the greatest risk of going short, and which uncertain
 * parameters move the outcomes most. Each sentence gives its 95% interval, so a reader sees at once
 * how sure the runs are.
 */

/** What the findings are made from, all computed over every run of the batch. */
export interface FindingsInputs {
  variants: readonly string[];
  labs: readonly string[];
  /** Each key metric's summary per variant. */
  summaries: ReadonlyMap<string, Summary[]>;
  differences: readonly PairedRow[];
  risks: readonly LabVariantRisk[];
  /** The drivers of each outcome ranked, or why there are none. */
  drivers: readonly Drivers[] | string;
}

/** Differences a variant's sentence names at most. */
const DIFFERENCES_NAMED = 3;
/** Parameters named per outcome. */
const PARAMETERS_NAMED = 2;

/** The findings as HTML list items (text escaped). */
export function findings(inputs: FindingsInputs): string[] {
  return [...variantFindings(inputs), ...riskFindings(inputs), ...driverFindings(inputs)];
}

/**
 * How large a difference is for a reader: relative to the baseline's mean, with shares measured
 * against at least 5 points so that 0.1% growing to 0.5% does not outrank 10% growing to 40%.
 */
function size(row: PairedRow, baseline: Summary | undefined): number {
  const unit = unitOf(row.metric);
  const reference = Math.max(Math.abs(baseline?.mean ?? 0), unit.share ? 0.05 : 1e-12);
  return Math.abs(row.summary.mean) / reference;
}

/** For each variant, the key figures it moves most, among those whose 95% CI excludes zero. */
function variantFindings({ variants, summaries, differences }: FindingsInputs): string[] {
  if (variants.length < 2) return [];
  const baselineName = escapeHtml(variants[0]!);
  return variants.slice(1).map((variant) => {
    const resolved = differences
      .filter((row) => row.variant === variant && !row.metric.startsWith('market.shocks') && (row.summary.ciLow > 0 || row.summary.ciHigh < 0))
      .map((row) => ({ row, size: size(row, summaries.get(row.metric)?.[0]) }))
      .sort((a, b) => b.size - a.size || a.row.metric.localeCompare(b.row.metric))
      .slice(0, DIFFERENCES_NAMED);
    const name = `<b>${escapeHtml(variant)}</b>`;
    if (resolved.length === 0) return `${name} differs from the ${baselineName} in no key figure the runs resolve: every paired difference's 95% CI includes zero.`;
    const parts = resolved.map(({ row }) => {
      const unit = unitOf(row.metric);
      const baseline = summaries.get(row.metric)?.[0];
      const s = row.summary;
      return `${escapeHtml(figureLabel(row.metric))}, ${escapeHtml(differenceWithUnit(unit, s.mean))} [95% CI ${formatIn(unit, s.ciLow)}, ${formatIn(unit, s.ciHigh)}]${baseline ? ` from ${escapeHtml(withUnit(unit, baseline.mean))}` : ''}`;
    });
    return `Against the ${baselineName}, ${name} moves most ${list(parts)}.`;
  });
}

/** The riskiest lab of the baseline, and of any variant where it is another. */
function riskFindings({ variants, labs, risks, summaries }: FindingsInputs): string[] {
  if (labs.length === 0) return [];
  const riskiest = (variant: string): LabVariantRisk | undefined =>
    risks
      .filter((risk) => risk.variant === variant)
      .sort((a, b) => b.shortfallOver10PercentInAnyYear.p - a.shortfallOver10PercentInAnyYear.p || b.expectedShortfallShareWorst5Percent - a.expectedShortfallShareWorst5Percent || a.lab.localeCompare(b.lab))[0];
  const baseline = riskiest(variants[0]!);
  if (!baseline) return [];
  const sentences: string[] = [];
  const p = ({ shortfallOver10PercentInAnyYear: { p, ci95 } }: LabVariantRisk) => `${formatIn(RISK.unit, p)}% of runs [95% CI ${formatIn(RISK.unit, ci95[0])}, ${formatIn(RISK.unit, ci95[1])}]`;
  if (baseline.shortfallOver10PercentInAnyYear.p === 0 && baseline.expectedShortfallShareWorst5Percent === 0) {
    sentences.push(`No lab goes short in any run of the ${escapeHtml(variants[0]!)}: every lab's demand is met in full over the horizon.`);
  } else {
    const mean = summaries.get(`labs.${baseline.lab}.shortfallShare`)?.[0];
    const unit = WORST_RUNS.unit;
    sentences.push(
      `The riskiest lab in the ${escapeHtml(variants[0]!)} is <b>${escapeHtml(baseline.lab)}</b>: in ${p(baseline)} it goes without more than ${RISK.thresholdText} of its demand in some calendar year; ` +
        `its shortfall over the horizon averages ${mean ? `${escapeHtml(withUnit(unit, mean.mean))} [95% CI ${formatIn(unit, mean.ciLow)}, ${formatIn(unit, mean.ciHigh)}]` : '–'}, and ${escapeHtml(withUnit(unit, baseline.expectedShortfallShareWorst5Percent))} in its worst ${WORST_RUNS.shareText} of runs.`,
    );
  }
  const others = variants.slice(1).flatMap((variant) => {
    const risk = riskiest(variant);
    return risk && risk.lab !== baseline.lab && risk.shortfallOver10PercentInAnyYear.p > 0 ? [`in <b>${escapeHtml(variant)}</b> it is ${escapeHtml(risk.lab)} (${p(risk)})`] : [];
  });
  if (others.length > 0) sentences.push(`The riskiest lab changes with the variant: ${list(others)}.`);
  return sentences;
}

/** The parameters that move the outcomes most, overall and outcome by outcome. */
function driverFindings({ drivers, variants }: FindingsInputs): string[] {
  if (typeof drivers === 'string') return [`No sensitivity ranking: ${escapeHtml(drivers)}`];
  if (drivers.length === 0) return [];
  const resolved = drivers.map((result) => ({
    outcome: result.outcome,
    rows: result.rows.filter((row) => row.low > 0 || row.high < 0).slice(0, PARAMETERS_NAMED),
  }));
  const firsts = new Map<string, number>();
  for (const { rows } of resolved) if (rows[0]) firsts.set(rows[0].parameter, (firsts.get(rows[0].parameter) ?? 0) + 1);
  const [top, count] = [...firsts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
  const coefficient = (row: { coefficient: number; low: number; high: number }) => `${row.coefficient >= 0 ? '+' : ''}${row.coefficient.toFixed(2)} [${row.low.toFixed(2)}, ${row.high.toFixed(2)}]`;
  const byOutcome = resolved.map(({ outcome, rows }) =>
    `<li>${escapeHtml(figureLabel(outcome))} — ${rows.length === 0 ? 'no parameter resolved (every interval includes zero)' : rows.map((row) => `${escapeHtml(parameterLabel(row.parameter))} ${coefficient(row)}`).join('; ')}</li>`,
  );
  const lead = top === undefined
    ? 'No uncertain parameter moves an outcome by more than its interval.'
    : `The most influential uncertain parameter is <b>${escapeHtml(parameterLabel(top))}</b>, first for ${count} of the ${drivers.length} outcomes ranked.`;
  return [`${lead} By outcome, in the ${escapeHtml(variants[0]!)} (standardised rank regression coefficients, SRRC, with 95% intervals; + raises the outcome, − lowers it):<ul>${byOutcome.join('')}</ul>`];
}

/** `a`, `a and b`, `a, b and c`. */
function list(parts: readonly string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join('; ')}; and ${parts.at(-1)}`;
}
