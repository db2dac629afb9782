import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBatch } from '../src/experiment/batch.js';
import { Replicator } from '../src/experiment/replicate.js';
import { ArrowFileWriter, ArrowTable } from '../src/io/arrow.js';
import { timeseriesLayout } from '../src/io/layout.js';
import { runScenario } from '../src/market/run.js';
import { compileScenario } from '../src/scenario/compile.js';
import { loadScenario } from '../src/scenario/load.js';
import { machine, measure, measureInChild, rate, requestedGroup } from './harness.js';
import type { Measurement } from './harness.js';

/**
 * Batch speed: runs/s of whole batches of the shipped scenario (pool start-up, runs, columns,
 * Arrow files, summary) with 1 and 2 workers, against one thread running the same runs bare and
 * discarding them (the reference, in its own process); and Arrow write throughput.
 */

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
// Long enough for V8 to finish optimising the model in each fresh worker (about 1,500 runs a thread).
const RUNS = 20_000;
const TARGET_RUNS_PER_SECOND = 1000;

const groups: Record<string, () => Promise<Measurement[]>> = {
  reference: async () => {
    const compiled = compileScenario(loadScenario(SCENARIO).spec);
    let runIndex = 0;
    return [await measure('bare runs, one thread', () => compiled, (scenario) => {
      for (let i = 0; i < 50; i++) runScenario(scenario, 1, runIndex++);
      return 50;
    })];
  },
  'batch/1': () => batchGroup(1),
  'batch/2': () => batchGroup(2),
  arrow: async () => {
    // Blocks of the timeseries table as a summary batch writes them: 100 runs each.
    const replicator = new Replicator({ variants: [{ name: 'baseline', spec: loadScenario(SCENARIO).spec }], seed: '1', timeseries: 'summary', scenarioHash: '' });
    const blocks = [0, 1, 2, 3].map((b) => replicator.block(b * 100, 100).timeseries!);
    const table = new ArrowTable(timeseriesLayout(replicator.describe()));
    const dir = mkdtempSync(join(tmpdir(), 'computerace-bench-'));
    let bytes = 0;
    let rows = 0;
    const written = await measureAsync('arrow timeseries rows', async () => {
      const writer = new ArrowFileWriter(join(dir, 'timeseries.arrow'), table);
      for (const block of blocks) writer.write(block);
      await writer.close();
      bytes += statSync(join(dir, 'timeseries.arrow')).size;
      rows += writer.rows;
      return writer.rows;
    });
    rmSync(dir, { recursive: true, force: true });
    return [written, { name: 'arrow MB', perSecond: (written.perSecond * bytes) / rows / 1e6, rmePercent: written.rmePercent, samples: written.samples }];
  },
};

async function batchGroup(workers: number): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'computerace-bench-'));
  // Start-up (threads, loading the scenario, compiling formulas) is paid once a batch; the steady
  // rate, after the first block is written, is what a long batch runs at.
  const steady: number[] = [];
  // Every batch starts a fresh pool, so there is nothing to warm up: two batches, both measured.
  const whole = await measureAsync(`batch, ${workers} worker(s)`, async () => {
    let firstBlock: { at: number; runs: number } | undefined;
    const outcome = await runBatch({
      scenario: SCENARIO, runs: RUNS, seed: 1, workers, timeseries: 'summary', out: dir,
      onProgress: ({ runs }) => { firstBlock ??= { at: performance.now(), runs }; },
    });
    steady.push((outcome.runs - firstBlock!.runs) / ((performance.now() - firstBlock!.at) / 1000));
    return outcome.runs;
  }, { warmUp: false, repeats: 2 });
  rmSync(dir, { recursive: true, force: true });
  const rates = steady;
  const mean = rates.reduce((sum, r) => sum + r, 0) / rates.length;
  return [whole, { name: `batch steady, ${workers} worker(s)`, perSecond: mean, rmePercent: whole.rmePercent, samples: rates.length }];
}

/** Times an asynchronous task a few times (tinybench's sync harness does not fit a batch of seconds). */
async function measureAsync(name: string, task: () => Promise<number>, { warmUp = true, repeats = 3 } = {}): Promise<Measurement> {
  if (warmUp) await task();
  const rates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const operations = await task();
    rates.push(operations / ((performance.now() - started) / 1000));
  }
  const mean = rates.reduce((sum, r) => sum + r, 0) / rates.length;
  const sd = Math.sqrt(rates.reduce((sum, r) => sum + (r - mean) ** 2, 0) / Math.max(1, rates.length - 1));
  return { name, perSecond: mean, rmePercent: (100 * sd) / mean / Math.sqrt(rates.length), samples: rates.length };
}

async function main(): Promise<void> {
  const group = requestedGroup();
  if (group !== undefined) {
    console.log(JSON.stringify(await groups[group]!()));
    return;
  }
  const file = fileURLToPath(import.meta.url);
  const measured = new Map<string, Measurement>();
  // Batches run as the `computerace` command runs them (its interpreter line gives Node this flag);
  // the reference, one thread beside an idle core, keeps the collector's parallel helpers.
  const flags = (name: string): string[] => (name.startsWith('batch/') ? ['--single-threaded-gc'] : []);
  for (const name of Object.keys(groups)) for (const m of measureInChild(file, name, flags(name))) measured.set(m.name, m);
  const reference = measured.get('bare runs, one thread')!;
  const line = (label: string, m: Measurement, note: string): string => `  ${label.padEnd(34)} ${m.perSecond.toFixed(0).padStart(5)} runs/s ±${m.rmePercent.toFixed(1)}%  ${note}`;
  console.log(`batch benchmark on ${machine()}`);
  console.log(`openai-multicloud-2025.yaml, ${RUNS} runs per batch, --timeseries summary, files written`);
  console.log(line('reference: bare runs, one thread', reference, ''));
  for (const workers of [1, 2]) {
    const whole = measured.get(`batch, ${workers} worker(s)`)!;
    const steady = measured.get(`batch steady, ${workers} worker(s)`)!;
    console.log(line(`batch, ${workers} worker(s), whole`, whole, `(${(whole.perSecond / reference.perSecond).toFixed(2)} of the reference)`));
    console.log(line(`batch, ${workers} worker(s), steady`, steady, `(${(steady.perSecond / reference.perSecond).toFixed(2)} of the reference)`));
  }
  const [one, two] = [1, 2].map((w) => measured.get(`batch steady, ${w} worker(s)`)!.perSecond) as [number, number];
  const twoWhole = measured.get('batch, 2 worker(s)')!.perSecond;
  console.log(`  2 workers / 1 worker (steady): ${(two / one).toFixed(2)}x (target 1.8x: ${two / one >= 1.8 ? 'met' : 'MISSED'})`);
  console.log(`  2 workers, target ${TARGET_RUNS_PER_SECOND} runs/s: whole batch ${twoWhole >= TARGET_RUNS_PER_SECOND ? 'met' : 'MISSED'}, steady ${two >= TARGET_RUNS_PER_SECOND ? 'met' : 'MISSED'}`);
  const arrowRows = measured.get('arrow timeseries rows')!;
  const arrowBytes = measured.get('arrow MB')!;
  console.log(`  Arrow writes (timeseries, 400 runs a file): ${rate(arrowRows.perSecond)} rows/s, ${arrowBytes.perSecond.toFixed(0)} MB/s`);
}

await main();
