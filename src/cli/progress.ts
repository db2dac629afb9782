import cliProgress from 'cli-progress';

/** Progress of a batch on stderr: runs done, runs/s and ETA. */
export interface Progress {
  /** Runs done per variant, and the number of variants (for the rate in runs/s). */
  update(runs: number, variants: number): void;
  stop(): void;
}

/** A progress bar over `runs` runs (per variant); silent (a no-op) when `show` is false. */
export function progressBar(show: boolean, runs: number): Progress {
  if (!show) return { update: () => undefined, stop: () => undefined };
  const started = performance.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {value}/{total} runs | {rate} runs/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(runs, 0, { rate: '0' });
  let stopped = false;
  return {
    update(done, variants) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(done, { rate: ((done * variants) / Math.max(seconds, 1e-3)).toFixed(0) });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
