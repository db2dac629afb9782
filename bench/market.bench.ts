import { fileURLToPath } from 'node:url';
import { runScenario } from '../src/market/run.js';
import { compileScenario } from '../src/scenario/compile.js';
import { loadScenario } from '../src/scenario/load.js';
import { machine, measure } from './harness.js';
import { profileLayers } from './profile.js';

/**
 * Market speed: runs per second of one replication of each scenario, events and tenders per run,
 * and where the time goes (the kernel against the model's mechanisms), from a CPU profile of a few
 * hundred runs.
 */

const SCENARIOS = ['openai-multicloud-2025.yaml', 'backtest-2023.yaml'];
const TARGET_RUNS_PER_SECOND = 500;

async function main(): Promise<void> {
  console.log(`market benchmark on ${machine()}`);
  for (const name of SCENARIOS) await bench(name);
}

async function bench(name: string): Promise<void> {
  const compiled = compileScenario(loadScenario(fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url))).spec);
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
