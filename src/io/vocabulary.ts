/**
 * The words of every output: one name per unit and one definition per run-level figure, read by the
 * Arrow field metadata (layout.ts), the terminal summaries (src/cli) and the report (src/report), so
 * a figure reads the same wherever it appears. Prices are per H100e-hour (an hour of a chip counts
 * its throughput relative to an H100: docs/model.md); the one price per chip-hour says so.
 */

/** A unit as every output names it, and how its numbers are shown. */
export interface Unit {
  /** Its one name: `USD per H100e-hour`, `bn USD`, `% of demand`. */
  name: string;
  /** The name of a difference of two values: percentage points for shares, the unit itself otherwise. */
  difference: string;
  /** A shown number per stored one: 100 for a share shown in percent, 1e-9 for USD shown in bn USD. */
  scale: number;
  /** Decimals shown. */
  decimals: number;
  /** Whether values are shares of a whole, stored from 0 to 1. */
  share: boolean;
}

/** Prices: what a lab pays for an hour of an H100's worth of throughput. */
export const USD_PER_H100E_HOUR = 'USD per H100e-hour';
/** Money: spend and revenue over the horizon run to billions. */
export const BN_USD = 'bn USD';
/** The difference of two shares: 3% against 5% is 2 percentage points, not 67%. */
export const PERCENTAGE_POINTS = 'percentage points';
/** Compute: H100-equivalents. */
export const H100E = 'H100e';

/** A share of `whole`, shown in percent; its differences are percentage points. */
export function shareOf(whole: string): Unit {
  return { name: `% of ${whole}`, difference: PERCENTAGE_POINTS, scale: 100, decimals: 1, share: true };
}

/** A plain quantity (a count, a price) in its own unit, shown with `decimals`. */
function quantity(name: string, decimals: number, scale = 1): Unit {
  return { name, difference: name, scale, decimals, share: false };
}

/** The units of the run-level figures. */
export const UNITS = {
  price: quantity(USD_PER_H100E_HOUR, 2),
  money: quantity(BN_USD, 1, 1e-9),
  bids: quantity('bids', 2),
  shocks: quantity('shocks', 1),
  contracts: quantity('contracts', 0),
  events: quantity('events', 0),
} as const;

/** A figure of the runs table (one value per run): how every output names, measures and defines it. */
export interface Figure {
  /** Its name in words, after its actor's: `shortfall`, `price paid`. */
  label: string;
  unit: Unit;
  /** One line: what it is, over the horizon of a run. */
  definition: string;
  /** The unit of the stored column, for the Arrow field's description. */
  stored: string;
  /** Why a run may have no value (null in the runs table). */
  missing?: string;
}

