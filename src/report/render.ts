import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite specifications to SVG, in Node, with no canvas and no browser: Vega's headless view
 * renders its scenegraph to an SVG string (text widths are estimated rather than measured, which
 * is why the report's labels are short). The SVG goes into the page as it is, so charts need no
 * script to display, print as vectors, and the page makes no request; the page's few lines of
 * script only add tooltips, from the marks' aria-labels.
 */

/** The colours of categories (variants first): the page's swatches and the charts draw from it. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'] as const;

/** Looks shared by every chart, so the page reads as one document. */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee' },
  header: { labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFontSize: 10, titleFontSize: 11, orient: 'bottom' },
  title: { fontSize: 13, anchor: 'start', fontWeight: 'bold' },
  range: { category: [...PALETTE] },
} as const;

/** Draws a chart into the page: renders `spec` into a figure named `name` (and records the name). */
export type Draw = (name: string, spec: TopLevelSpec, caption?: string) => Promise<string>;

/** The chart as an SVG document string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: Vega takes a moment to start, and importing the library should not pay it.
  const [{ View, parse }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const { spec: vegaSpec } = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec);
  const view = new View(parse(vegaSpec), { renderer: 'none', logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
