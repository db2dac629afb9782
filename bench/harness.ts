import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { Bench } from 'tinybench';

/** One measured task: a rate and its relative margin of error (tinybench's rme, in %). */
export interface Measurement {
  name: string;
  perSecond: number;
  rmePercent: number;
  samples: number;
}

/**
 * Times `iterate` (which returns how many operations it did) with tinybench after a warm-up.
 * `setup` runs once, outside the timing; the rate is operations done over time spent.
 */
export async function measure<S>(
  name: string,
  setup: () => S,
  iterate: (state: S) => number,
  options: { timeMs?: number; iterations?: number } = {},
): Promise<Measurement> {
  const bench = new Bench({ time: options.timeMs ?? 1500, iterations: options.iterations ?? 10, warmupTime: 300 });
  let state: S | undefined;
  let operations = 0;
  bench.add(name, () => {
    operations += iterate(state!);
  }, {
    beforeAll() {
      state ??= setup();
      operations = 0;
    },
  });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`${name}: benchmark ${result.state}${'error' in result ? `: ${result.error.message}` : ''}`);
  return { name, perSecond: operations / (result.totalTime / 1000), rmePercent: result.latency.rme, samples: result.latency.samplesCount };
}

/**
 * Runs `group` of this benchmark file in a fresh Node process and returns its measurements:
 * each group gets its own process so that code under test and the reference never share
 * a class's type feedback (one FastPriorityQueue with two comparators is ~25% slower).
 * `nodeFlags` are added to this process's own (V8 takes some, such as GC flags, only at start).
 */
export function measureInChild(file: string, group: string, nodeFlags: readonly string[] = []): Measurement[] {
  const child = spawnSync(process.execPath, [...process.execArgv, ...nodeFlags, file, '--group', group], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`benchmark group ${group} failed with exit code ${child.status}`);
  return JSON.parse(child.stdout) as Measurement[];
}

/** The group a child process was asked to run, or undefined in the parent. */
export function requestedGroup(): string | undefined {
  const index = process.argv.indexOf('--group');
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** A line describing the machine, for the figures in docs/performance.md and the README's Speed table. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu.trim()}, ${cpus().length} cores, Node ${process.version}`;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Formats a rate as 7.21M or 812k. */
export function rate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M` : `${(perSecond / 1e3).toFixed(0)}k`;
}
