import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { computerace } from '../support/cli.js';

/**
 * `--runs 0x10` and `--runs ' 3'` were taken (as 16 and 3), and `--seed 01` and `--seed 1` gave different
 * results. Every numeric option of every command reads decimal digits (integers) or decimal numbers,
 * nothing else, and a seed of decimal digits is the integer they write.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'test', 'fixtures', 'backtest-small.yaml');

/** Runs the command line in this process (the values are refused before any work): exit code and what went to stderr. */
async function inProcess(...args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { status: await main(['node', 'computerace', ...args]), stderr };
  } finally {
    write.mockRestore();
  }
}

/** Each numeric option of each command, with the arguments it needs besides. */
const OPTIONS: [string, string[]][] = [
  ['--lambda', ['example', 'mm1']],
  ['--mu', ['example', 'mm1']],
  ['--customers', ['example', 'mm1']],
  ['--seed', ['example', 'mm1']],
  ['--runs', ['run', fixture]],
  ['--seed', ['run', fixture]],
  ['--workers', ['run', fixture]],
  ['--block-size', ['run', fixture]],
  ['--until-precision', ['run', fixture]],
  ['--max-runs', ['run', fixture, '--until-precision', '0.05']],
  ['--only-run', ['run', fixture]],
  ['--shard', ['run', fixture, '--runs', '8']],
  ['--runs', ['backtest', fixture]],
  ['--seed', ['backtest', fixture]],
  ['--runs', ['slurm', fixture, '--shards', '2', '--out', 'never-written']],
  ['--shards', ['slurm', fixture, '--runs', '8', '--out', 'never-written']],
  ['--seed', ['slurm', fixture, '--runs', '8', '--shards', '2', '--out', 'never-written']],
  ['--block-size', ['slurm', fixture, '--runs', '8', '--shards', '2', '--out', 'never-written']],
  ['--cpus-per-task', ['slurm', fixture, '--runs', '8', '--shards', '2', '--out', 'never-written']],
  ['--fan-runs', ['report', 'never-read']],
];

/** Values that Number() takes and a strict reading does not: hexadecimal, spaces, an exponent where an integer is meant, empty text. */
const LOOSE = ['0x10', ' 3', '3 ', '0b11', ''];

describe('numbers on the command line', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const [option, args] of OPTIONS) {
    it(`are refused by ${args[0]} ${option} when not written in decimal: one line, exit 2`, async () => {
      for (const value of option === '--shard' ? [' 0/2', '0x0/2', '0/2 '] : LOOSE) {
        const { status, stderr } = await inProcess(...args, option, value);
        expect(status, `${option} '${value}'`).toBe(2);
        expect(stderr).toMatch(/^computerace: /);
        expect(stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(stderr).toContain(option === '--shard' ? `got '${value}'` : `'${value}'`);
      }
    });
  }

  it('take no exponent or point for a count', async () => {
    for (const value of ['1e3', '16.0', '+16']) {
      const { status, stderr } = await inProcess('run', fixture, '--runs', value);
      expect(status).toBe(2);
      expect(stderr).toContain(`expected a positive integer, got '${value}'`);
    }
  });
});

describe('seeds', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-seeds-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('of decimal digits are the integer they write: --seed 01 is --seed 1, and the batch records 1', async () => {
    const padded = await computerace('run', fixture, '--seed', '01', '--only-run', '2', '--json');
    const plain = await computerace('run', fixture, '--seed', '1', '--only-run', '2', '--json');
    expect(padded.status).toBe(0);
    expect(padded.stdout).toBe(plain.stdout);
    expect(JSON.parse(plain.stdout).seed).toBe('1');
    const out = join(temp, 'batch');
    expect((await computerace('run', fixture, '--seed', '007', '--runs', '2', '--workers', '0', '--timeseries', 'none', '--quiet', '--out', out)).status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe('7');
  });

  it('of other text are names, and a number in another notation is refused rather than taken as a name', async () => {
    const named = await computerace('run', fixture, '--seed', 'baseline-2025', '--only-run', '0', '--json');
    expect(named.status).toBe(0);
    expect(JSON.parse(named.stdout).seed).toBe('baseline-2025');
    for (const value of ['0x10', '-1', '1e3', ' 1']) {
      const { status, stderr } = await inProcess('run', fixture, '--seed', value);
      expect(status).toBe(2);
      expect(stderr).toContain('expected a seed: decimal digits, read as the integer they write (01 is seed 1), or a name such as baseline-2025, read as written');
    }
  });

  it('are read as every command\'s help says', async () => {
    for (const command of ['run', 'backtest', 'slurm']) {
      expect((await computerace(command, '--help')).stdout.replace(/\s+/g, ' ')).toContain('decimal digits, read as the integer they write (01 is seed 1), or a name such as baseline-2025, read as written');
    }
  });
});
