import type { RunResult } from '../market/results.js';
import { printable } from '../printable.js';

/** The summary of one run as a few readable tables, for the terminal (names escaped: see `printable`). */
export function formatRunSummary(name: string, result: RunResult): string {
  const { summary, market } = result;
  const lines: string[] = [];
  const first = market[0];
  const last = market.at(-1);
  lines.push(`${printable(name)}: seed ${printable(String(result.seed))}, run ${result.runIndex}, ${market.length} months (${first?.date ?? '?'} to ${last?.date ?? '?'})`);
  lines.push('');
  lines.push(table(
    ['lab', 'shortfall', 'worst year', 'spend (USD bn)', 'avg price (USD/h)', 'final shares'],
    summary.labs.map((lab) => [
      lab.lab,
      percent(lab.shortfallShare),
      percent(lab.worstYearShortfallShare),
      (lab.totalSpendUsd / 1e9).toFixed(1),
      lab.avgPriceUsdPerGpuHour.toFixed(2),
      Object.entries(lab.finalShares)
        .sort((a, b) => b[1] - a[1])
        .map(([provider, share]) => `${provider} ${percent(share)}`)
        .join(', '),
    ]),
  ));
  lines.push('');
  lines.push(table(
    ['provider', 'final market share'],
    Object.entries(summary.providerShares).map(([provider, share]) => [provider, percent(share)]),
  ));
  lines.push('');
  lines.push(`average spot price ${summary.avgSpotPriceUsdPerGpuHour.toFixed(2)} USD/h, average contract price ${summary.avgContractPriceUsdPerGpuHour.toFixed(2)} USD/h`);
  lines.push(`${summary.shocks} shocks, ${summary.contractsSigned} contracts signed, ${summary.events} events of note, ${result.audit.eventsFired} simulation events`);
  const sampled = Object.entries(result.sampled);
  if (sampled.length > 0) {
    lines.push('');
    lines.push('sampled parameters:');
    for (const [path, value] of sampled) lines.push(`  ${printable(path)} = ${Number(value.toPrecision(4))}`);
  }
  return lines.join('\n');
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
