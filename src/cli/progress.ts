import cliProgress from 'cli-progress';
import type { BatchProgress } from '../experiment/batch.js';

/**
 * Progress of a batch on stderr: a bar drawn from the moment the command starts (counting its
 * seconds while the workers start), runs done, the rate of the last ~10 seconds (an average since
 * the start would include the start-up, and on --resume the runs read back from the checkpoint),
 * the time left at that rate, and how many runs were restored from a checkpoint.
 */

/** Progress of a batch, as the command shows it. */
export interface Progress {
  update(progress: BatchProgress): void;
  stop(): void;
}

/** Where the bar is drawn and what time it is, injected by tests. */
export interface ProgressOptions {
  stream?: NodeJS.WritableStream;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
}

/** The seconds the rate is measured over. */
export const RATE_WINDOW_SECONDS = 10;

/** A progress bar over `runs` runs (per variant); silent (a no-op) when `show` is false. */
export function progressBar(show: boolean, runs: number, options: ProgressOptions = {}): Progress {
  if (!show) return { update: () => undefined, stop: () => undefined };
  const status = new ProgressStatus(runs, options.now ?? (() => performance.now()));
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream ?? process.stderr,
      // Drawn again a few times a second, so the seconds count even while no run finishes.
      format: (settings, params) => `${cliProgress.Format.BarFormat(params.progress, settings)} ${status.text()}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(runs, 0);
  let stopped = false;
  return {
    update(progress) {
      status.update(progress);
      bar.update(status.value);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** What the bar says after it: `450/1000 runs | 120 runs/s | ETA 4 s | restored 400 runs from the checkpoint | 0:09`. */
export class ProgressStatus {
  private readonly started: number;
  private readonly rate = new RecentRate(RATE_WINDOW_SECONDS * 1000);
  private latest: BatchProgress | undefined;

  constructor(private readonly total: number, private readonly now: () => number) {
    this.started = now();
  }

  update(progress: BatchProgress): void {
    this.latest = progress;
    // Runs of every variant: the rate a batch of several variants is measured in, as its summary gives it.
    this.rate.add(this.now(), progress.computed * progress.variants);
  }

  /** Runs per variant done: written or restored, or finished by a worker and not yet written. */
  get value(): number {
    const latest = this.latest;
    return latest === undefined ? 0 : Math.min(this.total, Math.max(latest.runs, latest.restored + latest.computed));
  }

  text(): string {
    const latest = this.latest;
    const parts = [`${this.value}/${this.total} runs`];
    if (latest === undefined) parts.push('starting the workers');
    else if (latest.computed === 0) parts.push(latest.restored > 0 ? 'restoring from the checkpoint' : 'starting the runs');
    else {
      const perSecond = this.rate.perSecond();
      if (perSecond === undefined) parts.push('measuring the rate');
      else {
        parts.push(`${perSecond.toFixed(0)} runs/s`);
        const left = ((this.total - this.value) * latest.variants) / perSecond;
        parts.push(`ETA ${perSecond > 0 ? duration(left) : 'unknown'}`);
      }
    }
    if (latest !== undefined && latest.restored > 0) parts.push(`restored ${latest.restored} runs from the checkpoint`);
    parts.push(clock((this.now() - this.started) / 1000));
    return parts.join(' | ');
  }
}

/** A count's rate of change over the last `windowMs` milliseconds of samples, from the first change on. */
export class RecentRate {
  private readonly samples: { at: number; count: number }[] = [];
  private moved = false;

  constructor(private readonly windowMs: number) {}

  add(at: number, count: number): void {
    // Until the count first moves (the workers starting, a checkpoint read back), the window starts at the latest sample.
    if (!this.moved && this.samples.length > 0 && this.samples[0]!.count === count) this.samples.length = 0;
    this.moved ||= this.samples.length > 0;
    this.samples.push({ at, count });
    // The newest sample from before the window stays: the rate spans the whole window.
    while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();
  }

  /** Per second; undefined until two samples are apart in time. */
  perSecond(): number | undefined {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.at <= first.at) return undefined;
    return ((last.count - first.count) * 1000) / (last.at - first.at);
  }
}

/** A duration to come, to the second under a minute and to the minute above: `45 s`, `3 min 20 s`, `2 h 05 min`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Time elapsed as a clock shows it: `0:09`, `12:03`, `1:02:03`. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}
