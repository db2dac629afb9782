import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BATCH_NODE_FLAGS } from '../src/experiment/executor.js';
import { machine, median } from './harness.js';

/**
 * The explore page's speed against the CLI's, on the same work: 1,000 runs of openai-multicloud-2025
 * (seed 1) in headless Chromium, the page and its Web Workers (one per core), from opening the page
 * to the last run drawn, against `computerace run --runs 1000` from starting the process to its exit
 * (its Arrow files and summary written). The machine is shared and its speed moves within minutes,
 * so the two run in alternating pairs and each pair gives a ratio; the figure is their median.
 * Needs `npm run build` (the CLI and the bundled page) and Debian's Chromium (CHROMIUM_PATH to override).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const SCENARIO = join(ROOT, 'scenarios', 'openai-multicloud-2025.yaml');
const RUNS = 1000;
const SEED = '1';
const TARGET_RATIO = 1.5;
/** Alternating pairs of page and CLI measurements (BENCH_PAIRS=5 for a steadier median). */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
if (!Number.isInteger(PAIRS) || PAIRS < 1) throw new RangeError(`BENCH_PAIRS must be a whole number of pairs, at least 1 (got ${process.env.BENCH_PAIRS})`);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** One measurement of the page: wall time to the last run drawn, and the page's own times from its start. */
interface PageTime {
  seconds: number;
  firstRunsMs: number;
  means: Record<string, number>;
}

/** `computerace run --runs 1000`, as a user starts it: its wall time and its summary's means. */
function cli(): { seconds: number; means: Record<string, number> } {
  const out = mkdtempSync(join(tmpdir(), 'computerace-bench-explore-'));
  try {
    const started = performance.now();
    const child = spawnSync(process.execPath, [...BATCH_NODE_FLAGS, BIN, 'run', SCENARIO, '--runs', String(RUNS), '--seed', SEED, '--out', out, '--quiet'], { encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (child.status !== 0) throw new Error(`computerace run failed: ${child.stderr}`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { metrics: { baseline: Record<string, { mean: number }> } };
    return { seconds, means: Object.fromEntries(Object.entries(summary.metrics.baseline).map(([name, metric]) => [name, metric.mean])) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The page in a fresh browser: from opening it to its last run drawn. */
async function page(origin: string): Promise<PageTime> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    const started = performance.now();
    await tab.goto(origin);
    await tab.waitForFunction(
      (runs) => {
        const { body } = (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } }).document;
        if (body.dataset.state === 'failed') throw new Error('the page failed');
        return body.dataset.state === 'done' && body.dataset.rendered === String(runs);
      },
      RUNS,
      { timeout: 600_000, polling: 100 },
    );
    const seconds = (performance.now() - started) / 1000;
    const firstRunsMs = Number(await tab.getAttribute('body', 'data-first-ms'));
    const means = await tab.$$eval('td[data-stat="mean"]', (cells) => Object.fromEntries(cells.map((cell) => [cell.getAttribute('data-metric')!, Number(cell.getAttribute('data-value'))])));
    return { seconds, firstRunsMs, means };
  } finally {
    await browser.close();
  }
}

/** `computerace explore` serving the scenario with RUNS runs and SEED; its address. */
async function serve(): Promise<{ server: ChildProcess; origin: string }> {
  const server = spawn(process.execPath, [BIN, 'explore', SCENARIO, '--runs', String(RUNS), '--seed', SEED], { stdio: ['ignore', 'pipe', 'inherit'] });
  const origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`computerace explore exited with ${code}`)));
  });
  return { server, origin };
}

async function main(): Promise<void> {
  const { server, origin } = await serve();
  const pages: PageTime[] = [];
  const clis: { seconds: number; means: Record<string, number> }[] = [];
  try {
    for (let pair = 0; pair < PAIRS; pair++) {
      // The page first in even pairs, the CLI first in odd ones: neither always follows the other.
      if (pair % 2 === 0) pages.push(await page(origin));
      clis.push(cli());
      if (pair % 2 === 1) pages.push(await page(origin));
    }
  } finally {
    server.kill('SIGINT');
  }
  // The same numbers, or the comparison would be of different work.
  for (const shown of pages) {
    for (const [name, mean] of Object.entries(shown.means)) if (clis[0]!.means[name] !== mean) throw new Error(`${name}: the page's mean ${mean} is not the CLI's ${clis[0]!.means[name]}`);
  }
  const ratios = pages.map((measured, i) => measured.seconds / clis[i]!.seconds);
  const ratio = median(ratios);
  const seconds = (values: number[]): string => values.map((value) => value.toFixed(1)).join(', ');
  console.log(`explore benchmark on ${machine()}, Chromium at ${CHROMIUM}`);
  console.log(`openai-multicloud-2025.yaml, ${RUNS} runs, seed ${SEED}; ${PAIRS} alternating pairs; the page's key metrics equal the CLI's summary in every pair`);
  console.log(`  page (headless Chromium, Web Workers), open to last run drawn: median ${median(pages.map((p) => p.seconds)).toFixed(1)} s (${seconds(pages.map((p) => p.seconds))}); first runs drawn after a median ${(median(pages.map((p) => p.firstRunsMs)) / 1000).toFixed(1)} s`);
  console.log(`  computerace run --runs ${RUNS}, start to exit: median ${median(clis.map((c) => c.seconds)).toFixed(1)} s (${seconds(clis.map((c) => c.seconds))})`);
  console.log(`  page / CLI: ${ratio.toFixed(2)}x, median of pairs ${ratios.map((r) => r.toFixed(2)).join(', ')} (target at most ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'})`);
}

await main();
