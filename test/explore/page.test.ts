import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser } from '../support/browser.js';
import { bin, computerace } from '../support/cli.js';
import { openLocalPage } from '../support/local-page.js';
import type { LocalPage } from '../support/local-page.js';

/**
 * The explore page driven in headless Chromium, as a strategist uses it: `computerace explore` serves
 * a shipped scenario, a control changes and the charts follow, a bad value is shown beside its
 * control, comparison mode pairs the edit with the file as loaded on the same runs, a percentile run
 * is drilled into, and the exported YAML validates and reproduces the page's numbers with
 * `computerace run`. Screenshots go to test/.tmp/explore/. Built first (`npm run build`).
 */

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const SHOTS = fileURLToPath(new URL('../.tmp/explore/', import.meta.url));
/**
 * Runs of each batch. Each costs CPU in Chromium's workers (five batches and a comparison) and in
 * `computerace run`; 20 are still several blocks of the workers (explorer.ts), a p95 that is not the
 * largest run, and fans with every band, which is all that is asserted of them.
 */
const RUNS = 20;
const SEED = '7';

/** A key metric's figure in the page's table: `data-value` of the cell of (metric, variant, stat). */
type Table = Record<string, number>;

describeWithBrowser('the explore page in a real browser', () => {
  let server: ChildProcess;
  let origin: string;
  let tab: LocalPage;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'computerace-explore-page-'));
    mkdirSync(SHOTS, { recursive: true });
    server = spawn(process.execPath, [bin, 'explore', SCENARIO, '--runs', String(RUNS), '--seed', SEED], { stdio: ['ignore', 'pipe', 'inherit'] });
    origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += String(chunk);
        const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1]!);
      });
      server.once('exit', (code) => reject(new Error(`computerace explore exited with ${code}`)));
    });
    tab = await openLocalPage(origin, { viewport: { width: 1500, height: 1000 } });
  }, 120_000);

  afterAll(async () => {
    await tab?.close();
    server?.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until generation `generation` has all its runs drawn, and returns the table's figures. */
  async function settled(generation: number): Promise<Table> {
    await tab.page.waitForFunction(
      ({ generation, runs }) => {
        const { body } = (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } }).document;
        return body.dataset.generation === String(generation) && body.dataset.state === 'done' && body.dataset.rendered === String(runs);
      },
      { generation, runs: RUNS },
      { timeout: 300_000, polling: 200 },
    );
    return tab.page.$$eval('td[data-value]', (cells) => Object.fromEntries(cells.map((cell) => [`${cell.getAttribute('data-metric')}|${cell.getAttribute('data-variant')}|${cell.getAttribute('data-stat')}`, Number(cell.getAttribute('data-value'))])));
  }

  const generation = async (): Promise<number> => Number(await tab.page.getAttribute('body', 'data-generation'));
  const shot = (name: string) => tab.page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const control = (path: string) => tab.page.locator(`.control[data-path="${path}"]`);
  /** Types `value` into a control's number box and lets go of it, as a user does. */
  const typeInto = async (path: string, value: string): Promise<void> => {
    const box = control(path).locator('input[type="number"]');
    await box.fill(value);
    await box.dispatchEvent('change');
  };

  let asLoaded: Table;
  let edited: Table;
  let compared: Table;

  it('loads a shipped scenario, runs it in workers and draws every chart and the key metrics', async () => {
    await tab.page.goto(origin);
    asLoaded = await settled(1);
    const charts = await tab.page.$$eval('[data-chart]', (figures) => figures.map((figure) => ({ name: figure.getAttribute('data-chart'), runs: figure.getAttribute('data-runs'), paths: figure.querySelectorAll('svg path').length })));
    expect(charts.map((chart) => chart.name)).toEqual(['secured', 'shortfall', 'prices', 'lab-shares', 'market-shares']);
    for (const chart of charts) {
      expect(chart.runs, chart.name!).toBe(String(RUNS));
      expect(chart.paths, chart.name!).toBeGreaterThan(2);
    }
    expect(asLoaded['labs.openai.shortfallShare|baseline|mean']).toBeGreaterThanOrEqual(0);
    expect(await control('labs.openai.procurement.strategy').locator('select').inputValue()).toBe('exclusive');
    await shot('1-loaded');
  }, 600_000);

  it('follows a change of a control: new runs, new charts', async () => {
    const before = await tab.page.getAttribute('[data-chart="lab-shares"] path.median', 'd');
    await control('labs.openai.procurement.strategy').locator('select').selectOption('multi');
    await typeInto('labs.openai.procurement.maxShare', '0.3');
    edited = await settled(await generation());
    expect(await tab.page.getAttribute('#charts', 'data-generation')).toBe(String(await generation()));
    expect(await tab.page.getAttribute('[data-chart="lab-shares"] path.median', 'd')).not.toBe(before);
    expect(edited['labs.openai.avgPriceUsdPerGpuHour|baseline|mean']).not.toBe(asLoaded['labs.openai.avgPriceUsdPerGpuHour|baseline|mean']);
    expect(await control('labs.openai.procurement.maxShare').getAttribute('class')).toContain('changed');
    await shot('2-changed');
    // A timeline entry switched off and on again: a run of its own, then the runs shown before.
    const switchedOn = await generation();
    await tab.page.locator('input[data-timeline="1"]').uncheck();
    const withoutGoogle = await settled(switchedOn + 1);
    expect(withoutGoogle['providers.google-cloud.finalMarketShare|baseline|mean']).not.toBe(edited['providers.google-cloud.finalMarketShare|baseline|mean']);
    await tab.page.locator('input[data-timeline="1"]').check();
    expect(await settled(switchedOn + 2)).toEqual(edited);
  }, 600_000);

  it('shows a value the schema refuses beside its control, and runs nothing until it is fixed', async () => {
    const last = await generation();
    await typeInto('labs.openai.procurement.maxShare', '2');
    await tab.page.waitForFunction(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.state === 'invalid');
    expect(await control('labs.openai.procurement.maxShare').locator('.problem').textContent()).toContain('expected a share in [0, 1], got 2');
    expect(await generation()).toBe(last);
    await shot('3-invalid');
    // Set back, the scenario is the one whose runs are shown: nothing runs again.
    await typeInto('labs.openai.procurement.maxShare', '0.3');
    expect(await settled(last)).toEqual(edited);
    expect(await control('labs.openai.procurement.maxShare').locator('.problem').isHidden()).toBe(true);
  }, 600_000);

  it('checks formulas as the CLI does, and shows a problem of the file\'s text beside its line', async () => {
    const last = await generation();
    const formula = control('labs.openai.budgetUsdPerYear').locator('input.formula');
    await formula.fill('2 * revenue + constructor');
    await formula.dispatchEvent('change');
    await tab.page.waitForFunction(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.state === 'invalid');
    expect(await control('labs.openai.budgetUsdPerYear').locator('.problem').textContent()).toMatch(/constructor/);
    await control('labs.openai.budgetUsdPerYear').locator('button.reset').click();
    expect(await settled(last)).toEqual(edited);
    // The file's text, with a share of 5 on the line that sets OpenAI's cap.
    await tab.page.locator('summary', { hasText: 'Scenario files (YAML)' }).click();
    const text = await tab.page.locator('textarea.source').inputValue();
    const line = text.split('\n').findIndex((row) => row.includes('maxShare: 0.5 ')) + 1;
    await tab.page.locator('textarea.source').fill(text.replace('maxShare: 0.5 ', 'maxShare: 5   '));
    await tab.page.locator('.editor button').click();
    await tab.page.waitForSelector('.file-problems li');
    expect(await tab.page.locator('.file-problems li').first().textContent()).toBe(`openai-multicloud-2025.yaml:${line}:17: labs[0].procurement.maxShare: expected a share in [0, 1], got 5`);
    expect(await tab.page.locator('.gutter .bad').textContent()).toBe(`${line}\n`);
    await shot('4-file-problem');
    await tab.page.locator('textarea.source').fill(text);
    await tab.page.locator('.editor button').click();
    expect(await settled(last)).toEqual(edited);
    // A contract that ends before the scenario starts is allowed, so the page runs it, with a warning beside its line.
    const contract = 'volumeH100e: 340000, priceUsdPerGpuHour: 2.75, start: 2024-07-01, end: 2026-12-31';
    const contractLine = text.split('\n').findIndex((row) => row.includes(contract)) + 1;
    const warnedFrom = await generation();
    await tab.page.locator('textarea.source').fill(text.replace(contract, contract.replace('end: 2026-12-31', 'end: 2024-12-31')));
    await tab.page.locator('.editor button').click();
    await tab.page.waitForSelector('.file-problems li.warning');
    expect(await tab.page.locator('.file-problems li.warning').textContent()).toMatch(
      new RegExp(`^openai-multicloud-2025\\.yaml:${contractLine}:\\d+: contracts\\[0\\]\\.end: warning: the contract ends \\(2024-12-31\\) by the scenario's start \\(2025-01-01\\): it is never in force, and is ignored$`),
    );
    expect(await tab.page.locator('.gutter .warned').textContent()).toBe(`${contractLine}\n`);
    await settled(warnedFrom + 1);
    await tab.page.locator('textarea.source').fill(text);
    await tab.page.locator('.editor button').click();
    expect(await settled(warnedFrom + 2)).toEqual(edited);
    expect(await tab.page.locator('.file-problems li').count()).toBe(0);
  }, 600_000);

  it('compares the edit with the file as loaded on the same runs: each side\'s numbers as alone, and their paired difference', async () => {
    await tab.page.check('#compare');
    compared = await settled(await generation());
    const names = Object.keys(edited).filter((key) => key.endsWith('|baseline|mean')).map((key) => key.split('|')[0]!);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      // Common random numbers: run i of each side is run i as it ran alone.
      expect(compared[`${name}|edited|mean`], name).toBe(edited[`${name}|baseline|mean`]);
      expect(compared[`${name}|as-loaded|mean`], name).toBe(asLoaded[`${name}|baseline|mean`]);
    }
    const difference = compared['labs.openai.avgPriceUsdPerGpuHour|difference|mean']!;
    expect(difference).toBeCloseTo(compared['labs.openai.avgPriceUsdPerGpuHour|edited|mean']! - compared['labs.openai.avgPriceUsdPerGpuHour|as-loaded|mean']!, 12);
    expect(await tab.page.locator('[data-chart="secured"] path.compare').count()).toBe(1);
    await shot('5-compared');
  }, 600_000);

  it('drills down into the run at a percentile: its tenders, contracts and events', async () => {
    await tab.page.selectOption('#drill-metric', 'labs.openai.shortfallShare');
    await tab.page.selectOption('#drill-percentile', '95');
    await tab.page.click('#drill-show');
    await tab.page.waitForSelector('.run-details', { timeout: 120_000 });
    const text = await tab.page.locator('#drill-result').textContent();
    expect(text).toMatch(new RegExp(`run \\d+: labs\\.openai\\.shortfallShare = .*, the p95 of ${RUNS} runs`));
    expect(text).toContain('Tenders of openai');
    expect(text).toContain('Contracts of openai');
    expect(await tab.page.locator('.run-details table').count()).toBeGreaterThanOrEqual(3);
    await shot('6-drill-down');
  }, 600_000);

  it('exports YAML that computerace validate accepts and computerace run reproduces, and the runs as Arrow', async () => {
    const [yaml] = await Promise.all([tab.page.waitForEvent('download'), tab.page.click('#export-yaml')]);
    const file = join(dir, yaml.suggestedFilename());
    await yaml.saveAs(file);
    expect(await computerace('validate', file)).toMatchObject({ status: 0, stdout: `${file}: ok\n` });
    const out = join(dir, 'run');
    const run = await computerace('run', file, '--seed', SEED, '--runs', String(RUNS), '--out', out, '--quiet');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { metrics: { baseline: Record<string, { mean: number; ci95: [number, number] }> } };
    const names = Object.keys(edited).filter((key) => key.endsWith('|baseline|mean')).map((key) => key.split('|')[0]!);
    for (const name of names) expect(summary.metrics.baseline[name]!.mean, name).toBe(compared[`${name}|edited|mean`]);

    const [arrow] = await Promise.all([tab.page.waitForEvent('download'), tab.page.click('#export-arrow')]);
    const runsFile = join(dir, arrow.suggestedFilename());
    await arrow.saveAs(runsFile);
    const fromPage = tableFromIPC(readFileSync(runsFile));
    const fromCli = tableFromIPC(readFileSync(join(out, 'runs.arrow')));
    expect(fromPage.numRows).toBe(2 * RUNS);
    expect(fromPage.schema.fields.map((field) => field.name)).toEqual(fromCli.schema.fields.map((field) => field.name));
    const variant = fromPage.getChild('variant')!.toArray() as string[];
    const column = (table: typeof fromPage, name: string): number[] => Array.from(table.getChild(name)!.toArray() as Float64Array);
    const editedRows = (name: string): number[] => column(fromPage, name).filter((_, row) => variant[row] === 'edited');
    for (const name of ['labs.openai.shortfallShare', 'market.avgSpotPriceUsdPerGpuHour', 'providers.azure.finalMarketShare']) expect(editedRows(name), name).toEqual(column(fromCli, name));
  }, 600_000);

  it('logged no error and asked for nothing outside localhost', async () => {
    expect(tab.consoleErrors).toEqual([]);
    expect(tab.outside).toEqual([]);
  });
});
