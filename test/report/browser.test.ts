import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { writeReport } from '../../src/report/report.js';
import type { ReportOutcome } from '../../src/report/report.js';
import { describeWithBrowser, inspectPage } from '../support/browser.js';
import type { PageReport } from '../support/browser.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/multicloud-vs-exclusive.yaml', import.meta.url));
/** Where the screenshots of each section are left for a person to look at (test/.tmp is not committed). */
const SCREENSHOTS = fileURLToPath(new URL('../.tmp/report-browser/', import.meta.url));

/** What a tooltip showed: visible or not, and its lines. */
interface Tooltip {
  visible: boolean;
  lines: string[];
}

interface Queried {
  marks: Record<string, number>;
  printed: { charts: number; visible: number; nav: boolean };
  sections: string[];
  fanTooltip: Tooltip;
  histogramTooltip: Tooltip;
  toggled: { hiddenShown: number; hiddenMarks: number; othersShown: number; rowsBefore: number; rowsShown: number; tooltip: Tooltip };
  /** Whether the variant's marks all show again once its box is checked again. */
  restored: boolean;
}

describeWithBrowser('the report in a real browser', () => {
  let root: string;
  let report: ReportOutcome;
  let page: PageReport<Queried>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'computerace-report-browser-'));
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await runBatch({ scenario: SCENARIO, runs: 60, seed: 8, workers: 0, timeseries: 'all', out: join(root, 'batch') });
    report = await writeReport(join(root, 'batch'));
    page = await inspectPage<Queried>(report.path, {
      screenshot: join(SCREENSHOTS, 'report.png'),
      query: async (tab) => {
        // Data marks, as Vega names them (role-mark), apart from axes, titles and legends, drawn with a visible size.
        const marks = await tab.$$eval('[data-chart]', (figures) => Object.fromEntries(figures.map((figure) => [
          figure.getAttribute('data-chart'),
          [...figure.querySelectorAll('g.role-mark > *')].filter((mark) => { const box = mark.getBoundingClientRect(); return box.width > 0 || box.height > 0; }).length,
        ])));
        // A screenshot of each section, with the variant bar left in place rather than stuck over the section.
        const unstick = await tab.addStyleTag({ content: 'fieldset.variants { position: static !important; }' });
        const sections: string[] = [];
        for (const section of await tab.$$('header, section')) {
          const id = (await section.getAttribute('id')) ?? 'header';
          await section.screenshot({ path: join(SCREENSHOTS, `${String(sections.length).padStart(2, '0')}-${id}.png`) });
          sections.push(id);
        }
        await unstick.evaluate((style) => style.remove());
        const tooltip = (): Promise<Tooltip> => tab.$eval('.tooltip', (tip) => ({ visible: !tip.hasAttribute('hidden') && tip.getBoundingClientRect().width > 0, lines: [...tip.children].map((line) => line.textContent ?? '') }));
        // Hovering a month of a fan chart: its date, each variant's median and percentiles.
        const hoverMonth = async (): Promise<Tooltip> => {
          const month = tab.locator('[data-chart="fan-lab-secured"] g[class*="hover__"] > path').nth(30);
          await month.scrollIntoViewIfNeeded();
          await month.hover({ force: true });
          return tooltip();
        };
        const fanTooltip = await hoverMonth();
        const bin = tab.locator('[data-chart="histogram:labs.openai.shortfallShare"] g[class*="hover__"] > path').nth(0);
        await bin.scrollIntoViewIfNeeded();
        await bin.hover({ force: true });
        const histogramTooltip = await tooltip();
        // The toggle: unchecking a variant hides its series in every chart, its table rows and its tooltip lines.
        // Shown: laid out with a size (display: none, on the element or an ancestor, leaves none).
        const shown = (selector: string) => tab.$$eval(selector, (elements) => elements.filter((element) => element.getBoundingClientRect().width + element.getBoundingClientRect().height > 0).length);
        const before = await shown('[data-chart] [class*="variant_1__"]');
        const rowsBefore = await shown('tr[data-variant="1"], td[data-variant="1"]');
        await tab.click('label:has(#show-variant-1)');
        const toggled = {
          hiddenShown: await shown('[data-chart] [class*="variant_1__"]'),
          hiddenMarks: (await tab.$$('[data-chart] [class*="variant_1__"]')).length,
          othersShown: await shown('[data-chart] [class*="variant_0__"]'),
          rowsBefore,
          rowsShown: await shown('tr[data-variant="1"], td[data-variant="1"]'),
          tooltip: await hoverMonth(),
        };
        await tab.click('label:has(#show-variant-1)');
        const restored = (await shown('[data-chart] [class*="variant_1__"]')) === before;
        // On paper: every chart still laid out, the contents list (links) left out.
        await tab.emulateMedia({ media: 'print' });
        const widths = await tab.$$eval('[data-chart] svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect().width));
        const nav = await tab.$eval('nav', (element) => element.getBoundingClientRect().height > 0);
        return { marks, printed: { charts: widths.length, visible: widths.filter((width) => width > 0).length, nav }, sections, fanTooltip, histogramTooltip, toggled, restored };
      },
    });
  }, 240_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('opens offline with no console error and no request, its one script inline', () => {
    expect(page.consoleErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.failedRequests).toEqual([]);
    expect(page.scripts).toEqual([]);
    expect(page.stylesheets).toEqual([]);
    expect(page.title).toContain('multicloud-vs-exclusive');
  });

  it('shows every chart the report drew, each a non-empty SVG, with JavaScript and without', () => {
    expect(report.charts.length).toBeGreaterThan(30);
    for (const view of [page, page.withoutJavaScript]) {
      expect(view.charts.map((chart) => chart.name)).toEqual(report.charts);
      for (const chart of view.charts) {
        expect(chart.svg, chart.name).toBe(true);
        // Axes alone draw a few dozen marks; a chart with its data draws more.
        expect(chart.marks, chart.name).toBeGreaterThan(20);
      }
    }
  });

  it('draws data in every chart, not only its axes', () => {
    for (const name of report.charts) expect(page.queried.marks[name], name).toBeGreaterThan(0);
    // A fan chart panel has a band and a line for each of four variants, in each of its panels.
    expect(page.queried.marks['fan-lab-secured']).toBeGreaterThanOrEqual(4 * 4 * 2);
  });

  it('leaves a screenshot of the header and of each section', () => {
    expect(page.queried.sections).toEqual(['header', 'findings', 'results', 'fans', 'outcomes', 'variants', 'sensitivity', 'shocks', 'provenance']);
  });

  it('shows a tooltip with the date, the value and its percentiles when a chart is hovered', () => {
    const { visible, lines } = page.queried.fanTooltip;
    expect(visible).toBe(true);
    expect(lines[0]).toMatch(/^openai, \d{4}-\d\d \(H100e\)$/);
    expect(lines.slice(1).map((line) => line.split(':')[0])).toEqual(['baseline', 'exclusive-azure', 'rofr-to-2030', 'no-google-cloud']);
    for (const line of lines.slice(1)) expect(line).toMatch(/: median [\d.]+[kM]?; p25–p75 [\d.]+[kM]?–[\d.]+[kM]?; p5–p95 [\d.]+[kM]?–[\d.]+[kM]?; demand median [\d.]+[kM]?$/);
    const histogram = page.queried.histogramTooltip;
    expect(histogram.visible).toBe(true);
    expect(histogram.lines[0]).toMatch(/^openai shortfall, % of demand: [\d.]+ to [\d.]+$/);
    expect(histogram.lines[1]).toMatch(/^baseline: [\d.]+% of runs in this bin; \d+% at or below [\d.]+ \(percentile \d+\); mean [\d.]+ \[[\d.]+, [\d.]+\]$/);
  });

  it('hides a variant\'s series, rows and tooltip lines with its toggle, and shows them again', () => {
    const { hiddenShown, hiddenMarks, othersShown, rowsBefore, rowsShown, tooltip } = page.queried.toggled;
    expect(hiddenMarks).toBeGreaterThan(100);
    expect(hiddenShown).toBe(0);
    expect(rowsBefore).toBeGreaterThan(0);
    expect(rowsShown).toBe(0);
    expect(othersShown).toBeGreaterThan(100);
    expect(tooltip.lines.slice(1).map((line) => line.split(':')[0])).toEqual(['baseline', 'rofr-to-2030', 'no-google-cloud']);
    expect(page.queried.restored).toBe(true);
  });

  it('prints every chart, without the contents list', () => {
    expect(page.queried.printed).toEqual({ charts: report.charts.length, visible: report.charts.length, nav: false });
  });

  it('is not blank', () => {
    expect(page.blank).toBe(false);
    expect(page.withoutJavaScript.blank).toBe(false);
  });
});
