// The kernel against queueing theory: M/M/1 and M/M/2 runs (written as a user would, in
// test/support/queueing.ts) must reproduce closed-form steady-state results. Each figure is judged by a
// 99% Student t confidence interval over independent replications (run indices 0..29 of one seed).
// The seed is fixed, so every interval is reproducible; it was not searched for.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ConfidenceInterval,
  confidenceInterval,
  contains,
  erlangC,
  mm1MeanTimeInSystem,
  mmcMeanWait,
  type MmcResult,
  replicateMmc,
} from '../support/queueing.js';

const SEED = 2024;
const REPLICATIONS = 30;
const LEVEL = 0.99;
/** Customers recorded per replication, all arriving after warm-up. */
const CUSTOMERS = 20_000;
/**
 * Time discarded per replication. The slowest configuration (M/M/2, rho 0.75) relaxes on a time scale of
 * about 1 / (c mu (1 - sqrt(rho))^2) = 28 time units (M/M/1 at rho 0.5: 12), so 500 is over 15 of them.
 */
const WARMUP = 500;
/** Both runs take about 0.6 s each; the default 5 s timeout is too tight on a loaded machine. */
const SETUP_TIMEOUT = 60_000;

const memo = new Map<string, MmcResult[]>();
/** The replications of one configuration, run once per file and shared by the describe blocks. */
function replications(servers: number, lambda: number, mu: number): MmcResult[] {
  const key = `${servers}/${lambda}/${mu}`;
  let runs = memo.get(key);
  if (runs === undefined) {
    runs = replicateMmc({ servers, lambda, mu, customers: CUSTOMERS, warmup: WARMUP, seed: SEED }, REPLICATIONS);
    memo.set(key, runs);
  }
  return runs;
}

function intervalOf(results: readonly MmcResult[], pick: (result: MmcResult) => number): ConfidenceInterval {
  return confidenceInterval(results.map(pick), LEVEL);
}

function describeInterval(ci: ConfidenceInterval): string {
  return `${ci.mean.toFixed(5)} ± ${ci.halfWidth.toFixed(5)} [${ci.lower.toFixed(5)}, ${ci.upper.toFixed(5)}]`;
}

/** Expects `value` inside the interval, naming the interval in the failure message. */
function expectInside(ci: ConfidenceInterval, value: number, what: string): void {
  expect(contains(ci, value), `${what}: ${value} outside the ${LEVEL * 100}% CI ${describeInterval(ci)}`).toBe(true);
}

/** Expects `value` outside the interval: a wrong formula the simulation must be able to rule out. */
function expectOutside(ci: ConfidenceInterval, value: number, what: string): void {
  expect(contains(ci, value), `${what}: ${value} inside the ${LEVEL * 100}% CI ${describeInterval(ci)}`).toBe(false);
}

describe('closed-form helpers', () => {
  it('erlangC matches hand-computed values and reduces to rho for one server', () => {
    // c = 2, a = 1.5: (a^2/2! * c/(c-a)) / (1 + a + a^2/2! * c/(c-a)) = 4.5 / 7.
    expect(erlangC(2, 1.5, 1)).toBeCloseTo(4.5 / 7, 14);
    expect(erlangC(1, 0.5, 1)).toBeCloseTo(0.5, 14);
    expect(mmcMeanWait(2, 1.5, 1)).toBeCloseTo(9 / 7, 14);
    expect(mmcMeanWait(1, 0.5, 1)).toBeCloseTo(1, 14); // M/M/1: rho / (mu - lambda)
    expect(mm1MeanTimeInSystem(0.5, 1)).toBe(2);
    expect(() => erlangC(2, 2, 1)).toThrow(RangeError);
  });

  it('confidenceInterval uses the Student t quantile', () => {
    // Mean 3, sd sqrt(2.5), t(0.995, 4) = 4.604094871...
    const ci = confidenceInterval([1, 2, 3, 4, 5], 0.99);
    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(ci.halfWidth).toBeCloseTo((4.604094871 * Math.sqrt(2.5)) / Math.sqrt(5), 8);
    expect(contains(ci, ci.lower) && contains(ci, ci.upper)).toBe(true);
  });
});

describe('M/M/1 (lambda 0.5, mu 1) against theory', () => {
  const lambda = 0.5;
  const mu = 1;
  let runs: MmcResult[];
  beforeAll(() => {
    runs = replications(1, lambda, mu);
  }, SETUP_TIMEOUT);

  it('records exactly the requested customers in each of the independent replications', () => {
    expect(runs).toHaveLength(REPLICATIONS);
    for (const run of runs) expect(run.customers).toBe(CUSTOMERS);
    // Independent streams per run index: no two replications measure the same figure.
    expect(new Set(runs.map((run) => run.meanTimeInSystem)).size).toBe(REPLICATIONS);
  });

  it('mean time in system W = 1 / (mu - lambda) = 2 lies in the 99% CI', () => {
    expectInside(intervalOf(runs, (run) => run.meanTimeInSystem), mm1MeanTimeInSystem(lambda, mu), 'W');
  });

  it('utilisation rho = lambda / mu = 0.5 lies in the 99% CI', () => {
    expectInside(intervalOf(runs, (run) => run.utilisation), lambda / mu, 'utilisation');
  });

  it('mean wait Wq = rho / (mu - lambda) = 1 and P(wait) = rho lie in their 99% CIs', () => {
    expectInside(intervalOf(runs, (run) => run.meanWait), mmcMeanWait(1, lambda, mu), 'Wq');
    expectInside(intervalOf(runs, (run) => run.probabilityOfWaiting), erlangC(1, lambda, mu), 'P(wait)');
  });

  it('the CIs are tight enough to reject wrong formulas', () => {
    const w = intervalOf(runs, (run) => run.meanTimeInSystem);
    // The interval resolves W to within 2% of its value...
    expect(w.halfWidth / 2).toBeLessThan(0.02);
    // ...so it rules out plausible mistakes: W = 1/mu (no queueing), W = Wq + 0 = 1 (service forgotten),
    // W = 1/(mu - lambda) with lambda off by 5%, or a 5% error in W itself.
    expectOutside(w, 1 / mu, 'W = 1/mu');
    expectOutside(w, 1 / (mu - 0.95 * lambda), 'W with lambda 5% low');
    expectOutside(w, 1 / (mu - 1.05 * lambda), 'W with lambda 5% high');
    expectOutside(w, 0.95 * 2, 'W 5% low');
    expectOutside(w, 1.05 * 2, 'W 5% high');
    const rho = intervalOf(runs, (run) => run.utilisation);
    expectOutside(rho, 0.49, 'utilisation 2% low');
    expectOutside(rho, 0.51, 'utilisation 2% high');
  });
});

