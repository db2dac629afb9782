import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import type { BatchOutcome } from '../../src/experiment/batch.js';
import { actorLayout, ACTOR_KINDS, batchTables, LAYOUT_OF, METRICS_OF, TABLE_NAMES, TABLE_OF_KIND } from '../../src/io/layout.js';
import { runScenario } from '../../src/market/run.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { loadScenario } from '../../src/scenario/load.js';

/**
 * The tables of a batch as a notebook reads them: one table per kind of actor with its own columns
 * and never a null, events whose figures are columns, and the variant on every row of every table.
 * Read with polars, an implementation of Arrow independent of the one that wrote them.
 */

// The shipped comparison of four variants: a group-by that forgot the variant would pool them.
const SCENARIO = fileURLToPath(new URL('../../scenarios/multicloud-vs-exclusive.yaml', import.meta.url));
const RUNS = 6;

/** A table of the batch, read with polars from its bytes (nodejs-polars 0.24.1 misreads a path). */
const read = (dir: string, table: string): pl.DataFrame => pl.readIPC(readFileSync(join(dir, `${table}.arrow`)));

describe('the tables of a --timeseries all batch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'computerace-layout-'));
  let outcome: BatchOutcome;
  beforeAll(async () => {
    outcome = await runBatch({ scenario: SCENARIO, runs: RUNS, seed: 3, workers: 0, timeseries: 'all', out: dir });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are every table: the runs, one per kind of actor, events, tenders and bids', () => {
    expect(batchTables(outcome.description)).toEqual([...TABLE_NAMES]);
    expect(Object.values(TABLE_OF_KIND)).toEqual(['market', 'labs', 'providers', 'suppliers', 'chips']);
  });

  for (const kind of ACTOR_KINDS) {
    const table = TABLE_OF_KIND[kind];
    it(`${table}.arrow has its kind's columns only, a row per run, variant, month and actor, and nulls only in its nullable columns`, () => {
      const frame = read(dir, table);
      const { description } = outcome;
      const actors = { market: 1, lab: description.labs.length, provider: description.providers.length, supplier: description.suppliers.length, chip: description.chips.length }[kind];
      const months = read(dir, 'market').getColumn('month').unique().len();
      expect(months).toBe(72);
      expect(frame.columns).toEqual(actorLayout(kind, description).map((column) => column.name));
      expect(frame.height).toBe(RUNS * description.variants.length * months * actors);
      // A price or lead time with nothing to measure may be null; every other cell is always there.
      const nullable = new Set(actorLayout(kind, description).filter((column) => column.nullable).map((column) => column.name));
      for (const column of frame.getColumns()) if (!nullable.has(column.name)) expect(column.nullCount(), `${table}.${column.name}`).toBe(0);
    });
  }

  it('hold each monthly metric of a run under its own column, as the run recorded it', () => {
    const baseline = loadScenario(SCENARIO).variants[0]!;
    const result = runScenario(compileScenario(baseline.spec), '3', 0);
    const records = { market: result.market, lab: result.labs, provider: result.providers, supplier: result.suppliers, chip: result.chips };
    for (const kind of ACTOR_KINDS) {
      const frame = read(dir, TABLE_OF_KIND[kind]).filter(pl.col('run').eq(pl.lit(0)).and(pl.col('variant').cast(pl.Utf8).eq(pl.lit(baseline.name))));
      expect(frame.height, kind).toBe(records[kind].length);
      for (const { name } of METRICS_OF[kind]) {
        expect(frame.getColumn(name).toArray(), `${kind}.${name}`).toEqual(records[kind].map((record) => (record as unknown as Record<string, number>)[name]));
      }
    }
  });

  it('every table has the variant, so a group-by over runs or months can keep variants apart', () => {
    const variants = outcome.description.variants;
    expect(variants.length).toBeGreaterThan(1);
    for (const table of TABLE_NAMES) {
      const frame = read(dir, table);
      expect(frame.columns, table).toContain('variant');
      expect(frame.getColumn('variant').nullCount(), table).toBe(0);
      const seen = frame.getColumn('variant').cast(pl.Utf8).unique().toArray().sort();
      // Tenders and bids of a variant whose labs held none could be missing; every other table has every variant.
      expect(seen, table).toEqual([...variants].sort());
    }
  });

  it('events carry their figures in columns, filled for their kind: a contract\'s lab, provider, price and volume, a shock\'s target and size, a policy\'s field', () => {
    const events = read(dir, 'events');
    const kind = (name: string) => events.filter(pl.col('kind').eq(pl.lit(name)));
    const filled = (frame: pl.DataFrame, columns: string[]) => {
      expect(frame.height).toBeGreaterThan(0);
      for (const column of columns) expect(frame.getColumn(column).nullCount(), column).toBe(0);
    };
    const empty = (frame: pl.DataFrame, columns: string[]) => {
      for (const column of columns) expect(frame.getColumn(column).nullCount(), column).toBe(frame.height);
    };
    for (const deal of ['contract', 'lease']) {
      filled(kind(deal), ['lab', 'provider', 'priceUsdPerGpuHour', 'volumeH100e', 'startDate', 'endDate']);
      empty(kind(deal), ['supplier', 'shock', 'magnitude', 'durationDays', 'field', 'value', 'note']);
    }
    // A lease always has its lessor: the provider whose capacity serves the contract.
    filled(kind('lease'), ['lessor']);
    const shocks = events.filter(pl.col('kind').cast(pl.Utf8).str.startsWith('shock'));
    filled(shocks, ['shock', 'magnitude', 'durationDays']);
    empty(shocks, ['lessor', 'priceUsdPerGpuHour', 'volumeH100e', 'startDate', 'field']);
    // Each shock strikes one actor: a lab, a provider or a supplier.
    const targets = shocks.select(pl.col('lab').isNotNull().cast(pl.Int32).add(pl.col('provider').isNotNull().cast(pl.Int32)).add(pl.col('supplier').isNotNull().cast(pl.Int32)).alias('targets'));
    expect(targets.getColumn('targets').unique().toArray()).toEqual([1]);
    filled(kind('policy'), ['field', 'value']);
    empty(kind('policy'), ['shock', 'priceUsdPerGpuHour', 'magnitude']);
    // No column joins two ids into one text.
    expect(events.columns).not.toContain('actor');
    expect(events.columns).not.toContain('detail');
  });

  it('describes every column of the monthly, events, tenders and bids tables in its Arrow field: what it is, with the unit its name promises', () => {
    // The runs table's figures are described by the one vocabulary of the terminal and the report.
    for (const table of TABLE_NAMES.filter((name) => name !== 'runs')) {
      const schema = tableFromIPC(readFileSync(join(dir, `${table}.arrow`))).schema;
      const layout = LAYOUT_OF[table](outcome.description);
      for (const [i, field] of schema.fields.entries()) {
        const description = field.metadata.get('description') ?? '';
        expect(description, `${table}.${field.name}`).toBe(layout[i]!.description);
        expect(description.split(' ').length, `${table}.${field.name}: ${description}`).toBeGreaterThan(1);
        expect(description, `${table}.${field.name}`).not.toMatch(/^monthly /);
        const name = field.name;
        if (/UsdPerGpuHour$/.test(name)) expect(description, `${table}.${field.name}`).toContain('USD per H100e-hour');
        else if (/Usd$/.test(name)) expect(description, `${table}.${field.name}`).toMatch(/USD/);
        if (/H100e$/.test(name)) expect(description, `${table}.${field.name}`).toContain('H100e');
        if (/Days$/.test(name)) expect(description, `${table}.${field.name}`).toMatch(/days/);
      }
    }
  });
});
