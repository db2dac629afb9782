import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integer, nonNegativeInteger, positiveInteger, positiveNumber, seed, share } from '../../src/cli/arguments.js';

describe('option values, read strictly', () => {
  it('take integers as decimal digits only: no spaces, sign, hexadecimal, exponent, point or empty text', () => {
    expect(positiveInteger('16')).toBe(16);
    expect(positiveInteger('007')).toBe(7);
    expect(nonNegativeInteger('0')).toBe(0);
    for (const text of ['0x10', ' 3', '3 ', '3\n', '1e3', '1.0', '+3', '', '0b11', '0o7', '1_000', 'Infinity', '９']) {
      expect(() => positiveInteger(text), text).toThrow(InvalidArgumentError);
      expect(() => nonNegativeInteger(text), text).toThrow(InvalidArgumentError);
    }
    expect(() => positiveInteger('0')).toThrow(/expected a positive integer, got '0'/);
    expect(() => positiveInteger('9007199254740993')).toThrow(InvalidArgumentError);
  });

  it('take a signed integer with its sign, and nothing else', () => {
    expect(integer('-5')).toBe(-5);
    expect(integer('+5')).toBe(5);
    for (const text of ['- 5', '0x10', '1e3', ' 1', '']) expect(() => integer(text), text).toThrow(InvalidArgumentError);
  });

  it('take numbers in decimal, with a point or an exponent, but not hexadecimal, spaces or Infinity', () => {
    expect(positiveNumber('0.5')).toBe(0.5);
    expect(positiveNumber('.5')).toBe(0.5);
    expect(positiveNumber('2')).toBe(2);
    expect(positiveNumber('1e-3')).toBe(0.001);
    expect(share('0.01')).toBe(0.01);
    for (const text of ['0x1', ' 1', '1 ', 'Infinity', '1e999', '', '.', 'e3', '1,5']) expect(() => positiveNumber(text), text).toThrow(InvalidArgumentError);
    expect(() => share('0x0.1')).toThrow(/write it in decimal/);
  });

  it('escape the value they quote, so a refused value cannot drive the terminal', () => {
    expect(() => positiveInteger('\u001b[2J')).toThrow("got '\\u001b[2J'");
  });
});

describe('seeds', () => {
  it('read decimal digits as the integer they write: 01 and 1 are one seed, and 1, 7 and 42 are as they always were', () => {
    expect(seed('01')).toBe('1');
    expect(seed('0042')).toBe('42');
    expect(seed('0')).toBe('0');
    expect(seed('000')).toBe('0');
    for (const text of ['1', '7', '42', '12345678901234567890']) expect(seed(text)).toBe(text);
  });

  it('take any other word as a name, as written', () => {
    expect(seed('baseline-2025')).toBe('baseline-2025');
    expect(seed('v2')).toBe('v2');
  });

  it('refuse a number in another notation, spaces and control characters, rather than take them as names', () => {
    for (const text of ['0x10', '-1', '+1', '1.0', '1e3', ' 1', '1 ', 'a b', '', 'a\u001bb']) {
      expect(() => seed(text), text).toThrow(InvalidArgumentError);
    }
    expect(() => seed('0x10')).toThrow(/decimal digits, read as the integer they write/);
  });
});
