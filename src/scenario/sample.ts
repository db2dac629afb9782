import type { Distribution } from '../kernel/distributions/data.js';
import { sample } from '../kernel/distributions/data.js';
import { quantile } from '../kernel/distributions/quantiles.js';
import type { RandomStreams } from '../kernel/random.js';
import { describeMax, formatBound, limitOf } from './limits.js';
import type { UncertainSpec } from './schema.js';

/** Uncertain parameters: a scenario's distributions become numbers, once per run, each from its own stream. */

/** The kernel distribution a scenario's `{ kind: { ... } }` form describes. */
export function toDistribution(spec: Exclude<UncertainSpec, number>): Distribution {
  if ('lognormal' in spec) return { kind: 'lognormal', median: spec.lognormal.median, sigma: spec.lognormal.sigma };
  if ('normal' in spec) return { kind: 'normal', mean: spec.normal.mean, sd: spec.normal.sd };
  if ('uniform' in spec) return { kind: 'uniform', min: spec.uniform.min, max: spec.uniform.max };
  if ('triangular' in spec) return { kind: 'triangular', ...spec.triangular };
  return { kind: 'pert', ...spec.pert };
}

/** Draws a run's values for uncertain parameters and remembers them by path, for the run's result. */
export class ParameterSampler {
  /** The values drawn so far, by parameter path. */
  readonly sampled: Record<string, number> = {};

  /**
   * `design`, when given, supplies each parameter's uniform in (0, 1) for this run (a Latin
   * hypercube across a batch's runs), turned into a value by the distribution's quantile function.
   */
  constructor(
    private readonly streams: RandomStreams,
    private readonly design?: (path: string) => number,
  ) {}

  /**
   * The value of `spec` in this run: a number as written, or a draw from the stream named after
   * `path`, so adding a parameter to a scenario never changes the draws of the others.
   */
  value(spec: UncertainSpec, path: string): number {
    if (typeof spec === 'number') return spec;
    const distribution = toDistribution(spec);
    const value = this.design ? quantile(distribution, this.design(path)) : sample(distribution, this.streams.get(`param:${path}`));
    // A heavy tail can overflow (a lognormal with a huge sigma), reach past the field's limit, or (a normal's)
    // below 0, which no field of a scenario can be: validation checks only an unbounded distribution's centre
    // and spread. The model must never see any of these (a negative growth factor would be a lab with no demand).
    if (!Number.isFinite(value)) throw new RangeError(`${path}: its distribution drew ${value}; narrow the distribution`);
    const limit = limitOf(path);
    if (limit !== undefined && value > limit.max) throw new RangeError(`${path}: its distribution drew ${value}, above the limit: ${describeMax(limit)}; narrow the distribution`);
    if (value < (limit?.min ?? 0)) throw new RangeError(`${path}: its distribution drew ${value}, below ${formatBound(limit?.min ?? 0)}, which it cannot be; narrow the distribution, or use a lognormal, which is never below 0`);
    this.sampled[path] = value;
    return value;
  }

  /** Like `value`, clamped at `min` where the model needs it (a normal can go negative). */
  bounded(spec: UncertainSpec, path: string, min: number): number {
    return Math.max(min, this.value(spec, path));
  }
}
