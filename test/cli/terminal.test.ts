import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { computerace } from '../support/cli.js';

/**
 * Names reach the terminal escaped: a scenario or variant name holding `\e[2J` (written "\e[2J" in a
 * double-quoted YAML string) cleared the screen when a command printed it.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'test', 'fixtures', 'backtest-small.yaml');

/** Clears the screen, then starts a C1 control sequence (CSI), as YAML writes them in double quotes. */
const CLEAR_YAML = '\\e[2J\\u009b31m';
/** The same characters as printed, escaped. */
const CLEAR_PRINTED = '\\u001b[2J\\u009b31m';

/** Characters that drive a terminal or break a line, but for the line breaks output is made of. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('names with control characters', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-terminal-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const scenario = join(temp, 'evil.yaml');
  writeFileSync(scenario, [
    `name: "evil${CLEAR_YAML}"`,
    `extends: ${fixture}`,
    'variants:',
    `  "v${CLEAR_YAML}":`,
    '    providers.azure.pricing.margin: 0.5',
    '',
  ].join('\n'));

  it('are escaped in the summary of one run', async () => {
    const { status, stdout, stderr } = await computerace('run', scenario, '--only-run', '1');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain(`evil${CLEAR_PRINTED} (baseline): seed 1, run 1`);
    expect(stdout).toContain(`evil${CLEAR_PRINTED} (v${CLEAR_PRINTED}): seed 1, run 1`);
  });

  it('are escaped in a batch\'s tables, which keep their columns aligned', async () => {
    const { status, stdout, stderr } = await computerace('run', scenario, '--runs', '2', '--workers', '0', '--timeseries', 'none', '--quiet', '--out', join(temp, 'batch'));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).toMatch(new RegExp(`^evil\\\\u001b\\[2J\\\\u009b31m: 2 runs x 2 variant`));
    const header = stdout.split('\n').find((line) => line.startsWith('metric '))!;
    expect(header).toMatch(new RegExp(`baseline\\s+v\\\\u001b\\[2J\\\\u009b31m$`));
    // The cells below the variant's header start where it starts.
    const column = header.indexOf('v\\u001b');
    const row = stdout.split('\n').find((line) => line.startsWith('openai shortfall'))!;
    expect(row[column - 1]).toBe(' ');
    expect(row[column]).not.toBe(' ');
    expect(stdout).toContain(`paired differences against baseline`);
  });

  it('are escaped by resolve, in its comments and its YAML, which still reads back as the same scenario', async () => {
    const { status, stdout } = await computerace('resolve', scenario);
    expect(status).toBe(0);
    expect(stdout).not.toMatch(RAW_CONTROL);
    expect(stdout).toContain(`#   v${CLEAR_PRINTED}`);
    const resolved = parse(stdout) as { name: string; variants: Record<string, unknown> };
    expect(resolved.name).toBe('evil\u001b[2J\u009b31m');
    expect(Object.keys(resolved.variants)).toEqual(['v\u001b[2J\u009b31m']);
    const again = join(temp, 'resolved.yaml');
    writeFileSync(again, stdout);
    const hash = (text: string): string => text.split('\n')[0]!;
    expect(hash((await computerace('resolve', again)).stdout)).toBe(hash(stdout));
  });

  it('are escaped by backtest, in its table and in its JSON, which still parses to the names', async () => {
    const table = await computerace('backtest', scenario, '--runs', '2');
    expect(table.status).toBe(0);
    expect(table.stdout).not.toMatch(RAW_CONTROL);
    expect(table.stdout.split('\n')[0]).toBe(`evil${CLEAR_PRINTED}: 2 runs, seed 42`);
    const json = await computerace('backtest', scenario, '--runs', '2', '--json');
    expect(json.status).toBe(0);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout).scenario).toBe('evil\u001b[2J\u009b31m');
  });

  it('are escaped in file names, in what validate prints and in one-line errors', async () => {
    const named = join(temp, 'clear\u001b[2J.yaml');
    writeFileSync(named, `extends: ${fixture}\n`);
    const ok = await computerace('validate', named);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`${join(temp, 'clear\\u001b[2J.yaml')}: ok\n`);
    const broken = join(temp, 'broken\u001b[2J\n.yaml');
    writeFileSync(broken, 'name: [\n');
    const problems = await computerace('validate', broken);
    expect(problems.status).toBe(2);
    expect(problems.stderr).not.toMatch(RAW_CONTROL);
    expect(problems.stderr.startsWith(`${join(temp, 'broken\\u001b[2J\\n.yaml')}:`)).toBe(true);
    const missing = await computerace('report', join(temp, 'no\u001b[2J\ndir'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).not.toMatch(RAW_CONTROL);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('are escaped when commander quotes an option value it refuses, on one line', async () => {
    for (const args of [['run', scenario, '--runs', '\u001b[2J\n3'], ['slurm', scenario, '--runs', '4', '--shards', '2', '--out', temp, '--partition', 'gpu\n#SBATCH --wrap=id']]) {
      const { status, stderr } = await computerace(...args);
      expect(status).toBe(2);
      expect(stderr).not.toMatch(RAW_CONTROL);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });
});
