/**
 * The page's HTML: escaping, tables and chart figures, and the one inline stylesheet. The page has
 * no script: charts are inline SVG, long blocks fold with <details>, so it reads the same with
 * JavaScript off, offline, and on paper.
 */

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A chart: its SVG in a figure named `name` (tests and readers find charts by it), with a caption. */
export function figure(name: string, svg: string, caption?: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(name)}">${svg}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
}

/** A table of text cells (already escaped or built from escaped parts); numeric columns right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: (column: number) => boolean = (column) => column > 0): string {
  const cell = (tag: string, text: string, column: number) => `<${tag}${numeric(column) ? ' class="num"' : ''}>${text}</${tag}>`;
  return `<table><thead><tr>${head.map((text, c) => cell('th', text, c)).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((text, c) => cell('td', text, c)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A section of the report with its heading and an anchor for the contents list. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${escapeHtml(id)}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

/** The stylesheet: readable on screen, charts kept whole across printed pages. */
export const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto; max-width: 1180px; padding: 1.5rem 2rem 4rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.4rem; }
p.lead { color: #555; margin-top: 0; }
nav ol { columns: 2; font-size: 0.9rem; }
.charts { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: flex-start; }
figure.chart { margin: 0.5rem 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.8rem; color: #555; max-width: 760px; }
.note { font-size: 0.85rem; color: #555; background: #f6f6f6; border-left: 3px solid #bbb; padding: 0.4rem 0.7rem; }
table { border-collapse: collapse; font-size: 0.82rem; margin: 0.5rem 0 1rem; break-inside: avoid; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.2rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #fafafa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8rem; }
pre { background: #f8f8f8; padding: 0.8rem; overflow-x: auto; white-space: pre-wrap; }
details > summary { cursor: pointer; color: #1f5fa8; }
@media print {
  body { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-before: auto; break-after: avoid; }
}
`;
