import { fileURLToPath } from 'node:url';
import { runScenario } from '../src/market/run.js';
import { compileScenario } from '../src/scenario/compile.js';
import { loadScenario } from '../src/scenario/load.js';
import { machine, measure } from './harness.js';
import { profileLayers } from './profile.js';

/**
 * Market speed: runs per second of one replication of the shipped scenario, events per run, and
 * where the time goes (the kernel against the model), from a CPU profile of a few hundred runs.
 */

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const TARGET_RUNS_PER_SECOND = 500;

async function main(): Promise<void> {
  const compiled = compileScenario(loadScenario(SCENARIO).spec);
  let runIndex = 0;
  let events = 0;
  let runs = 0;
  const result = await measure('market', () => compiled, (scenario) => {
    events += runScenario(scenario, 1, runIndex++).audit.eventsFired;
    runs++;
    return 1;
  });
  const { shares, hottest } = await profileLayers(() => {
    for (let i = 0; i < 300; i++) runScenario(compiled, 1, i);
  });
  console.log(`market benchmark on ${machine()}`);
  console.log(`openai-multicloud-2025.yaml, one replication per iteration (run indices vary)`);
  console.log(
    `${result.perSecond.toFixed(0)} runs/s ±${result.rmePercent.toFixed(1)}% (target ${TARGET_RUNS_PER_SECOND} per core: ${result.perSecond >= TARGET_RUNS_PER_SECOND ? 'met' : 'MISSED'}), ` +
      `${(events / runs).toFixed(0)} events per run`,
  );
  const layers = Object.entries(shares)
    .sort((a, b) => b[1] - a[1])
    .map(([layer, share]) => `${layer} ${(100 * share).toFixed(1)}%`);
  console.log(`time by layer (CPU profile of 300 runs): ${layers.join(', ')}`);
  console.log(`hottest functions:\n  ${hottest.join('\n  ')}`);
}

await main();
