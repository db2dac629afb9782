import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import type { BatchOutcome } from '../../src/experiment/batch.js';
import { runScenario } from '../../src/market/run.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { loadScenario } from '../../src/scenario/load.js';
import { formatWarning } from '../../src/scenario/problems.js';
import { NULLABLE_FIELDS } from '../support/nullable.js';

// The batch runner imports its worker from dist/ only when built; tests run the pool from the build.
const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
// With --timeseries all: a monthly table for every kind of actor.
const FILES = ['runs.arrow', 'market.arrow', 'labs.arrow', 'providers.arrow', 'suppliers.arrow', 'chips.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow'] as const;
const RUNS = 24;

/** Reads an Arrow file with polars: an independent implementation of the format. */
function readWithPolars(path: string): pl.DataFrame {
  // nodejs-polars 0.24.1 misreads a path argument as the file's contents; hand it the bytes.
  return pl.readIPC(readFileSync(path));
}

describe('a Monte Carlo batch', () => {
  const dirs: Record<string, string> = {};
  const outcomes: Record<string, BatchOutcome> = {};
  const root = mkdtempSync(join(tmpdir(), 'computerace-batch-'));

  beforeAll(async () => {
    for (const [name, workers] of [['inline', 0], ['one', 1], ['two', 2]] as const) {
      dirs[name] = join(root, name);
      outcomes[name] = await runBatch({ scenario: SCENARIO, runs: RUNS, seed: 42, workers, blockSize: 5, timeseries: 'all', out: dirs[name] });
    }
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the same bytes whatever the number of workers (0 = this thread, 1, 2)', () => {
    for (const file of [...FILES, 'summary.json']) {
      const one = readFileSync(join(dirs.one!, file));
      expect(readFileSync(join(dirs.two!, file)).equals(one), file).toBe(true);
      expect(readFileSync(join(dirs.inline!, file)).equals(one), file).toBe(true);
    }
  });

  it('leaves only finished files: no partial file remains', () => {
    expect(readdirSync(dirs.two!).sort()).toEqual([...FILES, 'manifest.json', 'summary.json'].sort());
  });

  it('writes one runs row per run, in run order, that polars reads back as the engine computed it', () => {
    const runs = readWithPolars(join(dirs.two!, 'runs.arrow'));
    expect(runs.height).toBe(RUNS);
    expect(runs.getColumn('run').toArray()).toEqual(Array.from({ length: RUNS }, (_, i) => i));
    const compiled = compileScenario(loadScenario(SCENARIO).spec);
    for (const runIndex of [0, 7, 23]) {
      const expected = runScenario(compiled, '42', runIndex);
      const row = runs.filter(pl.col('run').eq(runIndex)).toRecords()[0] as Record<string, unknown>;
      expect(row.seed).toBe('42');
      expect(row.variant).toBe('baseline');
      for (const [path, value] of Object.entries(expected.sampled)) expect(row[`param.${path}`]).toBe(value);
      for (const lab of expected.summary.labs) {
        expect(row[`labs.${lab.lab}.shortfallShare`]).toBe(lab.shortfallShare);
        expect(row[`labs.${lab.lab}.totalSpendUsd`]).toBe(lab.totalSpendUsd);
        for (const [provider, share] of Object.entries(lab.finalShares)) expect(row[`labs.${lab.lab}.finalShare.${provider}`]).toBe(share);
      }
      expect(row['market.shocks']).toBe(expected.summary.shocks);
      expect(row['market.avgSpotPriceUsdPerGpuHour']).toBe(expected.summary.avgSpotPriceUsdPerGpuHour);
    }
  });

  it('writes each kind of actor\'s monthly metrics to its own table, its columns only, null only where a price or lead time has nothing to measure', () => {
    const expected = runScenario(compileScenario(loadScenario(SCENARIO).spec), '42', 5);
    const months = expected.market.length;
    const tables = { market: 'market.arrow', labs: 'labs.arrow', providers: 'providers.arrow', suppliers: 'suppliers.arrow', chips: 'chips.arrow' } as const;
    for (const [series, file] of Object.entries(tables)) {
      const table = readWithPolars(join(dirs.one!, file));
      expect(table.height, file).toBe(RUNS * expected[series as keyof typeof tables].length);
      for (const column of table.getColumns()) if (!NULLABLE_FIELDS.has(column.name)) expect(column.nullCount(), `${file} ${column.name}`).toBe(0);
    }
    const labs = readWithPolars(join(dirs.one!, 'labs.arrow'));
    expect(labs.columns).toEqual(['run', 'variant', 'month', 'date', 'lab', 'demandH100e', 'contractedH100e', 'spotH100e', 'usedH100e', 'shortfallH100e', 'spendUsd', 'avgPriceUsdPerGpuHour', 'providers']);
    const lab = expected.labs.find((record) => record.month === 17 && record.lab === 'anthropic')!;
    const row = labs.filter(pl.col('run').eq(5).and(pl.col('lab').cast(pl.Utf8).eq(pl.lit('anthropic'))).and(pl.col('month').eq(17))).toRecords()[0] as Record<string, unknown>;
    expect(row.demandH100e).toBe(lab.demandH100e);
    expect(row.shortfallH100e).toBe(lab.shortfallH100e);
    expect(row.variant).toBe('baseline');
    const suppliers = readWithPolars(join(dirs.one!, 'suppliers.arrow'));
    const supplier = expected.suppliers.find((record) => record.month === 40 && record.supplier === 'nvidia')!;
    const supplierRow = suppliers.filter(pl.col('run').eq(5).and(pl.col('supplier').cast(pl.Utf8).eq(pl.lit('nvidia'))).and(pl.col('month').eq(40))).toRecords()[0] as Record<string, unknown>;
    expect(supplierRow.productionUnits).toBe(supplier.productionUnits);
    expect(supplierRow).not.toHaveProperty('demandH100e');
    const market = readWithPolars(join(dirs.one!, 'market.arrow')).filter(pl.col('run').eq(5)).sort('month');
    expect(market.height).toBe(months);
    expect(market.getColumn('spotPriceUsdPerGpuHour').toArray()).toEqual(expected.market.map((m) => m.spotPriceUsdPerGpuHour));
    expect(String(market.getColumn('date').toArray()[12])).toContain('2026');
  });

  it('writes every event of note with its figures in their own columns', () => {
    const events = readWithPolars(join(dirs.one!, 'events.arrow'));
    const expected = runScenario(compileScenario(loadScenario(SCENARIO).spec), '42', 11);
    const run11 = events.filter(pl.col('run').eq(11));
    expect(run11.height).toBe(expected.events.length);
    expect(run11.getColumn('kind').cast(pl.Utf8).toArray()).toEqual(expected.events.map((event) => event.kind));
    const rows = run11.toRecords() as Record<string, unknown>[];
    const deals = expected.events.flatMap((event, i) => (event.kind === 'contract' || event.kind === 'matched' || event.kind === 'lease' ? [[event, rows[i]!] as const] : []));
    expect(deals.length).toBeGreaterThan(0);
    for (const [event, row] of deals) {
      expect(row).toMatchObject({ lab: event.lab, provider: event.provider, lessor: event.lessor === '' ? null : event.lessor, priceUsdPerGpuHour: event.priceUsdPerGpuHour, volumeH100e: event.volumeH100e, shock: null, magnitude: null, field: null });
      expect(new Date(row.startDate as string).toISOString().slice(0, 10)).toBe(event.startDate);
    }
    const shocks = expected.events.flatMap((event, i) => (event.kind === 'shock-start' || event.kind === 'shock-end' ? [[event, rows[i]!] as const] : []));
    expect(shocks.length).toBeGreaterThan(0);
    for (const [event, row] of shocks) {
      expect(row).toMatchObject({ shock: event.shock, [event.targetKind]: event.target, magnitude: event.magnitude, durationDays: event.durationDays, priceUsdPerGpuHour: null, volumeH100e: null });
    }
    const policies = expected.events.flatMap((event, i) => (event.kind === 'policy' ? [[event, rows[i]!] as const] : []));
    expect(policies.length).toBeGreaterThan(0);
    for (const [event, row] of policies) {
      expect(row).toMatchObject({ field: event.path, value: event.value, note: event.note === '' ? null : event.note, lab: event.path.split('.')[1], shock: null });
    }
  });

  it('records its provenance in the manifest and in every Arrow file\'s schema metadata', () => {
    const manifest = JSON.parse(readFileSync(join(dirs.two!, 'manifest.json'), 'utf8'));
    const loaded = loadScenario(SCENARIO);
    expect(manifest).toMatchObject({ seed: '42', runs: RUNS, runsDone: RUNS, variants: ['baseline'], workers: Math.min(2, availableParallelism()), scenarioHash: loaded.hash, timeseries: 'all' });
    expect(manifest.scenario).toEqual(loaded.resolved);
    expect(Date.parse(manifest.finishedAt)).toBeGreaterThanOrEqual(Date.parse(manifest.startedAt));
    for (const file of FILES) {
      expect(manifest.files[file].rows).toBe(readWithPolars(join(dirs.two!, file)).height);
      const metadata = tableFromIPC(readFileSync(join(dirs.two!, file))).schema.metadata;
      expect(metadata.get('computerace.scenarioHash')).toBe(loaded.hash);
      expect(metadata.get('computerace.seed')).toBe('42');
      expect(JSON.parse(metadata.get('computerace.scenario')!)).toEqual(loaded.resolved);
    }
  });

  it('summarises each key metric from the runs table', () => {
    const summary = JSON.parse(readFileSync(join(dirs.one!, 'summary.json'), 'utf8'));
    const values = readWithPolars(join(dirs.one!, 'runs.arrow')).getColumn('labs.openai.avgPriceUsdPerGpuHour').toArray() as number[];
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const metric = summary.metrics.baseline['labs.openai.avgPriceUsdPerGpuHour'];
    expect(metric.runs).toBe(RUNS);
    expect(metric.mean).toBeCloseTo(mean, 12);
    expect(metric.ci95[0]).toBeLessThan(mean);
    expect(metric.ci95[1]).toBeGreaterThan(mean);
    expect(metric.p5).toBeLessThanOrEqual(metric.p50);
    expect(metric.p50).toBeLessThanOrEqual(metric.p95);
    const worstYears = readWithPolars(join(dirs.one!, 'runs.arrow')).getColumn('labs.meta.worstYearShortfallShare').toArray() as number[];
    expect(summary.risks.baseline.meta.shortfallOver10PercentInAnyYear.p).toBeCloseTo(worstYears.filter((share) => share > 0.1).length / RUNS, 12);
  });

  it('returns Arrow tables instead of files when no directory is given', async () => {
    const outcome = await runBatch({ scenario: SCENARIO, runs: 3, seed: 42, workers: 0, timeseries: 'none' });
    expect(outcome.tables!.runs.numRows).toBe(3);
    // No monthly series kept, no monthly tables.
    expect(Object.keys(outcome.tables!)).toEqual(['runs', 'events', 'tenders', 'bids']);
    expect(outcome.tables!.runs.getChild('labs.openai.shortfallShare')!.get(2)).toBe(outcomes.one!.tables === undefined ? readWithPolars(join(dirs.one!, 'runs.arrow')).getColumn('labs.openai.shortfallShare').toArray()[2] : NaN);
    expect(existsSync(join(root, 'results'))).toBe(false);
  });
});

