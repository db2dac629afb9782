import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAN_QUANTILES, SeriesStore } from '../../src/explore/fans.js';
import type { WorkerReply } from '../../src/explore/protocol.js';
import { explorePlan } from '../../src/explore/scenario.js';
import type { ExploreSettings } from '../../src/explore/scenario.js';
import { SeriesLayout } from '../../src/explore/series.js';
import { ExploreWork } from '../../src/explore/work.js';
import { sampleQuantile } from '../../src/experiment/statistics.js';
import { Replicator } from '../../src/experiment/replicate.js';

const FILE = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const SETTINGS: ExploreSettings = {
  files: { main: 'openai.yaml', texts: { 'openai.yaml': readFileSync(FILE, 'utf8') } },
  edits: { texts: {}, sets: ['labs.openai.procurement.maxShare=0.35'] },
  seed: '5',
  compare: true,
};
const RUNS = 4;

type Reply<K extends WorkerReply['kind']> = Extract<WorkerReply, { kind: K }>;

describe('the explore worker\'s work, in Node', () => {
  const work = new ExploreWork();
  const prepared = work.handle({ kind: 'prepare', generation: 1, settings: SETTINGS }).reply as Reply<'prepared'>;
  const answer = work.handle({ kind: 'block', generation: 1, first: 0, count: RUNS });
  const block = answer.reply as Reply<'block'>;
  const replicator = new Replicator(explorePlan(SETTINGS).plan);

  it('describes the batch as the replicator does: both sides, the labs, the providers, the uncertain parameters', () => {
    expect(prepared.kind).toBe('prepared');
    expect(prepared.description).toEqual(replicator.describe());
    expect(prepared.description.variants).toEqual(['as-loaded', 'edited']);
    expect(prepared.months).toBe(72);
    expect(prepared.dates[0]).toBe('2025-01-01');
  });

  it('gives the runs table rows a batch writes (its other tables left unbuilt), and hands their buffers over', () => {
    const batch = new Replicator({ ...explorePlan(SETTINGS).plan, tables: undefined }).block(0, RUNS);
    expect(Object.keys(batch.tables)).toEqual(['runs', 'events', 'tenders', 'bids']);
    expect(Object.keys(replicator.block(0, 1).tables)).toEqual(['runs']);
    expect(block.runs).toEqual(batch.tables.runs);
    expect(answer.transfer.length).toBeGreaterThan(block.runs.columns.length);
  });

  it('records each run\'s headline series from its monthly records, in (run, variant) order', () => {
    const layout = SeriesLayout.of(prepared.description, prepared.months);
    expect(block.series.length).toBe(RUNS * 2 * layout.length);
    for (let run = 0; run < RUNS; run++) {
      for (let variant = 0; variant < 2; variant++) {
        const result = replicator.run(run, variant);
        const at = (run * 2 + variant) * layout.length;
        for (const month of result.labs) {
          expect(block.series[at + layout.lab(month.lab, 'demandH100e') + month.month]).toBe(month.demandH100e);
          expect(block.series[at + layout.lab(month.lab, 'securedH100e') + month.month]).toBe(month.contractedH100e + month.spotH100e);
          expect(block.series[at + layout.lab(month.lab, 'shortfallH100e') + month.month]).toBe(month.shortfallH100e);
          for (const provider of prepared.description.providers) expect(block.series[at + layout.labShare(month.lab, provider) + month.month]).toBe(month.shares[provider] ?? 0);
        }
        for (const month of result.market) expect(block.series[at + layout.market('spotPriceUsdPerGpuHour') + month.month]).toBe(month.spotPriceUsdPerGpuHour);
        for (const month of result.providers) expect(block.series[at + layout.marketShare(month.provider) + month.month]).toBe(month.marketShare);
      }
    }
  });

  it('draws fans whose bands are the type-7 quantiles over runs, month by month, of each side apart', () => {
    const layout = SeriesLayout.of(prepared.description, prepared.months);
    const store = new SeriesStore(layout);
    store.add(block.series, 1, RUNS, 2);
    const offset = layout.lab('openai', 'shortfallH100e');
    const per = layout.lab('openai', 'demandH100e');
    const fan = store.fan(offset, per);
    expect(fan.runs).toBe(RUNS);
    for (const month of [0, 30, 71]) {
      const values = Array.from({ length: RUNS }, (_, run) => {
        const result = replicator.run(run, 1).labs.find((record) => record.lab === 'openai' && record.month === month)!;
        return result.demandH100e === 0 ? 0 : result.shortfallH100e / result.demandH100e;
      });
      FAN_QUANTILES.forEach((q, i) => expect(fan.bands[i]![month]).toBe(sampleQuantile(values, q)));
    }
  });

  it('replays one run whole, per side, and answers a request of a generation it was not given with a failure', () => {
    const run = work.handle({ kind: 'run', generation: 1, runIndex: 2 }).reply as Reply<'run'>;
    expect(run.results).toEqual([replicator.run(2, 0), replicator.run(2, 1)]);
    expect(work.handle({ kind: 'block', generation: 2, first: 0, count: 1 }).reply).toMatchObject({ kind: 'failure' });
  });

  it('answers a scenario with problems with them, located', () => {
    const reply = work.handle({ kind: 'prepare', generation: 3, settings: { ...SETTINGS, edits: { texts: {}, sets: ['labs.openai.procurement.strategy="bogus"'] } } }).reply;
    expect(reply).toMatchObject({ kind: 'problems', problems: [expect.objectContaining({ file: '--set', line: 1, path: 'labs.openai.procurement.strategy' })] });
  });
});
