import { variantClass, variantColour } from './charts.js';

/**
 * The page's HTML: escaping, tables and chart figures, the inline stylesheet and the few lines of
 * inline script. Charts are inline SVG and long blocks fold with <details>, so the page reads the
 * same offline, on paper and with JavaScript off; the variant toggle is checkboxes and style alone
 * (`:has`), and the script only adds tooltips, from the marks' aria-labels (see charts.ts).
 */

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A chart: its SVG in a figure named `name` (tests and readers find charts by it), with a caption. */
export function figure(name: string, svg: string, caption?: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(name)}">${svg}${caption ? `<figcaption>${caption}</figcaption>` : ''}</figure>`;
}

/** Which variant (its index) a table's row or column shows, so that the variant toggle hides it with the variant's marks. */
export interface TableVariants {
  row?: (row: number) => number | undefined;
  column?: (column: number) => number | undefined;
}

/** A table of text cells (already escaped or built from escaped parts); numeric columns right-aligned; wide tables scroll. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: (column: number) => boolean = (column) => column > 0, variants: TableVariants = {}): string {
  const tagged = (v: number | undefined) => (v === undefined ? '' : ` data-variant="${v}"`);
  const cell = (tag: string, text: string, column: number) => `<${tag}${numeric(column) ? ' class="num"' : ''}${tagged(variants.column?.(column))}>${text}</${tag}>`;
  return `<div class="table"><table><thead><tr>${head.map((text, c) => cell('th', text, c)).join('')}</tr></thead><tbody>${rows
    .map((row, r) => `<tr${tagged(variants.row?.(r))}>${row.map((text, c) => cell('td', text, c)).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

/** The variant toggle: a checkbox per variant, with its colour, that shows or hides its marks in every chart (and its table rows). */
export function variantToggle(variants: readonly string[]): string {
  const boxes = variants.map((variant, v) => `<label><input type="checkbox" id="show-variant-${v}" value="${escapeHtml(variant)}" checked><span class="swatch" style="background:${variantColour(v)}"></span>${escapeHtml(variant)}</label>`);
  return `<fieldset class="variants"><legend>Variants shown</legend>${boxes.join('')}</fieldset>`;
}

/** The style that hides a variant whose box is unchecked: its marks in every chart, and its rows. */
export function variantStyle(variants: readonly string[]): string {
  return variants.map((_, v) => `body:has(#show-variant-${v}:not(:checked)) :is([class*="${variantClass(v)}"], [data-variant="${v}"]) { display: none; }`).join('\n');
}

/**
 * The page's one script: a tooltip for the mark under the pointer, from its aria-label (header, then
 * a line per variant, `|` between them), leaving out the lines of variants the toggle hides.
 */
export const SCRIPT = `(() => {
  const tip = document.createElement('div');
  tip.className = 'tooltip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  document.body.append(tip);
  const place = (event) => {
    const left = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    const below = event.clientY + 18 + tip.offsetHeight <= window.innerHeight;
    tip.style.left = Math.max(4, left) + 'px';
    tip.style.top = (below ? event.clientY + 18 : Math.max(4, event.clientY - tip.offsetHeight - 10)) + 'px';
  };
  document.addEventListener('pointermove', (event) => {
    const mark = event.target instanceof Element ? event.target.closest('figure.chart g.role-mark > [aria-label]') : null;
    if (!mark) {
      tip.hidden = true;
      return;
    }
    const [header, ...lines] = mark.getAttribute('aria-label').split('|');
    const boxes = Array.from(document.querySelectorAll('.variants input'));
    const variantOf = (line) => boxes.find((box) => line.startsWith(box.value + ': '));
    const shown = lines.filter((line) => variantOf(line)?.checked !== false);
    tip.replaceChildren(Object.assign(document.createElement('strong'), { textContent: header }), ...shown.map((line) => {
      const row = Object.assign(document.createElement('div'), { textContent: line });
      const swatch = variantOf(line)?.nextElementSibling;
      if (swatch) row.style.borderLeft = '3px solid ' + swatch.style.background;
      return row;
    }));
    tip.hidden = false;
    place(event);
  });
  document.documentElement.addEventListener('pointerleave', () => { tip.hidden = true; });
})();`;

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
div.table { overflow-x: auto; max-width: 100%; }
td.num, td:first-child { white-space: nowrap; }
th { background: #fafafa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8rem; }
pre { background: #f8f8f8; padding: 0.8rem; overflow-x: auto; white-space: pre-wrap; }
details > summary { cursor: pointer; color: #1f5fa8; }
p.description { font-size: 1.02rem; max-width: 900px; }
ul.findings li { margin: 0.35rem 0; max-width: 980px; }
dl.definitions { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; font-size: 0.85rem; max-width: 1000px; }
dl.definitions dt { font-weight: 600; }
dl.definitions dd { margin: 0; color: #333; }
fieldset.variants { position: sticky; top: 0; margin-top: 0; z-index: 2; background: rgba(255, 255, 255, 0.95); border: 1px solid #ddd; border-radius: 4px; padding: 0.3rem 0.7rem; margin: 0.8rem 0; font-size: 0.88rem; }
fieldset.variants legend { font-weight: 600; padding: 0 0.3rem; }
fieldset.variants label { margin-right: 1.2rem; white-space: nowrap; cursor: pointer; }
.swatch { display: inline-block; width: 1.4rem; height: 0.25rem; margin: 0 0.35rem 0.2rem 0.2rem; vertical-align: middle; }
figure.chart g[class*="hover__"] > path:hover { opacity: 0.1; }
figure.chart g[class*="tip__"] > path:hover { stroke: #222; stroke-width: 1.5px; }
.tooltip { position: fixed; z-index: 10; pointer-events: none; background: #fff; border: 1px solid #bbb; border-radius: 3px; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.15); padding: 0.35rem 0.55rem; font-size: 0.78rem; max-width: 460px; }
.tooltip strong { display: block; margin-bottom: 0.15rem; }
.tooltip div { padding-left: 0.35rem; margin: 0.1rem 0; }
.marks-key { font-size: 0.8rem; color: #555; }
.marks-key .rule { display: inline-block; width: 1.2rem; border-top: 2px dashed; vertical-align: middle; margin: 0 0.3rem; }
@media print {
  body { max-width: none; padding: 0; }
  nav, .tooltip { display: none; }
  fieldset.variants { position: static; }
  h2 { break-before: auto; break-after: avoid; }
}
`;
