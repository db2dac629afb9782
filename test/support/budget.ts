/**
 * Time limits for tests that guard against a blow-up (quadratic or exponential work on hostile
 * input). A fixed limit in milliseconds fails on a loaded machine (2,223 ms against 2,000 was seen at
 * a load average of 15); a limit that is a multiple of a reference job timed in the same process
 * stretches with the load as the work under test does, while a blow-up stays orders of magnitude over it.
 */

/** The median time of `samples` runs of `job`, in milliseconds, after one run to warm it up. */
export function medianMs(job: () => void, samples = 5): number {
  job();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    job();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(samples / 2)]!;
}

/**
 * A limit of at least `floorMs`, stretched to `multiple` times the reference job's median time:
 * never stricter than the fixed limit it replaces, and as lenient as the machine is slow. The job is
 * timed when the limit is first asked for, once, so that a file whose timed tests are filtered out
 * does not pay for it.
 */
export function budgetMs(floorMs: number, multiple: number, reference: () => void): () => number {
  let limit: number | undefined;
  return () => (limit ??= Math.max(floorMs, multiple * medianMs(reference)));
}