describe('a batch called from a library', () => {
  const root = mkdtempSync(join(tmpdir(), 'computerace-batch-library-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('rejects, and leaves the caller\'s process alive, when a module its workers import throws', async () => {
    // The pool's own error event, unheard, ended the caller's process after its catch had run.
    const module = join(root, 'throws.mjs');
    writeFileSync(module, "throw new Error('this module cannot load');\n");
    await expect(runBatch({ scenario: SCENARIO, runs: 2, workers: 1, timeseries: 'none', modules: [module] })).rejects.toThrow(/this module cannot load/);
    await expect(runBatch({ scenario: SCENARIO, runs: 2, workers: 1, set: 'a=1' as unknown as string[] })).rejects.toThrow('set must be a list of texts, got "a=1"');
    // It failed inside, on `undefined.map`.
    for (const [scenario, got] of [[5, '5'], [null, 'null'], [{ spec: {} }, '{"spec":{}}']] as const) {
      await expect(runBatch({ scenario: scenario as never, runs: 2, workers: 0 })).rejects.toThrow(new TypeError(`scenario must be a scenario file's path or loadScenario's result, got ${got}`));
    }
  });

  it("tells onNotice the scenario's warnings before its runs, a file's from the worker that loads it as a loaded scenario's", async () => {
    const file = join(root, 'warned.yaml');
    writeFileSync(file, `extends: ${JSON.stringify(SCENARIO)}\nname: warned\ndescription:   # commented out\n`);
    const loaded = loadScenario(file);
    expect(loaded.warnings).toHaveLength(1);
    const expected = formatWarning(loaded.warnings[0]!);
    for (const scenario of [file, loaded]) {
      const notices: string[] = [];
      await runBatch({ scenario, runs: 2, workers: scenario === file ? 1 : 0, timeseries: 'none', onNotice: (notice) => notices.push(notice) });
      expect(notices).toEqual([expected]);
    }
  });

  it('tells onNotice that it replaces another batch in its folder, naming what differs, and says nothing of a rerun', async () => {
    // Replaced as documented ("replaced, never mixed"), and until now in silence.
    const out = join(root, 'replaced');
    const notices: string[] = [];
    const batch = (seed: number) => runBatch({ scenario: SCENARIO, runs: 2, seed, workers: 0, timeseries: 'none', out, onNotice: (notice) => notices.push(notice) });
    await batch(1);
    await batch(1);
    expect(notices).toEqual([]);
    await batch(2);
    expect(notices).toEqual([`'${out}' holds another batch (seed: 1 there, 2 here): this one replaces it`]);
  });

  it('stops at once when its signal is aborted before it starts: nothing loaded, no folder made', async () => {
    const out = join(root, 'never-started');
    // It loaded the scenario in its workers (about 2 s) and left an empty folder behind.
    await expect(runBatch({ scenario: SCENARIO, runs: 10, out, signal: AbortSignal.abort() })).rejects.toThrow('interrupted with 0 of 10 runs kept');
    expect(existsSync(out)).toBe(false);
  });

  it('imports modules named by paths relative to the caller\'s working directory', async () => {
    // They were resolved against dist/experiment, the worker's own folder: "Cannot find module .../dist/experiment/...".
    const relative = 'test/fixtures/fragile-pricing.mjs';
    expect(existsSync(join(process.cwd(), relative))).toBe(true);
    const outcome = await runBatch({ scenario: SCENARIO, runs: 2, workers: 1, timeseries: 'none', modules: [relative] });
    expect(outcome.runs).toBe(2);
  });

  it('fails with the error of an onProgress that throws, rather than throwing it from a timer into the caller\'s process', async () => {
    // One block in a worker: the progress is heard only from its timer while the block runs.
    await expect(runBatch({ scenario: SCENARIO, runs: 100, blockSize: 100, workers: 1, timeseries: 'none', onProgress: () => { throw new Error('listener broke'); } })).rejects.toThrow('listener broke');
  });
});