/** The per-lab and market-wide figures of the runs table, by column suffix. */
export const FIGURES = {
  shortfallShare: {
    label: 'shortfall', unit: shareOf('demand'), stored: 'a share of demand, 0 to 1',
    definition: "demand no provider served, as a share of the lab's demand over the horizon (H100e-days)",
  },
  worstYearShortfallShare: {
    label: 'worst-year shortfall', unit: shareOf('demand'), stored: 'a share of demand, 0 to 1',
    definition: 'the largest shortfall of any calendar year of the horizon, as a share of that year\'s demand',
  },
  totalSpendUsd: {
    label: 'spend', unit: UNITS.money, stored: 'USD',
    definition: 'the total paid for reserved contracts and spot compute over the horizon',
  },
  avgPriceUsdPerGpuHour: {
    label: 'price paid', unit: UNITS.price, stored: USD_PER_H100E_HOUR, missing: 'null when nothing was delivered',
    definition: 'spend over the horizon divided by the H100e-hours delivered',
  },
  tenderPriceUsdPerGpuHour: {
    label: 'tender price', unit: UNITS.price, stored: USD_PER_H100E_HOUR, missing: 'null when the lab won no tender',
    definition: 'the volume-weighted price of the blocks the lab won in tenders over the horizon',
  },
  biddersPerTender: {
    label: 'bids per tender', unit: UNITS.bids, stored: 'bids', missing: 'null when the lab held no tender',
    definition: 'the mean number of sealed bids per tender the lab held over the horizon',
  },
  incumbentBlockShare: {
    label: "incumbent's share of blocks", unit: shareOf('volume won'), stored: 'a share of volume won, 0 to 1', missing: 'null when the lab won none with an incumbent',
    definition: 'the share of the volume the lab won in tenders that went to its incumbent of the time',
  },
  finalMarketShare: {
    label: 'final market share', unit: shareOf('compute sold'), stored: 'a share of compute sold to labs, 0 to 1',
    definition: "the provider's share of the compute sold to labs in the last month of the horizon",
  },
  avgSpotPriceUsdPerGpuHour: {
    label: 'spot price', unit: UNITS.price, stored: USD_PER_H100E_HOUR,
    definition: 'the mean over the months of the horizon of the spot price index',
  },
  avgContractPriceUsdPerGpuHour: {
    label: 'contract price', unit: UNITS.price, stored: USD_PER_H100E_HOUR, missing: 'null when no contract was ever in force',
    definition: 'the mean, over the months of the horizon with a contract in force, of the price of the reserved contracts in force',
  },
  shocks: { label: 'shocks', unit: UNITS.shocks, stored: 'shocks', definition: 'shocks that started during the horizon' },
  contractsSigned: { label: 'contracts signed', unit: UNITS.contracts, stored: 'contracts', definition: 'contracts signed during the horizon' },
  events: { label: 'events of note', unit: UNITS.events, stored: 'events', definition: 'events of note during the horizon' },
} as const satisfies Record<string, Figure>;

/** A figure's key in FIGURES. */
export type FigureName = keyof typeof FIGURES;

/** The description of a runs-table column of this figure, for its Arrow field: what it is, its unit, when it may be null. */
export function columnDescription(name: FigureName): string {
  const figure: Figure = FIGURES[name];
  return `${figure.definition}, ${figure.stored}${figure.missing ? ` (${figure.missing})` : ''}`;
}

/** The figure of a runs-table column (`labs.openai.shortfallShare`), if it is one. */
export function figureOf(column: string): Figure | undefined {
  const suffix = column.slice(column.lastIndexOf('.') + 1);
  return Object.hasOwn(FIGURES, suffix) ? FIGURES[suffix as FigureName] : undefined;
}

/** The actor a runs-table column is about: `openai` for `labs.openai.shortfallShare`, undefined for market-wide figures. */
export function ownerOf(column: string): string | undefined {
  const parts = column.split('.');
  return parts[0] === 'market' || parts.length < 3 ? undefined : parts.slice(1, -1).join('.');
}

/** A runs-table column in words, without its unit: `openai shortfall`, `spot price`. */
export function figureLabel(column: string): string {
  const label = figureOf(column)?.label ?? column.slice(column.lastIndexOf('.') + 1);
  const owner = ownerOf(column);
  return owner === undefined ? label : `${owner} ${label}`;
}

/** The unit of a runs-table column; a column this vocabulary does not know is a plain number. */
export function unitOf(column: string): Unit {
  return figureOf(column)?.unit ?? quantity('', 3);
}

/** A stored value as a number in its unit: `3.2` for a shortfall of 0.032, `534.2` for 534.2e9 USD. */
export function formatIn(unit: Unit, value: number): string {
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return String(value);
  const shown = value * unit.scale;
  // -0.0 reads as a difference of sign the runs did not show.
  return (Math.abs(shown) < 0.5 * 10 ** -unit.decimals ? 0 : shown).toFixed(unit.decimals);
}

/** A difference of two stored values in the unit of differences, signed: `+49.2` (percentage points for shares). */
export function formatDifference(unit: Unit, value: number): string {
  const text = formatIn(unit, value);
  return value > 0 && !text.startsWith('-') && Number(text) !== 0 ? `+${text}` : text;
}

/** A stored value with its unit, for a sentence: `3.2% of demand`, `1.45 USD per H100e-hour`, `534.2 bn USD`. */
export function withUnit(unit: Unit, value: number): string {
  return `${formatIn(unit, value)}${unit.name.startsWith('%') ? '' : ' '}${unit.name}`.trimEnd();
}

