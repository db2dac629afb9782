import { fileURLToPath } from 'node:url';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { MetricSeries } from '../../src/experiment/metrics.js';
import { Replicator } from '../../src/experiment/replicate.js';
import { ArrowTable } from '../../src/io/arrow.js';
import { runsLayout } from '../../src/io/layout.js';
import { loadScenario } from '../../src/scenario/load.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/multicloud-vs-exclusive.yaml', import.meta.url));

describe('the key metrics of a batch', () => {
  const loaded = loadScenario(SCENARIO);
  const replicator = new Replicator({ variants: loaded.variants.map((v) => ({ name: v.name, spec: v.spec })), seed: '3', timeseries: 'none', scenarioHash: loaded.hash, design: { kind: 'independent' } });
  const description = replicator.describe();
  const layout = runsLayout(description);
  const blocks = [[0, 3], [3, 1], [4, 5]].map(([first, count]) => replicator.block(first!, count!).tables.runs);
  // The runs table as a reader sees it: one row per (run, variant), in that order.
  const table = tableFromIPC(tableToIPC(new ArrowTable(layout, {}).table(blocks), 'file'));

  for (const expectedRuns of [undefined, 2, 9, 1e9]) {
    it(`hold each variant's values run by run, as the runs table has them, whatever room was reserved (${expectedRuns ?? 'default'})`, () => {
      const metrics = new MetricSeries(description, layout, expectedRuns);
      for (const block of blocks) metrics.add(block);
      expect(metrics.runs).toBe(9);
      const variants = description.variants.length;
      expect(variants).toBeGreaterThan(1);
      for (const name of metrics.names) {
        const column = table.getChild(name)!;
        for (let v = 0; v < variants; v++) {
          // A null (a lab that won no tender) is NaN here.
          const expected = Array.from({ length: 9 }, (_, run) => column.get(run * variants + v) ?? NaN);
          expect(Array.from(metrics.of(v, name)), `${name}, variant ${v}`).toEqual(expected);
        }
      }
    });
  }
});
