import { InvalidArgumentError } from 'commander';
import { hasUnprintable, printable } from '../printable.js';

/**
 * Parsers of option values: each rejects a bad value with what was expected, which commander prints
 * in one line. Numbers are read strictly, as written in decimal: `Number()` would also take ' 3',
 * '0x10', '1e3' and '' (as 0), so a typo could run a batch other than the one meant.
 */

/** Decimal digits, nothing else: no sign, space, point, exponent or hexadecimal. */
const DIGITS = /^[0-9]+$/;

/** Digits with an optional sign. */
const SIGNED_DIGITS = /^[+-]?[0-9]+$/;

/** A decimal number: digits with an optional sign, point and exponent (2, 0.5, .5, 1e-3); no hexadecimal, spaces or Infinity. */
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/** The value as it was given, safe to quote in a message. */
function quoted(text: string): string {
  return `'${printable(text)}'`;
}

/** The value quoted, and for one that is not even written as an integer, how to write one. */
function quotedInteger(text: string): string {
  return SIGNED_DIGITS.test(text) ? quoted(text) : `${quoted(text)} (write it in decimal digits, without spaces)`;
}

/** The value quoted, and for one that is not written as a decimal number, how to write one. */
function quotedNumber(text: string): string {
  return DECIMAL.test(text) ? quoted(text) : `${quoted(text)} (write it in decimal, e.g. 0.5 or 1e-3, without spaces)`;
}

/** A decimal number, or NaN for any other text. */
function decimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}

/** An integer written in decimal digits (signed when `signed`), or NaN for any other text or one past 2^53. */
function decimalInteger(text: string, signed: boolean): number {
  if (!(signed ? SIGNED_DIGITS : DIGITS).test(text)) return Number.NaN;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

/** A positive, finite number, in decimal (exponent allowed: 1e-3). */
export function positiveNumber(text: string): number {
  const value = decimal(text);
  if (!(value > 0 && Number.isFinite(value))) throw new InvalidArgumentError(`expected a positive number, got ${quotedNumber(text)}`);
  return value;
}

/** An integer > 0, in decimal digits. */
export function positiveInteger(text: string): number {
  const value = decimalInteger(text, false);
  if (!(value > 0)) throw new InvalidArgumentError(`expected a positive integer, got ${quotedInteger(text)}`);
  return value;
}

/** An integer >= 0, in decimal digits. */
export function nonNegativeInteger(text: string): number {
  const value = decimalInteger(text, false);
  if (!(value >= 0)) throw new InvalidArgumentError(`expected an integer >= 0, got ${quotedInteger(text)}`);
  return value;
}

/** Any safe integer, in decimal digits with an optional sign. */
export function integer(text: string): number {
  const value = decimalInteger(text, true);
  if (Number.isNaN(value)) throw new InvalidArgumentError(`expected an integer, got ${quotedInteger(text)}`);
  return value;
}

/** A share strictly between 0 and 1, in decimal. */
export function share(text: string): number {
  const value = decimal(text);
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError(`expected a share between 0 and 1 (0.01 for 1%), got ${quotedNumber(text)}`);
  return value;
}

/** How `--seed` reads its value, for the options' help. */
export const SEED_HELP = 'decimal digits, read as the integer they write (01 is seed 1), or a name such as baseline-2025, read as written';

/**
 * A master seed. A seed is text that every run's streams are derived from, so two spellings of one
 * number would otherwise be two seeds: decimal digits are read as the integer they write (leading
 * zeros dropped, so `01`, `1` and the number 1 given to the library name the same streams), and any other text is a
 * name, taken as written. Text that reads as a number in another notation (-1, +1, 1.0, 1e3, 0x10)
 * is refused rather than taken as a name that looks like a number; so are spaces and control characters.
 */
export function seed(text: string): string {
  if (DIGITS.test(text)) return text.replace(/^0+(?=[0-9])/, '');
  const expected = `expected a seed: ${SEED_HELP}; got ${quoted(text)}`;
  if (text === '' || /\s/.test(text) || hasUnprintable(text)) throw new InvalidArgumentError(expected);
  if (Number.isFinite(Number(text))) throw new InvalidArgumentError(`${expected} (a number other than decimal digits)`);
  return text;
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
