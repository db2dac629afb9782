// Scenario data is checked once, before any sampling, so the samplers on hot paths need not check it.
import type { Distribution } from './data.js';

/** A human-readable reason why `dist` (typically parsed scenario data) cannot be sampled, or undefined when it is valid. */
export function validateDistribution(dist: unknown): string | undefined {
  if (typeof dist !== 'object' || dist === null || Array.isArray(dist)) {
    return `distribution must be an object with a "kind" (got ${describe(dist)})`;
  }
  const fields = dist as Fields;
  const kind = fields['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(VALIDATORS, kind)) {
    return `unknown distribution kind ${describe(kind)}; expected one of ${Object.keys(VALIDATORS).join(', ')}`;
  }
  return VALIDATORS[kind as Distribution['kind']](fields);
}

/** Throws for a kind no switch over Distribution['kind'] handles: data that slipped past the type system. */
export function unknownKind(dist: never): never {
  throw new TypeError(`unknown distribution kind ${describe((dist as { kind?: unknown }).kind)}`);
}

type Fields = Record<string, unknown>;
type Validator = (fields: Fields) => string | undefined;

const VALIDATORS: Record<Distribution['kind'], Validator> = {
  uniform: (f) =>
    finiteFields('uniform', f, ['min', 'max']) ??
    ((f['min'] as number) < (f['max'] as number) ? undefined : `uniform: min must be < max (got min=${f['min']}, max=${f['max']})`),
  exponential: (f) => finiteFields('exponential', f, ['rate']) ?? positive('exponential', f, 'rate'),
  normal: (f) => finiteFields('normal', f, ['mean', 'sd']) ?? positive('normal', f, 'sd'),
  lognormal: (f) =>
    finiteFields('lognormal', f, ['median', 'sigma']) ?? positive('lognormal', f, 'median') ?? positive('lognormal', f, 'sigma'),
  lognormalMeanSd: (f) =>
    finiteFields('lognormalMeanSd', f, ['mean', 'sd']) ??
    positive('lognormalMeanSd', f, 'mean') ??
    positive('lognormalMeanSd', f, 'sd'),
  triangular: (f) => finiteFields('triangular', f, ['min', 'mode', 'max']) ?? orderedRange('triangular', f),
  pert: (f) =>
    finiteFields('pert', f, ['min', 'mode', 'max']) ??
    orderedRange('pert', f) ??
    (f['lambda'] === undefined ? undefined : finiteFields('pert', f, ['lambda']) ?? positive('pert', f, 'lambda')),
  gamma: (f) => finiteFields('gamma', f, ['shape', 'scale']) ?? positive('gamma', f, 'shape') ?? positive('gamma', f, 'scale'),
  beta: (f) => finiteFields('beta', f, ['a', 'b']) ?? positive('beta', f, 'a') ?? positive('beta', f, 'b'),
  poisson: (f) =>
    finiteFields('poisson', f, ['mean']) ??
    ((f['mean'] as number) >= 0 ? undefined : `poisson: mean must be >= 0 (got ${f['mean']})`),
  bernoulli: (f) => {
    const p = f['p'];
    return typeof p === 'number' && p >= 0 && p <= 1 ? undefined : `bernoulli: p must be a number in [0, 1] (got ${describe(p)})`;
  },
  weibull: (f) =>
    finiteFields('weibull', f, ['shape', 'scale']) ?? positive('weibull', f, 'shape') ?? positive('weibull', f, 'scale'),
  empirical: (f) => validateEmpirical(f['values'], f['weights']),
};

function finiteFields(kind: string, fields: Fields, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `${kind}: ${name} must be a finite number (got ${describe(value)})`;
    }
  }
  return undefined;
}

function positive(kind: string, fields: Fields, name: string): string | undefined {
  const value = fields[name] as number;
  return value > 0 ? undefined : `${kind}: ${name} must be > 0 (got ${value})`;
}

function orderedRange(kind: string, fields: Fields): string | undefined {
  const min = fields['min'] as number;
  const mode = fields['mode'] as number;
  const max = fields['max'] as number;
  if (!(min < max)) return `${kind}: min must be < max (got min=${min}, max=${max})`;
  if (!(min <= mode && mode <= max)) return `${kind}: mode must lie in [min, max] (got min=${min}, mode=${mode}, max=${max})`;
  return undefined;
}

function validateEmpirical(values: unknown, weights: unknown): string | undefined {
  if (!Array.isArray(values) || values.length === 0) {
    return `empirical: values must be a non-empty array of numbers (got ${describe(values)})`;
  }
  const badValue = values.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
  if (badValue >= 0) return `empirical: values[${badValue}] must be a finite number (got ${describe(values[badValue])})`;
  if (weights === undefined) return undefined;
  if (!Array.isArray(weights)) return `empirical: weights must be an array of numbers (got ${describe(weights)})`;
  if (weights.length !== values.length) {
    return `empirical: weights must have the same length as values (got ${weights.length} weights for ${values.length} values)`;
  }
  const badWeight = weights.findIndex((weight) => typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0);
  if (badWeight >= 0) {
    return `empirical: weights[${badWeight}] must be a finite non-negative number (got ${describe(weights[badWeight])})`;
  }
  const total = (weights as number[]).reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0) || !Number.isFinite(total)) return `empirical: weights must have a positive finite sum (got ${total})`;
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
