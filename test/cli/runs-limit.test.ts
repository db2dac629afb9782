import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computerace } from '../support/cli.js';

/** `--design lhs --runs 1e10` printed a worker's stack: a number of runs past its design's limit is refused before anything runs. */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'test', 'fixtures', 'backtest-small.yaml');
const LHS = /a Latin hypercube design \(--design lhs\) has at most 1048576 runs/;
const ANY = /a batch has at most 2147483648 runs per variant/;

describe('the runs a command can be asked for', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-runs-limit-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const out = join(temp, 'out');

  const refused: [string, string[], RegExp][] = [
    ['a Latin hypercube past 2^20 runs (the issue\'s 1e10, in digits)', ['run', fixture, '--design', 'lhs', '--runs', '10000000000', '--out', out], /^computerace: --runs 10000000000: a Latin hypercube design/],
    ['a Latin hypercube of 2^20 + 1 runs', ['run', fixture, '--design', 'lhs', '--runs', '1048577', '--out', out], LHS],
    ['a replay of a run of a Latin hypercube past 2^20 runs', ['run', fixture, '--design', 'lhs', '--runs', '1048577', '--only-run', '3'], LHS],
    ['a batch past 2^31 runs, whose run indices would not fit the run column', ['run', fixture, '--runs', '2147483649', '--out', out], ANY],
    ['a Sobol design past 2^31 runs', ['run', fixture, '--design', 'sobol', '--runs', '2147483649', '--out', out], ANY],
    ['a stopping rule allowed past 2^31 runs', ['run', fixture, '--until-precision', '0.01', '--max-runs', '2147483649', '--out', out], /^computerace: --max-runs 2147483649: a batch has at most/],
    ['a stopping rule allowed fewer runs than it waits for', ['run', fixture, '--until-precision', '0.01', '--max-runs', '5', '--out', out], /^computerace: --max-runs 5: the stopping rule is first consulted after 30 runs, so a stopping rule needs at least that many\n$/],
    ['a replay of run 2^31, which no batch has', ['run', fixture, '--only-run', '2147483648'], /--only-run 2147483648: no batch has that run/],
    ['a Slurm job array of a Latin hypercube past 2^20 runs', ['slurm', fixture, '--design', 'lhs', '--runs', '1048577', '--shards', '4', '--out', out], LHS],
    ['a back-test past 2^31 runs', ['backtest', fixture, '--runs', '2147483649'], ANY],
  ];
  for (const [what, args, message] of refused) {
    it(`refuses ${what}: one line saying the limit, exit 2, no stack trace, nothing written`, async () => {
      const { status, stdout, stderr } = await computerace(...args);
      expect(stderr).toMatch(message);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\bat .*\.js:\d+|internal error/);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('refuses the issue\'s command as written, 1e10 being no count in decimal digits: one line, exit 2', async () => {
    const { status, stderr } = await computerace('run', fixture, '--design', 'lhs', '--runs', '1e10', '--out', out);
    expect(status).toBe(2);
    expect(stderr).toBe("computerace: option '--runs <n>' argument '1e10' is invalid. expected a positive integer, got '1e10' (write it in decimal digits, without spaces)\n");
    expect(existsSync(out)).toBe(false);
  });

  it('takes a Latin hypercube of 2^20 runs, the most it can have', async () => {
    const { status, stderr, stdout } = await computerace('run', fixture, '--design', 'lhs', '--runs', '1048576', '--only-run', '1048575', '--seed', '3');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('run 1048575');
  }, 60_000);

  it('says the limits in the help of run and slurm', async () => {
    for (const command of ['run', 'slurm']) {
      expect((await computerace(command, '--help')).stdout.replace(/\s+/g, ' ')).toContain('at most 2147483648, and 1048576 with --design lhs');
    }
  });
});
