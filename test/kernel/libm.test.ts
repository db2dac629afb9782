import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as libm from '../../src/kernel/libm.js';
import { FDLIBM } from '../../src/kernel/libm.js';
import type { LibmName } from '../../src/kernel/libm.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A reproducible stream of uniforms in [0, 1) (xorshift32): the test's arguments are the same every run. */
function uniforms(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Arguments of every kind: any double (its bits at random), small and large, near zero, and the special values. */
function argumentsFor(count: number, seed: number): number[] {
  const next = uniforms(seed);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const values = [0, -0, 1, -1, 0.5, 2, Math.PI, Math.PI / 2, Math.E, 709.78, 710, -745.1, -746, 1e-310, 5e-324, 1.7976931348623157e308, Infinity, -Infinity, NaN, 1e300 * Math.PI, 1e22, 2 ** 19 * Math.PI / 2];
  for (let i = 0; values.length < count; i++) {
    words[0] = (next() * 4294967296) >>> 0;
    words[1] = (next() * 4294967296) >>> 0;
    const sign = next() < 0.5 ? -1 : 1;
    values.push([bits[0]!, (next() * 20 - 10), sign * Math.exp(next() * 80 - 40), next() * 1600 - 800, sign * next() * 2e6][i % 5]!);
  }
  return values;
}

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('the portable elementary functions', () => {
  const unary = Object.keys(FDLIBM).filter((name) => name !== 'pow') as Exclude<LibmName, 'pow'>[];

  it.each(unary)('%s equals Node\'s Math bit for bit on 100,000 arguments of every kind', (name) => {
    const mismatches: string[] = [];
    for (const x of argumentsFor(100_000, 0x1234 + name.length)) {
      const expected = (Math[name] as (x: number) => number)(x);
      const got = FDLIBM[name](x);
      if (!same(got, expected)) mismatches.push(`${name}(${x}) = ${got}, Math gives ${expected}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('pow equals Node\'s Math.pow bit for bit on 200,000 pairs: integer and fractional exponents, negative bases, special values', () => {
    const next = uniforms(0xbeef);
    const xs = argumentsFor(2_000, 0x77);
    const mismatches: string[] = [];
    const check = (x: number, y: number): void => {
      if (!same(FDLIBM.pow(x, y), Math.pow(x, y))) mismatches.push(`pow(${x}, ${y}) = ${FDLIBM.pow(x, y)}, Math gives ${Math.pow(x, y)}`);
    };
    for (let i = 0; i < 200_000; i++) {
      const x = [xs[i % xs.length]!, next() * 20, Math.exp(next() * 20 - 10), -next() * 10][i % 4]!;
      const y = [next() * 30 - 15, Math.round(next() * 60 - 30), xs[(i * 7) % xs.length]! / 8, next() * 2000 - 1000][(i >> 2) % 4]!;
      check(x, y);
    }
    for (const x of xs.slice(0, 22)) for (const y of xs.slice(0, 22)) check(x, y);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('are what the engine calls: the engine\'s own Math function only where it gave the same on every probe', () => {
    const args = argumentsFor(20_000, 0x5151);
    const mismatches: string[] = [];
    for (const name of unary) for (const x of args) if (!same(libm[name](x), FDLIBM[name](x))) mismatches.push(`${name}(${x})`);
    for (let i = 0; i + 1 < args.length; i += 2) {
      const [x, y] = [Math.abs(args[i]!) % 50, args[i + 1]! % 20];
      if (!same(libm.pow(x, y), FDLIBM.pow(x, y))) mismatches.push(`pow(${x}, ${y})`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe('source hygiene', () => {
  it('computes elementary functions in the model through kernel/libm.ts, never with the engine\'s own Math', () => {
    const engineDirectories = ['kernel', 'market', 'scenario', 'experiment'].map((dir) => join(PROJECT_ROOT, 'src', dir));
    const own = /Math\s*\.\s*(exp|expm1|log|log1p|log10|log2|pow|sin|cos|tan|tanh|sinh|cosh|asin|acos|atan|atan2|cbrt|hypot)\s*\(/g;
    const offenders: string[] = [];
    for (const directory of engineDirectories) {
      for (const file of readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts')).map((name) => join(directory, name))) {
        if (file.endsWith(join('kernel', 'libm.ts'))) continue;
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(own)) offenders.push(`${relative(PROJECT_ROOT, file)}:${text.slice(0, match.index).split('\n').length}: ${match[0]}`);
      }
    }
    expect(offenders, `each engine rounds these its own way; use kernel/libm.ts so runs are the same everywhere:\n${offenders.join('\n')}`).toEqual([]);
  });
});
