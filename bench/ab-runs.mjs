// A/B of two builds of the engine in one process: node --preserve-symlinks --single-threaded-gc
// --no-allocation-site-pretenuring bench/ab-runs.mjs DIR_A DIR_B [blocks] [runsPerBlock]
// Each DIR holds a built dist/, a package.json and a node_modules (a symlink will do; with
// --preserve-symlinks each build gets its own mathjs, which the engine locks down at import).
// Blocks of runs alternate A B, B A, ... so that the load of a shared machine, which drifts over
// seconds, falls on both builds alike; each block is timed in CPU time (user + system: with
// --single-threaded-gc the GC's work is on this thread), and the median of the blocks' B/A ratios
// is printed per scenario. Run it both ways round (A B, then B A) and average: whichever build runs
// second in a process comes out a point or two slower on some machines.
import { resolve } from 'node:path';

const [dirA, dirB] = process.argv.slice(2, 4).map((dir) => resolve(dir));
const blocks = Number(process.argv[4] ?? 40);
const runsPerBlock = Number(process.argv[5] ?? 10);
const WARM_UP_BLOCKS = 15;
const SCENARIOS = ['openai-multicloud-2025.yaml', 'backtest-2023.yaml'];
const builds = [await import(`${dirA}/dist/index.js`), await import(`${dirB}/dist/index.js`)];
const scenarioDir = new URL('../scenarios/', import.meta.url);

for (const name of SCENARIOS) {
  const compiled = builds.map((engine) => engine.compileScenario(engine.loadScenario(new URL(name, scenarioDir).pathname).spec));
  const next = [0, 0];
  const block = (k) => {
    const start = process.cpuUsage();
    for (let i = 0; i < runsPerBlock; i++) builds[k].runScenario(compiled[k], 1, next[k]++);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000 / runsPerBlock;
  };
  for (let i = 0; i < WARM_UP_BLOCKS; i++) block(i % 2), block(1 - (i % 2));
  const ratios = [];
  const totals = [0, 0];
  for (let i = 0; i < blocks; i++) {
    const ms = [0, 0];
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) ms[k] = block(k);
    totals[0] += ms[0];
    totals[1] += ms[1];
    ratios.push(ms[1] / ms[0]);
  }
  ratios.sort((x, y) => x - y);
  const quantile = (q) => ratios[Math.floor(q * (ratios.length - 1))].toFixed(3);
  console.log(
    `${name}: A ${(totals[0] / blocks).toFixed(2)} ms, B ${(totals[1] / blocks).toFixed(2)} ms CPU a run; ` +
      `B/A median of ${blocks} blocks ${quantile(0.5)} (quartiles ${quantile(0.25)}-${quantile(0.75)})`,
  );
}
