import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin, computerace, computeraceProcess } from '../support/cli.js';

describe('the computerace command', () => {
  it('runs the M/M/1 example and prints JSON results next to the theory', async () => {
    const { status, stdout } = await computerace('example', 'mm1', '--customers', '20000', '--seed', '3');
    expect(status).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.result.customers).toBe(20_000);
    expect(printed.theory.meanTimeInSystem).toBe(2);
    expect(Math.abs(printed.result.meanTimeInSystem - 2)).toBeLessThan(0.3);
  });

  it('runs Node with the batch flag of its interpreter line, which Node accepts, as npm start does', async () => {
    // The interpreter line is the only way a command gives V8 a GC flag: V8 takes it only at start.
    const line = readFileSync(bin, 'utf8').split('\n')[0]!;
    expect(line).toBe('#!/usr/bin/env -S node --single-threaded-gc');
    const [env, split, ...command] = line.slice(2).split(' ');
    const result = spawnSync(env!, [split!, ...command, bin, '--version'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const start = JSON.parse(readFileSync(join(dirname(bin), '..', '..', 'package.json'), 'utf8')).scripts.start as string;
    expect(start).toMatch(/^node --single-threaded-gc dist\/cli\/bin\.js run /);
  });

  // As a process: its exit code is the shell's, its output a real pipe's.
  it('prints the version', () => {
    const { status, stdout } = computeraceProcess(['--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  const badInputs: [string, string[], RegExp][] = [
    ['an unknown command', ['bogus'], /unknown command 'bogus'/],
    ['an unknown example', ['example', 'mm9'], /unknown example 'mm9'; expected one of: mm1/],
    ['a non-numeric option', ['example', 'mm1', '--lambda', 'fast'], /--lambda.*expected a positive number, got 'fast'/],
    ['an impossible parameter', ['example', 'mm1', '--lambda', '2', '--mu', '1'], /--lambda \(2\) must be below --mu \(1\)/],
    ['a rate whose mean time is no finite number', ['example', 'mm1', '--mu', '1e-310', '--lambda', '1e-320', '--customers', '10'], /--mu.*expected a rate from 1e-12 to 1000000000000, got 1e-310/],
    ['a negative count', ['example', 'mm1', '--customers', '-5'], /expected a positive integer, got '-5'/],
  ];
  for (const [what, args, message] of badInputs) {
    it(`rejects ${what} with one line, exit code 2 and no stack trace`, () => {
      const { status, stdout, stderr } = computeraceProcess(args);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^computerace: /);
      expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
    });
  }
});
