import { fileURLToPath } from 'node:url';
import { runScenario } from '../src/market/run.js';
import { compileScenario } from '../src/scenario/compile.js';
import type { CompiledScenario } from '../src/scenario/compile.js';
import { loadScenario } from '../src/scenario/load.js';
import { machine, measure, measureInChild, median, requestedGroup } from './harness.js';
import type { Measurement } from './harness.js';
import { profileLayers } from './profile.js';

/**
 * Market speed: runs per second of one replication of each scenario, events and tenders per run,
 * and where the time goes (the kernel against the model's mechanisms), from a CPU profile of a few
 * hundred runs.
 */

const SCENARIOS = ['openai-multicloud-2025.yaml', 'backtest-2023.yaml'];
const TARGET_RUNS_PER_SECOND = 500;

async function main(): Promise<void> {
  if (requestedGroup() !== undefined) {
    process.stdout.write(JSON.stringify([await runsPerSecond(SCENARIOS[0]!)]));
    return;
  }
  console.log(`market benchmark on ${machine()}`);
  for (const name of SCENARIOS) await bench(name);
  pretenuring();
}

/**
 * V8's allocation-site pretenuring, which `computerace` and its workers turn off, against the
 * default a library user's process or a browser keeps: each in its own process (V8 takes the
 * flag only at start), alternating, so the ratio is of neighbouring measurements.
 */
function pretenuring(): void {
  const file = fileURLToPath(import.meta.url);
  const ratios: number[] = [];
  const lines: string[] = [];
  for (let pair = 0; pair < 3; pair++) {
    const [off] = measureInChild(file, 'runs', ['--no-allocation-site-pretenuring']);
    const [on] = measureInChild(file, 'runs', ['--allocation-site-pretenuring']);
    ratios.push(off!.perSecond / on!.perSecond);
    lines.push(`${off!.perSecond.toFixed(0)} against ${on!.perSecond.toFixed(0)}`);
  }
  const middle = median(ratios);
  console.log(`\n${SCENARIOS[0]}, runs/s with --no-allocation-site-pretenuring (as computerace runs) against V8's default (a library user's process, a browser): ${lines.join('; ')}`);
  console.log(`the flag makes a run ${middle.toFixed(2)}x as fast (median of 3 alternating pairs: ${ratios.map((r) => r.toFixed(2)).join(', ')})`);
}

/** Runs/s of one scenario, nothing else: what the pretenuring comparison's children measure. */
async function runsPerSecond(name: string): Promise<Measurement> {
  let runIndex = 0;
  return measure(`market ${name}`, () => compiledScenario(name), (scenario) => {
    runScenario(scenario, 1, runIndex++);
    return 1;
  }, { timeMs: 4000 });
}

/** A shipped scenario, compiled. */
function compiledScenario(name: string): CompiledScenario {
  return compileScenario(loadScenario(fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url))).spec);
}

async function bench(name: string): Promise<void> {
  const compiled = compiledScenario(name);
  let runIndex = 0;
  let events = 0;
  let tenders = 0;
  let runs = 0;
  const result = await measure(`market ${name}`, () => compiled, (scenario) => {
    const run = runScenario(scenario, 1, runIndex++);
    events += run.audit.eventsFired;
    tenders += run.tenders.length;
    runs++;
    return 1;
  });
  const { shares, hottest } = await profileLayers(() => {
    for (let i = 0; i < 300; i++) runScenario(compiled, 1, i);
  });
  console.log(`\n${name}, one replication per iteration (run indices vary)`);
  console.log(
    `${result.perSecond.toFixed(0)} runs/s ±${result.rmePercent.toFixed(1)}%, ${(1000 / result.perSecond).toFixed(2)} ms a run (target ${TARGET_RUNS_PER_SECOND} per core: ${result.perSecond >= TARGET_RUNS_PER_SECOND ? 'met' : 'MISSED'}), ` +
      `${(events / runs).toFixed(0)} events and ${(tenders / runs).toFixed(0)} tenders per run`,
  );
  const layers = Object.entries(shares)
    .sort((a, b) => b[1] - a[1])
    .map(([layer, share]) => `${layer} ${(100 * share).toFixed(1)}%`);
  console.log(`time by layer (CPU profile of 300 runs): ${layers.join(', ')}`);
  console.log(`hottest functions:\n  ${hottest.join('\n  ')}`);
}

await main();
