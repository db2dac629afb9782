import type { RunResult } from '../market/results.js';
import { printable } from '../printable.js';
import { FIGURES, formatIn, horizonText, withUnit } from '../io/vocabulary.js';
import type { Figure, Horizon } from '../io/vocabulary.js';

/** The summary of one run as a few readable tables, for the terminal: its horizon, its figures in the vocabulary's units, and what each means. */
export function formatRunSummary(name: string, result: RunResult, horizon?: Horizon): string {
  const { summary, market } = result;
  const lines: string[] = [];
  const span = horizon ? `horizon ${horizonText(horizon)}` : `${market[0]?.date ?? '?'} to ${market.at(-1)?.date ?? '?'}`;
  lines.push(`${printable(name)}: seed ${printable(String(result.seed))}, run ${result.runIndex}, ${market.length} months, ${span}`);
  lines.push('');
  const { shortfallShare, worstYearShortfallShare, totalSpendUsd, avgPriceUsdPerGpuHour, finalMarketShare, avgSpotPriceUsdPerGpuHour, avgContractPriceUsdPerGpuHour } = FIGURES;
  const header = (figure: Figure, label = figure.label): string => `${label} (${figure.unit.name})`;
  lines.push(table(
    ['lab', header(shortfallShare), header(worstYearShortfallShare), header(totalSpendUsd), header(avgPriceUsdPerGpuHour), 'final shares of its compute'],
    summary.labs.map((lab) => [
      lab.lab,
      formatIn(shortfallShare.unit, lab.shortfallShare),
      formatIn(worstYearShortfallShare.unit, lab.worstYearShortfallShare),
      formatIn(totalSpendUsd.unit, lab.totalSpendUsd),
      // A lab that was delivered nothing has no price paid.
      formatIn(avgPriceUsdPerGpuHour.unit, lab.avgPriceUsdPerGpuHour ?? NaN),
      Object.entries(lab.finalShares)
        .sort((a, b) => b[1] - a[1])
        .map(([provider, share]) => `${provider} ${percent(share)}`)
        .join(', '),
    ]),
  ));
  lines.push('');
  lines.push(table(
    ['provider', header(finalMarketShare)],
    Object.entries(summary.providerShares).map(([provider, share]) => [provider, formatIn(finalMarketShare.unit, share)]),
  ));
  lines.push('');
  lines.push(`${avgSpotPriceUsdPerGpuHour.label} ${withUnit(avgSpotPriceUsdPerGpuHour.unit, summary.avgSpotPriceUsdPerGpuHour)}, ${avgContractPriceUsdPerGpuHour.label} ${summary.avgContractPriceUsdPerGpuHour === null ? 'none (no contract in force)' : withUnit(avgContractPriceUsdPerGpuHour.unit, summary.avgContractPriceUsdPerGpuHour)}`);
  lines.push(`${summary.shocks} shocks, ${summary.contractsSigned} contracts signed, ${summary.events} events of note, ${result.audit.eventsFired} simulation events`);
  const sampled = Object.entries(result.sampled);
  if (sampled.length > 0) {
    lines.push('');
    lines.push('sampled parameters:');
    for (const [path, value] of sampled) lines.push(`  ${printable(path)} = ${Number(value.toPrecision(4))}`);
  }
  lines.push('', ...definitions([shortfallShare, worstYearShortfallShare, totalSpendUsd, avgPriceUsdPerGpuHour, finalMarketShare, avgSpotPriceUsdPerGpuHour, avgContractPriceUsdPerGpuHour]));
  return lines.join('\n');
}

/** One line defining each figure shown (each once, in order), then any further terms and notes. */
export function definitions(figures: readonly (Figure | undefined)[], terms: readonly { label: string; definition: string }[] = [], notes: readonly string[] = []): string[] {
  const seen = new Set<string>();
  const lines = ['where:'];
  for (const figure of [...figures, ...terms]) {
    if (figure === undefined || seen.has(figure.label)) continue;
    seen.add(figure.label);
    lines.push(`  ${figure.label}: ${figure.definition}`);
  }
  for (const note of notes) lines.push(`  ${note}`);
  return lines;
}

/** A share as a percentage with one decimal. */
export function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

/**
 * Columns padded to their widest cell, two spaces apart. Every cell is escaped first (`printable`):
 * the names in them come from scenario files, and a control character would drive the terminal or
 * break the table's lines.
 */
export function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map(printable));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]): string => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return cells.map(line).join('\n');
}
