import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { stopPretenuring } from '../src/experiment/pretenuring.js';
import { WORKER_YOUNG_GENERATION_MB } from '../src/experiment/executor.js';
import { runScenario } from '../src/market/run.js';
import { compileScenario } from '../src/scenario/compile.js';
import { loadScenario } from '../src/scenario/load.js';

/**
 * How far this machine scales the model itself: bare runs (results discarded, nothing written,
 * nothing coordinated) in several worker threads at once, counted over the same window of time.
 * Two threads on two cores need not give 2x one: the cores share a cache and, on a virtual
 * machine, a host; this is the ceiling a batch's scaling is read against.
 */

interface ThreadTask {
  scenario: string;
  warmUpRuns: number;
  /** Keeps each thread's runs apart (run indices `offset`, `offset + 1`, ...). */
  offset: number;
}

/** Runs/s of `threads` threads running bare runs together for `windowMs`, after each warmed up alone. */
export async function bareRunsInThreads(scenario: string, threads: number, { warmUpRuns = 2000, windowMs = 10_000 } = {}): Promise<number> {
  const workers = Array.from({ length: threads }, (_, i) => new Worker(new URL(import.meta.url), {
    workerData: { scenario, warmUpRuns, offset: i * 1e6 } satisfies ThreadTask,
    // As the batch's workers are given.
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  }));
  const next = (worker: Worker): Promise<number> => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  // Every thread warms up (V8 optimises the model), then all count runs until the same deadline.
  await Promise.all(workers.map(next));
  const deadline = Date.now() + windowMs;
  const rates = workers.map(next);
  for (const worker of workers) worker.postMessage(deadline);
  const total = (await Promise.all(rates)).reduce((sum, r) => sum + r, 0);
  await Promise.all(workers.map((worker) => worker.terminate()));
  return total;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { scenario, warmUpRuns, offset } = workerData as ThreadTask;
  // As a batch's worker does.
  stopPretenuring();
  const compiled = compileScenario(loadScenario(scenario).spec);
  let run = offset;
  for (let i = 0; i < warmUpRuns; i++) runScenario(compiled, 1, run++);
  port.postMessage(0);
  port.once('message', (deadline: number) => {
    const started = performance.now();
    let runs = 0;
    while (Date.now() < deadline) {
      runScenario(compiled, 1, run++);
      runs++;
    }
    port.postMessage(runs / ((performance.now() - started) / 1000));
  });
}
