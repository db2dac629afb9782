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

/** An M/M/1 queue: Poisson arrivals at rate `lambda`, one server with exponential service at rate `mu`. */
export function mm1(lambda: number, mu: number, customers: number, seed = 1): MM1Result {
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
