/**
 * Names on the page: column names of the runs table read as words, with their units, so a
 * strategist never has to decode `labs.openai.avgPriceUsdPerGpuHour`.
 */

const FIGURES: Record<string, { label: string; percent?: boolean }> = {
  shortfallShare: { label: 'shortfall, share of demand', percent: true },
  worstYearShortfallShare: { label: 'worst-year shortfall share', percent: true },
  totalSpendUsd: { label: 'total spend, USD' },
  avgPriceUsdPerGpuHour: { label: 'average price, USD/GPU-h' },
  tenderPriceUsdPerGpuHour: { label: 'tender price, USD/GPU-h' },
  biddersPerTender: { label: 'bids per tender' },
  incumbentBlockShare: { label: 'incumbent\'s share of blocks', percent: true },
  finalMarketShare: { label: 'final market share', percent: true },
  avgSpotPriceUsdPerGpuHour: { label: 'average spot price, USD/GPU-h' },
  avgContractPriceUsdPerGpuHour: { label: 'average contract price, USD/GPU-h' },
  shocks: { label: 'shocks per run' },
  contractsSigned: { label: 'contracts signed' },
};

/** A runs-table column as words: `labs.openai.shortfallShare` reads "openai: shortfall, share of demand". */
export function metricLabel(name: string): string {
  const parts = name.split('.');
  const figure = FIGURES[parts[parts.length - 1]!];
  const owner = parts[0] === 'market' ? 'market' : parts.slice(1, -1).join('.');
  return `${owner}: ${figure ? figure.label : parts[parts.length - 1]}`;
}

/** Whether a runs-table column is a share, shown as a percentage. */
export function isShare(name: string): boolean {
  return FIGURES[name.split('.').pop()!]?.percent === true;
}

/** A number for a table cell: shares as percentages, large amounts with SI prefixes, three significant digits. */
export function formatValue(value: number, share: boolean): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '–' : String(value);
  if (share) return `${(100 * value).toPrecision(3)}%`;
  const magnitude = Math.abs(value);
  if (magnitude >= 1e12) return `${(value / 1e12).toPrecision(3)}T`;
  if (magnitude >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (magnitude >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (magnitude >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  return value.toPrecision(3);
}