describe('M/M/2 (lambda 1.5, mu 1, rho 0.75) against theory', () => {
  const servers = 2;
  const lambda = 1.5;
  const mu = 1;
  let runs: MmcResult[];
  beforeAll(() => {
    runs = replications(servers, lambda, mu);
  }, SETUP_TIMEOUT);

  it('Erlang C probability of waiting (4.5/7 = 0.642857) lies in the 99% CI', () => {
    expectInside(intervalOf(runs, (run) => run.probabilityOfWaiting), erlangC(servers, lambda, mu), 'P(wait)');
  });

  it('mean wait Wq = C / (c mu - lambda) = 9/7 lies in the 99% CI', () => {
    expectInside(intervalOf(runs, (run) => run.meanWait), mmcMeanWait(servers, lambda, mu), 'Wq');
  });

  it('utilisation lambda / (c mu) = 0.75 and W = Wq + 1/mu lie in their 99% CIs', () => {
    expectInside(intervalOf(runs, (run) => run.utilisation), lambda / (servers * mu), 'utilisation');
    expectInside(intervalOf(runs, (run) => run.meanTimeInSystem), mmcMeanWait(servers, lambda, mu) + 1 / mu, 'W');
  });

  it('the CIs reject the formulas of other systems', () => {
    const pWait = intervalOf(runs, (run) => run.probabilityOfWaiting);
    // Erlang B (the loss system's blocking probability) and rho (the M/M/1 answer) are both excluded.
    const offered = lambda / mu;
    const erlangB = offered ** 2 / 2 / (1 + offered + offered ** 2 / 2);
    expectOutside(pWait, erlangB, 'Erlang B');
    expectOutside(pWait, lambda / (servers * mu), 'P(wait) = rho');
    // One server twice as fast (M/M/1 with mu' = 2): Wq = rho / (mu' - lambda) = 1.5.
    const wq = intervalOf(runs, (run) => run.meanWait);
    expectOutside(wq, lambda / (servers * mu) / (servers * mu - lambda), 'Wq of one double-speed server');
    // Two separate M/M/1 queues, each fed lambda/2: Wq = 0.75 / (1 - 0.75) = 3.
    expectOutside(wq, 0.75 / (mu - lambda / 2), 'Wq of two separate queues');
  });
});

describe("Little's law L = lambda W", () => {
  const configurations = [
    { name: 'M/M/1', servers: 1, lambda: 0.5, mu: 1 },
    { name: 'M/M/2', servers: 2, lambda: 1.5, mu: 1 },
  ] as const;
  const runs = new Map<string, MmcResult[]>();
  beforeAll(() => {
    for (const { name, servers, lambda, mu } of configurations) {
      runs.set(name, replications(servers, lambda, mu));
    }
  }, SETUP_TIMEOUT);

  // Over the window [warm-up, last departure], the integral of the number in system equals the sum of the
  // recorded customers' times in system plus the time customers who arrived before warm-up spent in the
  // system after it. So L - (observed rate) W = that carry-over / window length: a few customers (mean L
  // of 1 to 3.4) times a few time units, over a window of about 13,000 (M/M/2) to 40,000 (M/M/1) time
  // units, i.e. about 1e-4 relative on average and 1.1e-3 at worst in these runs. A 1% tolerance leaves a
  // ninefold margin for that edge effect, yet a time-weighted average or a tally that dropped or
  // double-counted 1% of the time or of the customers would fail it.
  it.each(configurations)('$name: time-average L equals observed arrival rate x mean W within 1% in every run', ({ name }) => {
    for (const run of runs.get(name)!) {
      const littleL = run.arrivalRate * run.meanTimeInSystem;
      expect(Math.abs(run.meanNumberInSystem - littleL) / littleL).toBeLessThan(0.01);
    }
  });

  // Across replications, with the nominal lambda: E[L] = lambda E[W] in steady state, so the mean of
  // L - lambda W over independent runs must be indistinguishable from 0.
  it.each(configurations)('$name: the 99% CI of L - lambda W contains 0', ({ name, lambda }) => {
    const difference = intervalOf(runs.get(name)!, (run) => run.meanNumberInSystem - lambda * run.meanTimeInSystem);
    expectInside(difference, 0, 'L - lambda W');
  });

  it.each(configurations)('$name: L lies in the 99% CI of the theoretical lambda W', ({ name, servers, lambda, mu }) => {
    const l = intervalOf(runs.get(name)!, (run) => run.meanNumberInSystem);
    expectInside(l, lambda * (mmcMeanWait(servers, lambda, mu) + 1 / mu), 'L');
  });
});
