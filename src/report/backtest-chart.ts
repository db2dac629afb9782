import type { TopLevelSpec } from 'vega-lite';
import type { BacktestOutcome } from '../experiment/backtest.js';
import { OWN_FILES, refuseToReplace, writeWhole } from '../io/outputs.js';
import { USD_PER_H100E_HOUR } from '../io/vocabulary.js';
import { renderSvg } from './render.js';

/**
 * The back-test's price chart: each priced chip's monthly price over the runs (median line, p5-p95
 * band) with the observed bands of the targets that read that price drawn over it as boxes, one box
 * per target spanning its months and its band. A ratio target is a statement about two of those
 * boxes and has none of its own.
 */

/** The chart as a Vega-Lite specification, one panel per priced chip. */
function backtestChartSpec(outcome: BacktestOutcome): TopLevelSpec {
  // A chip priced both ways has two panels, told apart by their titles.
  const both = new Set(outcome.pricePaths.filter((path) => outcome.pricePaths.some((other) => other.chip === path.chip && other.per !== path.per)).map((path) => path.chip));
  const panels = outcome.pricePaths.map((path) => {
    const unit = path.per === 'chip' ? `USD per ${path.chip} chip-hour` : USD_PER_H100E_HOUR;
    const months = path.dates.flatMap((date, m) => (Number.isNaN(path.p50[m]!) ? [] : [{ date, p5: path.p5[m], p50: path.p50[m], p95: path.p95[m] }]));
    const bands = outcome.targets.flatMap((target) => {
      const spec = target.metric;
      if (!('chipPrice' in spec) || spec.chipPrice.chip !== path.chip || spec.chipPrice.per !== path.per || target.band === undefined) return [];
      return [{ target, from: spec.chipPrice.from, to: spec.chipPrice.to, band: target.band }];
    });
    // A band open at the top is drawn to the highest figure the panel shows; one open at the bottom from 0.
    const top = Math.max(0, ...months.map((month) => month.p95!), ...bands.flatMap(({ band }) => band.filter((edge): edge is number => edge !== null)));
    const observed = bands.map(({ target, from, to, band: [low, high] }) => ({
      target: target.id,
      // A box runs from the first day of its first month to the last day of its last month.
      from: `${from.slice(0, 7)}-01`,
      to: endOfMonth(to),
      low: low ?? 0,
      high: high ?? top,
      met: target.met ? 'met' : 'not met',
    }));
    const priced = both.has(path.chip) ? `${path.chip} (${path.per === 'chip' ? 'per chip' : 'per H100e'})` : path.chip;
    const x = { field: 'date', type: 'temporal', title: null, axis: { format: '%Y', tickCount: 'year' } } as const;
    const y = { type: 'quantitative', title: unit, scale: { zero: true } } as const;
    return {
      title: { text: `${priced}: model (median, p5-p95 of ${outcome.runs} runs) and observed bands`, fontSize: 12 },
      width: 560,
      height: 220,
      layer: [
        { data: { values: months }, mark: { type: 'area', opacity: 0.2, color: '#1f77b4' }, encoding: { x, y: { ...y, field: 'p5' }, y2: { field: 'p95' } } },
        { data: { values: months }, mark: { type: 'line', color: '#1f77b4', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'p50' } } },
        {
          data: { values: observed },
          mark: { type: 'rect', fillOpacity: 0.25, strokeWidth: 1.5 },
          encoding: {
            x: { field: 'from', type: 'temporal' },
            x2: { field: 'to' },
            y: { ...y, field: 'low' },
            y2: { field: 'high' },
            color: { field: 'met', type: 'nominal', title: 'observed band', scale: { domain: ['met', 'not met'], range: ['#2ca02c', '#d62728'] } },
          },
        },
      ],
    };
  });
  return { vconcat: panels } as unknown as TopLevelSpec;
}

function endOfMonth(date: string): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${date.slice(0, 7)}-${String(last).padStart(2, '0')}`;
}

/** Renders the chart to SVG at `path`, written under a temporary name and renamed, so no half-written file is left. */
export async function writeBacktestChart(outcome: BacktestOutcome, path: string): Promise<void> {
  await refuseToReplace(path, 'chart');
  // Marked, so that the next back-test may replace it and nothing else is (refuseToReplace).
  await writeWhole(path, `${OWN_FILES.chart.mark} backtest -->\n${await renderSvg(backtestChartSpec(outcome))}`);
}
