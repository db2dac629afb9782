import { mkdtempSync, rmSync } from 'node:fs';
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

describeWithBrowser('the report in a real browser', () => {
  let root: string;
  let report: ReportOutcome;
  let page: PageReport<{ marks: Record<string, number>; printed: { charts: number; visible: number; nav: boolean } }>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'computerace-report-browser-'));
    await runBatch({ scenario: SCENARIO, runs: 60, seed: 8, workers: 0, timeseries: 'all', out: join(root, 'batch') });
    report = await writeReport(join(root, 'batch'));
    page = await inspectPage(report.path, {
      screenshot: join(root, 'report.png'),
      // Data marks, as Vega names them (role-mark), apart from axes, titles and legends, drawn with a visible size.
      query: async (tab) => {
        const marks = await tab.$$eval('[data-chart]', (figures) => Object.fromEntries(figures.map((figure) => [
          figure.getAttribute('data-chart'),
          [...figure.querySelectorAll('g.role-mark > *')].filter((mark) => { const box = mark.getBoundingClientRect(); return box.width > 0 || box.height > 0; }).length,
        ])));
        // On paper: every chart still laid out, the contents list (links) left out.
        await tab.emulateMedia({ media: 'print' });
        const widths = await tab.$$eval('[data-chart] svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect().width));
        const nav = await tab.$eval('nav', (element) => element.getBoundingClientRect().height > 0);
        return { marks, printed: { charts: widths.length, visible: widths.filter((width) => width > 0).length, nav } };
      },
    });
  }, 180_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('opens offline with no console error and no request', () => {
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
    // A fan chart panel has two bands and a line for each of two variants, in each of its panels.
    expect(page.queried.marks['fan-lab-secured']).toBeGreaterThanOrEqual(4 * 2 * 3);
  });

  it('prints every chart, without the contents list', () => {
    expect(page.queried.printed).toEqual({ charts: report.charts.length, visible: report.charts.length, nav: false });
  });

  it('is not blank', () => {
    expect(page.blank).toBe(false);
    expect(page.withoutJavaScript.blank).toBe(false);
  });
});
