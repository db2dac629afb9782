import { InvalidArgumentError } from 'commander';

/** Parsers of option values: each rejects a bad value with what was expected, which commander prints in one line. */

/** A positive, finite number. */
export function positiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value))) throw new InvalidArgumentError(`expected a positive number, got '${text}'`);
  return value;
}

/** An integer > 0. */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value > 0)) throw new InvalidArgumentError(`expected a positive integer, got '${text}'`);
  return value;
}

/** An integer >= 0. */
export function nonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new InvalidArgumentError(`expected an integer >= 0, got '${text}'`);
  return value;
}

/** Any safe integer. */
export function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`expected an integer, got '${text}'`);
  return value;
}

/** A share strictly between 0 and 1. */
export function share(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError(`expected a share between 0 and 1 (0.01 for 1%), got '${text}'`);
  return value;
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
