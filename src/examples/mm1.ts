import { exponential } from '../kernel/distributions/samplers.js';
import { RandomStreams } from '../kernel/random.js';
import { Resource } from '../kernel/resources.js';
import { Simulation } from '../kernel/simulation.js';
import { Tally, TimeWeighted } from '../kernel/stats.js';

/** What `mm1` reports: time in system (a Tally's figures), server utilisation and events fired. */
export interface MM1Result {
  customers: number;
  meanTimeInSystem: number;
  sdTimeInSystem: number;
  utilisation: number;
  events: number;
}

/** The example's rates: within these its times (a sum of a million exponential draws of mean 1/rate) stay finite numbers. */
export const MM1_RATES = { min: 1e-12, max: 1e12 } as const;

/**
 * An M/M/1 queue: Poisson arrivals at rate `lambda`, one server with exponential service at rate `mu`,
 * until `customers` (a positive integer) have arrived. RangeError for a rate outside MM1_RATES or a
 * count that is not a positive integer. A rate of arrivals at or above the service rate is simulated
 * as asked: the queue grows without bound, and theory has no steady state to compare with.
 */
export function mm1(lambda: number, mu: number, customers: number, seed = 1): MM1Result {
  for (const [name, rate] of [['lambda', lambda], ['mu', mu]] as const) {
    if (!(typeof rate === 'number' && rate >= MM1_RATES.min && rate <= MM1_RATES.max)) {
      throw new RangeError(`mm1: ${name} must be a rate from ${MM1_RATES.min} to ${MM1_RATES.max}, got ${String(rate)}`);
    }
  }
  if (!(Number.isSafeInteger(customers) && customers > 0)) throw new RangeError(`mm1: customers must be a positive integer, got ${String(customers)}`);
  const sim = new Simulation();
  const streams = new RandomStreams(seed, 0);
  const arrivals = streams.get('arrivals');
  const service = streams.get('service');
  const server = new Resource(sim, 1);
  const busy = new TimeWeighted(sim);
  const timeInSystem = new Tally();

  function* customer() {
    const arrived = sim.now;
    const request = server.request();
    yield request;
    busy.set(1);
    yield sim.timeout(exponential(service, mu));
    busy.set(0);
    server.release(request);
    timeInSystem.record(sim.now - arrived);
  }

  sim.process(function* source() {
    for (let i = 0; i < customers; i++) {
      sim.process(customer());
      yield sim.timeout(exponential(arrivals, lambda));
    }
  });
  sim.run();
  const { count, mean, sd } = timeInSystem.summary();
  return { customers: count, meanTimeInSystem: mean, sdTimeInSystem: sd, utilisation: busy.timeAverage, events: sim.eventsFired };
}
