/** The most Web Workers the page starts, whatever the address asks. */
const MAX_WORKERS = 16;

/**
 * How many Web Workers run the page's runs: `?workers=N` in the address (1 to 16), else one per core
 * but one, and at least one. The core left over is for what runs beside the workers, and in Chromium
 * that is a lot: the page's own thread, and V8's background compilers and garbage collector, which
 * optimise the engine's code in each worker anew (on a 2-core machine they took about as much CPU
 * time as the runs of a worker; one worker ran 1,000 runs sooner than two, see docs/performance.md, The explore page).
 */
export function workerCount(query: URLSearchParams, cores: number | undefined): number {
  const asked = Math.floor(Number(query.get('workers')));
  if (asked >= 1) return Math.min(MAX_WORKERS, asked);
  return Math.max(1, Math.min(MAX_WORKERS, (cores || 2) - 1));
}
