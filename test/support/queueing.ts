// Queueing models and formulas shared by tests: an M/M/c queue written on the kernel the way a user
// would write it, the closed-form results it should reproduce, and confidence intervals over replications.
import jStatModule from 'jstat';
import { exponential } from '../../src/kernel/distributions/samplers.js';
import type { ProcessGenerator } from '../../src/kernel/events.js';
import { RandomStreams } from '../../src/kernel/random.js';
import { Resource } from '../../src/kernel/resources.js';
import { Simulation } from '../../src/kernel/simulation.js';
import { Tally, TimeWeighted } from '../../src/kernel/stats.js';

// The shared jstat typings do not declare the Student t distribution; this is the one function used from it.
const { studentt } = (jStatModule as unknown as { jStat: { studentt: { inv(p: number, dof: number): number } } }).jStat;

/** One M/M/c run: `servers` servers, Poisson arrivals at `lambda`, exponential service at rate `mu` per server. */
export interface MmcOptions {
  servers: number;
  lambda: number;
  mu: number;
  /** Customers recorded: those arriving at or after `warmup`; arrivals stop after the last of them. */
  customers: number;
  /** Time discarded at the start: customers arriving before it are not recorded and time-weighted figures start here. */
  warmup: number;
  seed: number | string;
  runIndex: number;
}

/** What one M/M/c run measured, as plain numbers. The observation window runs from warm-up to the last departure. */
export interface MmcResult {
  /** Customers recorded. */
  customers: number;
  /** The observation window's length: from warm-up until the last recorded customer left. */
  duration: number;
  /** Mean time from arrival to departure (W). */
  meanTimeInSystem: number;
  /** Mean time from arrival to the start of service (Wq). */
  meanWait: number;
  /** Fraction of recorded customers who waited a positive time. */
  probabilityOfWaiting: number;
  /** Time-average number of busy servers over the window, divided by the number of servers. */
  utilisation: number;
  /** Time-average number in the system over the window (L). */
  meanNumberInSystem: number;
  /** Recorded customers per unit time of the window. */
  arrivalRate: number;
}

/**
 * Runs one replication of an M/M/c queue. Each customer is its own process: it requests a server,
 * waits, holds for its service time and releases. The arrival process draws interarrival times from
 * the stream 'arrivals' and each service time is drawn from the stream 'service' when service starts.
 * After `customers` arrivals past warm-up the arrival process ends and the run drains the system, so
 * every recorded customer completes and the simulation stops when the agenda empties.
 */
export function simulateMmc(options: MmcOptions): MmcResult {
  const { servers: c, lambda, mu, customers, warmup } = options;
  const sim = new Simulation();
  const streams = new RandomStreams(options.seed, options.runIndex);
  const arrivals = streams.get('arrivals');
  const service = streams.get('service');
  const servers = new Resource(sim, c);

  const waits = new Tally();
  const timesInSystem = new Tally();
  let waited = 0;
  let inSystem = 0;
  // Created at warm-up time, so time-weighted figures cover only the observation window.
  let numberInSystem: TimeWeighted | undefined;
  let busyServers: TimeWeighted | undefined;
  sim.at(warmup, () => {
    numberInSystem = new TimeWeighted(sim, inSystem);
    busyServers = new TimeWeighted(sim, servers.count);
  });

  function* customer(): ProcessGenerator<void> {
    const arrival = sim.now;
    const recorded = arrival >= warmup;
    inSystem++; // not inside `?.(...)`: optional chaining would skip the increment before warm-up
    numberInSystem?.set(inSystem);
    const request = servers.request();
    busyServers?.set(servers.count);
    yield request;
    const wait = sim.now - arrival;
    yield exponential(service, mu);
    servers.release(request);
    busyServers?.set(servers.count);
    inSystem--;
    numberInSystem?.set(inSystem);
    if (recorded) {
      waits.record(wait);
      timesInSystem.record(sim.now - arrival);
      if (wait > 0) waited++;
    }
  }

  function* source(): ProcessGenerator<void> {
    let recordedArrivals = 0;
    while (recordedArrivals < customers) {
      yield sim.timeout(exponential(arrivals, lambda));
      if (sim.now >= warmup) recordedArrivals++;
      sim.process(customer());
    }
  }

  sim.process(source());
  sim.run();

  if (numberInSystem === undefined || busyServers === undefined || timesInSystem.count !== customers) {
    throw new Error(`M/M/c run ended at ${sim.now} before warm-up ${warmup} or with customers unfinished`);
  }
  const duration = sim.now - warmup;
  return {
    customers: timesInSystem.count,
    duration,
    meanTimeInSystem: timesInSystem.mean,
    meanWait: waits.mean,
    probabilityOfWaiting: waited / customers,
    utilisation: busyServers.timeAverage / c,
    meanNumberInSystem: numberInSystem.timeAverage,
    arrivalRate: customers / duration,
  };
}

/** Independent replications of one M/M/c configuration: run indices 0..replications-1 of the same seed. */
export function replicateMmc(options: Omit<MmcOptions, 'runIndex'>, replications: number): MmcResult[] {
  return Array.from({ length: replications }, (_, runIndex) => simulateMmc({ ...options, runIndex }));
}

/** Erlang's C formula: the steady-state probability that an arrival to an M/M/c queue must wait. */
export function erlangC(c: number, lambda: number, mu: number): number {
  const offered = lambda / mu;
  const rho = offered / c;
  if (!(Number.isInteger(c) && c >= 1) || !(rho > 0 && rho < 1)) {
    throw new RangeError(`erlangC needs an integer c >= 1 and 0 < lambda/(c mu) < 1, got c=${c}, rho=${rho}`);
  }
  // Erlang B by its stable recursion, then C = B / (1 - rho (1 - B)).
  let blocking = 1;
  for (let k = 1; k <= c; k++) blocking = (offered * blocking) / (k + offered * blocking);
  return blocking / (1 - rho * (1 - blocking));
}

/** M/M/c mean wait in queue: Wq = C(c, lambda, mu) / (c mu - lambda). */
export function mmcMeanWait(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda, mu) / (c * mu - lambda);
}

/** M/M/1 mean time in system: W = 1 / (mu - lambda). */
export function mm1MeanTimeInSystem(lambda: number, mu: number): number {
  if (!(lambda >= 0 && lambda < mu)) throw new RangeError(`M/M/1 needs 0 <= lambda < mu, got ${lambda}, ${mu}`);
  return 1 / (mu - lambda);
}

/** A two-sided confidence interval for a mean. */
export interface ConfidenceInterval {
  n: number;
  mean: number;
  sd: number;
  halfWidth: number;
  lower: number;
  upper: number;
  level: number;
}

/** The Student t confidence interval for the mean of independent values (replication means, say). */
export function confidenceInterval(values: readonly number[], level = 0.99): ConfidenceInterval {
  const n = values.length;
  if (n < 2) throw new RangeError(`a confidence interval needs at least 2 values, got ${n}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  let mean = 0;
  for (const x of values) mean += x;
  mean /= n;
  let squares = 0;
  for (const x of values) squares += (x - mean) ** 2;
  const sd = Math.sqrt(squares / (n - 1));
  const halfWidth = (studentt.inv(1 - (1 - level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level };
}

/** True when `value` lies inside the interval (bounds included). */
export function contains(interval: ConfidenceInterval, value: number): boolean {
  return interval.lower <= value && value <= interval.upper;
}
