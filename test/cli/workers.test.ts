import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computerace } from '../support/cli.js';

/** `--workers 1000` on 2 cores took 10 GB and 95 s for 200 runs: one formula engine per thread, all competing for 2 cores. */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'test', 'fixtures', 'backtest-small.yaml');
const cores = availableParallelism();

describe('computerace run --workers', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-workers-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('caps more workers than cores at the cores, with a one-line note, and the same bytes', async () => {
    const many = join(temp, 'many');
    // A block a run, so there is a block for every core.
    const batch = ['--runs', String(Math.max(4, cores)), '--block-size', '1', '--seed', '5', '--timeseries', 'none', '--quiet'];
    const { status, stderr } = await computerace('run', fixture, ...batch, '--workers', '1000', '--out', many);
    expect(status).toBe(0);
    expect(stderr).toBe(`computerace: --workers 1000: capped at the ${cores} available core${cores === 1 ? '' : 's'}\n`);
    expect(JSON.parse(readFileSync(join(many, 'manifest.json'), 'utf8')).workers).toBe(cores);
    const one = join(temp, 'one');
    const single = await computerace('run', fixture, ...batch, '--workers', '1', '--out', one);
    expect(single.stderr).toBe('');
    expect(readFileSync(join(many, 'runs.arrow')).equals(readFileSync(join(one, 'runs.arrow')))).toBe(true);
  }, 60_000);

  it('says in its help that it is capped, and defaults to the cores', async () => {
    const help = (await computerace('run', '--help')).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('at most the available cores (more are capped at them, with a note)');
    expect(help).toContain(`(default: the ${cores} available core`);
  });
});
