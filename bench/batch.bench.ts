import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBatch } from '../src/experiment/batch.js';
import { BATCH_NODE_FLAGS } from '../src/experiment/executor.js';
import { Replicator } from '../src/experiment/replicate.js';
import { ArrowFileWriter, ArrowTable } from '../src/io/arrow.js';
import { actorLayout } from '../src/io/layout.js';
import { runScenario } from '../src/market/run.js';
import { compileScenario } from '../src/scenario/compile.js';
import { loadScenario } from '../src/scenario/load.js';
import { machine, measure, measureInChild, median, rate, requestedGroup } from './harness.js';
import type { Measurement } from './harness.js';
import { bareRunsInThreads } from './threads.js';

/**
 * Batch speed: runs/s of whole batches of the shipped scenario (pool start-up, runs, columns,
 * Arrow files, summary) with 1 and 2 workers, against one thread running the same runs bare and
 * discarding them (the reference, in its own process); how far bare runs in 1 and 2 threads scale
 * on this machine (the ceiling for the batch's scaling); and Arrow write throughput.
 *
 * The machine is shared: its speed moves by 10-30% within minutes, and one core can
 * be slower than the other. So 1- and 2-worker batches run in alternating pairs, each pair a
 * ratio, and the figures are medians over the pairs.
 */

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
// Long enough for V8 to finish optimising the model in each fresh worker (about 1,500 runs a thread).
const RUNS = 20_000;
const TARGET_RUNS_PER_SECOND = 1000;
const TARGET_SCALING = 1.8;
/** The 2-worker batch's scaling as a share of bare threads' (what the machine allows). */
const TARGET_OF_CEILING = 0.9;
/** Alternating pairs of 1- and 2-worker measurements (BENCH_PAIRS=5 for a steadier median, at 2 minutes a pair). */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
if (!Number.isInteger(PAIRS) || PAIRS < 1) throw new RangeError(`BENCH_PAIRS must be a whole number of pairs, at least 1 (got ${process.env.BENCH_PAIRS})`);

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
  'threads/1': async () => [{ name: 'bare runs, 1 thread', perSecond: await bareRunsInThreads(SCENARIO, 1), rmePercent: 0, samples: 1 }],
  'threads/2': async () => [{ name: 'bare runs, 2 threads', perSecond: await bareRunsInThreads(SCENARIO, 2), rmePercent: 0, samples: 1 }],
  arrow: async () => {
    // Blocks of the labs' monthly table as a summary batch writes them: 100 runs each.
    const replicator = new Replicator({ variants: [{ name: 'baseline', spec: loadScenario(SCENARIO).spec }], seed: '1', timeseries: 'summary', scenarioHash: '' });
    const blocks = [0, 1, 2, 3].map((b) => replicator.block(b * 100, 100).tables.labs!);
    const table = new ArrowTable(actorLayout('lab', replicator.describe()));
    const dir = mkdtempSync(join(tmpdir(), 'computerace-bench-'));
    let bytes = 0;
    let rows = 0;
    const written = await measureAsync('arrow labs rows', async () => {
      const writer = new ArrowFileWriter(join(dir, 'labs.arrow'), table);
      for (const block of blocks) writer.write(block);
      await writer.close();
      bytes += statSync(join(dir, 'labs.arrow')).size;
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
  let firstBlock: { at: number; runs: number } | undefined;
  const started = performance.now();
  const outcome = await runBatch({
    scenario: SCENARIO, runs: RUNS, seed: 1, workers, timeseries: 'summary', out: dir,
    onProgress: ({ runs }) => { firstBlock ??= { at: performance.now(), runs }; },
  });
  const ended = performance.now();
  rmSync(dir, { recursive: true, force: true });
  const once = (name: string, perSecond: number): Measurement => ({ name, perSecond, rmePercent: 0, samples: 1 });
  return [
    once(`batch, ${workers} worker(s)`, outcome.runs / ((ended - started) / 1000)),
    once(`batch steady, ${workers} worker(s)`, (outcome.runs - firstBlock!.runs) / ((ended - firstBlock!.at) / 1000)),
  ];
}

/** Times an asynchronous task a few times (tinybench's sync harness does not fit a batch of seconds). */
async function measureAsync(name: string, task: () => Promise<number>): Promise<Measurement> {
  await task();
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
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
  // Every measurement in its own process; all of a name's measurements, in the order taken.
  const measured = new Map<string, Measurement[]>();
  const take = (name: string): void => {
    // Batches and threads run as the `computerace` command runs them (its interpreter line gives
    // Node this flag); the reference, one thread beside an idle core, keeps the collector's helpers.
    const flags = name === 'reference' || name === 'arrow' ? [] : BATCH_NODE_FLAGS;
    for (const m of measureInChild(file, name, flags)) measured.set(m.name, [...(measured.get(m.name) ?? []), m]);
  };
  take('reference');
  for (let pair = 0; pair < PAIRS; pair++) for (const name of ['batch/1', 'batch/2', 'threads/1', 'threads/2']) take(name);
  take('arrow');
  const rates = (name: string): number[] => measured.get(name)!.map((m) => m.perSecond);
  const reference = rates('bare runs, one thread')[0]!;
  const spread = (values: number[]): string => `median of ${values.map((v) => v.toFixed(0)).join(', ')}`;
  const line = (label: string, values: number[]): string => {
    const value = median(values);
    return `  ${label.padEnd(34)} ${value.toFixed(0).padStart(5)} runs/s  (${(value / reference).toFixed(2)} of the reference; ${spread(values)})`;
  };
  // A pair's ratio compares measurements taken a minute apart, not across the whole bench.
  const ratios = (one: string, two: string): number[] => {
    const ones = rates(one);
    return rates(two).map((r, i) => r / ones[i]!);
  };
  const steadyRatios = ratios('batch steady, 1 worker(s)', 'batch steady, 2 worker(s)');
  const ceilingRatios = ratios('bare runs, 1 thread', 'bare runs, 2 threads');
  const scaling = median(steadyRatios);
  const ceiling = median(ceilingRatios);
  const twoWhole = median(rates('batch, 2 worker(s)'));
  const twoSteady = median(rates('batch steady, 2 worker(s)'));
  console.log(`batch benchmark on ${machine()}`);
  console.log(`openai-multicloud-2025.yaml, ${RUNS} runs per batch, --timeseries summary, files written; ${PAIRS} alternating pairs`);
  console.log(line('reference: bare runs, one thread', [reference]));
  for (const workers of [1, 2]) {
    console.log(line(`batch, ${workers} worker(s), whole`, rates(`batch, ${workers} worker(s)`)));
    console.log(line(`batch, ${workers} worker(s), steady`, rates(`batch steady, ${workers} worker(s)`)));
  }
  console.log(line('bare runs, 1 thread (no outputs)', rates('bare runs, 1 thread')));
  console.log(line('bare runs, 2 threads (no outputs)', rates('bare runs, 2 threads')));
  const ratioText = (values: number[]): string => values.map((r) => r.toFixed(2)).join(', ');
  console.log(`  2 workers / 1 worker (steady): ${scaling.toFixed(2)}x, median of pairs ${ratioText(steadyRatios)} (target ${TARGET_SCALING}x: ${scaling >= TARGET_SCALING ? 'met' : 'MISSED'})`);
  console.log(`  2 threads / 1 thread, bare runs: ${ceiling.toFixed(2)}x, median of pairs ${ratioText(ceilingRatios)}: the machine's ceiling`);
  const ofCeiling = scaling / ceiling;
  console.log(`  the batch's scaling is ${(100 * ofCeiling).toFixed(0)}% of the ceiling (target ${100 * TARGET_OF_CEILING}%: ${ofCeiling >= TARGET_OF_CEILING ? 'met' : 'MISSED'}), ${((100 * (scaling - 1)) / (ceiling - 1)).toFixed(0)}% of its gain over one thread`);
  console.log(`  2 workers, target ${TARGET_RUNS_PER_SECOND} runs/s: whole batch ${twoWhole >= TARGET_RUNS_PER_SECOND ? 'met' : 'MISSED'}, steady ${twoSteady >= TARGET_RUNS_PER_SECOND ? 'met' : 'MISSED'}`);
  const arrowRows = measured.get('arrow labs rows')![0]!;
  const arrowBytes = measured.get('arrow MB')![0]!;
  console.log(`  Arrow writes (labs.arrow, 400 runs a file): ${rate(arrowRows.perSecond)} rows/s, ${arrowBytes.perSecond.toFixed(0)} MB/s`);
}

await main();