/** A difference with the unit of differences, for a sentence: `+49.2 percentage points`, `+3.56 USD per H100e-hour`. */
export function differenceWithUnit(unit: Unit, value: number): string {
  return `${formatDifference(unit, value)} ${unit.difference}`.trimEnd();
}

/** A mean and its interval in a unit: `3.2 [2.5, 3.9]`. */
export function meanAndInterval(unit: Unit, mean: number, low: number, high: number, difference = false): string {
  const format = difference ? formatDifference : formatIn;
  // An interval that leaves out 0 is shown with the decimals (up to three more) that keep its bounds off 0:
  // "0.00 [0.00, 0.01]" read as holding 0 beside a row marked significant.
  let shown = unit;
  const roundsToZero = (value: number): boolean => Number(formatIn(shown, value)) === 0;
  while ((low > 0 || high < 0) && (roundsToZero(low) || roundsToZero(high)) && shown.decimals < unit.decimals + 3) shown = { ...shown, decimals: shown.decimals + 1 };
  return `${format(shown, mean)} [${formatIn(shown, low)}, ${formatIn(shown, high)}]`;
}

/** A share in words, for labels and sentences: 0.1 is `10%`. */
const percentText = (share: number): string => `${share * 100}%`;

const SHORTFALL_THRESHOLD = 0.1;
const WORST_RUNS_SHARE = 0.05;

/** The risk summaries and reports give each lab, defined once: its threshold, computed and named from here. */
export const RISK = {
  /** The share of a calendar year's demand a lab must go without for a run to count. */
  threshold: SHORTFALL_THRESHOLD,
  /** The threshold in words. */
  thresholdText: percentText(SHORTFALL_THRESHOLD),
  label: `P(shortfall > ${percentText(SHORTFALL_THRESHOLD)} in some year)`,
  unit: shareOf('runs'),
  definition: `the share of runs in which the lab goes without more than ${percentText(SHORTFALL_THRESHOLD)} of its demand in some calendar year, with its 95% Wilson interval`,
} as const;

/** The expected shortfall of the worst runs, defined once: its share of runs, computed and named from here. */
export const WORST_RUNS = {
  /** The share of runs, those with the largest shortfall, whose mean shortfall it is. */
  share: WORST_RUNS_SHARE,
  /** The share in words. */
  shareText: percentText(WORST_RUNS_SHARE),
  label: `shortfall in the worst ${percentText(WORST_RUNS_SHARE)} of runs`,
  unit: shareOf('demand'),
  definition: `the mean shortfall over the horizon of the ${percentText(WORST_RUNS_SHARE)} of runs in which the lab's shortfall is largest`,
} as const;

/** What `mean [95% CI]` and a paired difference mean, in one line each. */
export const STATISTICS = {
  mean: 'mean [95% CI]: the mean over the runs and the 95% confidence interval of that mean (not the spread of the runs)',
  difference: `paired difference: a variant minus the baseline, run by run on the same random numbers, in the figure's unit (${PERCENTAGE_POINTS} for shares)`,
} as const;

/** The first and last simulated days of a scenario. */
export interface Horizon {
  start: string;
  end: string;
}

/** The horizon of a resolved scenario (plain data, as the manifest keeps it), if it has one. */
export function horizonOf(scenario: unknown): Horizon | undefined {
  const { start, end } = (scenario ?? {}) as { start?: unknown; end?: unknown };
  return typeof start === 'string' && typeof end === 'string' ? { start, end } : undefined;
}

/** The horizon in words: `2025-01-01 to 2030-12-31 (6 years)`. */
export function horizonText(horizon: Horizon): string {
  const days = (Date.parse(horizon.end) - Date.parse(horizon.start)) / 86_400_000 + 1;
  const years = days / 365.25;
  const length = Number.isNaN(days) ? '' : years >= 1 ? ` (${Number(years.toFixed(1))} year${years >= 1.05 ? 's' : ''})` : ` (${Math.round(days)} days)`;
  return `${horizon.start} to ${horizon.end}${length}`;
}
