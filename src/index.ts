/** computerace: a discrete-event simulation engine for the AI compute arms race. */

export { Simulation } from './kernel/simulation.js';
export type { Handle, RunOptions, ScheduleOptions, SimulationOptions, TraceRecord, Tracer } from './kernel/simulation.js';
export { LOWEST, NORMAL, URGENT } from './kernel/priority.js';
export { AllOf, AnyOf, Condition, Interrupt, Process, SimEvent, Timeout } from './kernel/events.js';
export type { EventCallback, EventOptions, ProcessGenerator } from './kernel/events.js';
export { Container, ContainerEvent, Request, Resource, Store, StoreGet, StorePut } from './kernel/resources.js';
export type { ContainerOptions, RequestOptions } from './kernel/resources.js';
export { Tally, TimeWeighted } from './kernel/stats.js';
export type { Clock, TallySummary, TimeWeightedSummary } from './kernel/stats.js';
export { RandomStreams, deriveStreamSeed } from './kernel/random.js';
export type { Rng } from './kernel/random.js';
export {
  bernoulli,
  beta,
  empirical,
  exponential,
  gamma,
  lognormal,
  lognormalFromMeanSd,
  makeEmpirical,
  normal,
  pert,
  poisson,
  sample,
  theoreticalMean,
  theoreticalVariance,
  triangular,
  uniform,
  validateDistribution,
  weibull,
} from './kernel/distributions.js';
export type { Distribution } from './kernel/distributions.js';
export { mm1 } from './examples/mm1.js';
export type { MM1Result } from './examples/mm1.js';
