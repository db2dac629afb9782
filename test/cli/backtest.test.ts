import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computerace } from '../support/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Two targets: an H100 price band the model meets, and a compute floor out of its reach.
const fixture = join(root, 'test', 'fixtures', 'backtest-small.yaml');

describe('computerace backtest', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-backtest-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('prints each target against the model\'s median and p5-p95, how many are met, and why the others are not; exit 0 either way', async () => {
    const { status, stdout, stderr } = await computerace('backtest', fixture, '--runs', '20', '--seed', '42');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('backtest-small: 20 runs, seed 42');
    expect(lines[2]).toMatch(/^target\s+observed\s+model median \[p5, p95\]\s+unit\s+met$/);
    expect(lines[3]).toMatch(/^h100-price-2023h2\s+\[0\.5, 20\]\s+[\d.]+ \[[\d.]+, [\d.]+\]\s+USD per H100e-hour\s+yes$/);
    expect(lines[4]).toMatch(/^openai-compute-2024-12\s+≥ 10M in 50% of runs\s+[\d.]+k \[[\d.]+k, [\d.]+k\]; 0% of runs ≥ 10M\s+H100e\s+NO$/);
    expect(lines.slice(6)).toEqual(['1 of 2 targets met', '  openai-compute-2024-12: 0% of runs reach 10M, short of the 50% required']);
  });

  it('prints the evaluation as JSON with --json, each target with its value in every run', async () => {
    const { status, stdout } = await computerace('backtest', fixture, '--runs', '5', '--json');
    expect(status).toBe(0);
    const outcome = JSON.parse(stdout);
    expect(outcome).toMatchObject({ scenario: 'backtest-small', runs: 5, seed: '42' });
    expect(outcome.targets.map((target: { id: string; met: boolean }) => [target.id, target.met])).toEqual([
      ['h100-price-2023h2', true],
      ['openai-compute-2024-12', false],
    ]);
    expect(outcome.targets[0].values).toHaveLength(5);
    expect(outcome.targets[0].median).toBe([...outcome.targets[0].values].sort((a: number, b: number) => a - b)[2]);
  });

  it('rejects a target naming an unknown lab with one located line and exit 2', async () => {
    const file = join(temp, 'unknown-lab.yaml');
    writeFileSync(file, [`extends: ${fixture}`, 'targets:', '  - { id: a, description: d, unit: H100e, source: s, metric: { labCompute: { lab: anthropic, date: 2024-06-01 } }, band: [1, null] }', ''].join('\n'));
    const { status, stdout, stderr } = await computerace('backtest', file, '--runs', '2');
    expect(stdout).toBe('');
    expect(status).toBe(2);
    // Lists of items with ids merge by id under `extends`: the new target follows the fixture's two.
    expect(stderr).toBe(`${file}:3:83: targets[2].metric.labCompute.lab: unknown lab 'anthropic'; expected one of: openai\n`);
  });

  it('draws the price paths the targets read, with their observed bands, into an SVG file with --chart', async () => {
    const chart = join(temp, 'prices.svg');
    const { status, stdout, stderr } = await computerace('backtest', fixture, '--runs', '5', '--chart', chart);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`wrote ${chart}`);
    const svg = readFileSync(chart, 'utf8');
    // Marked as computerace's, so that the next back-test may replace it (and nothing else).
    expect(svg).toMatch(/^<!-- generator: computerace backtest -->\n<svg/);
    expect(svg).toContain('h100: model (median, p5-p95 of 5 runs) and observed bands');
    expect(svg).toContain('USD per h100 chip-hour');
    expect(readdirSync(temp).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('draws a band open at one end to the edge of its panel, and refuses a chart of targets that read no price, before any run', async () => {
    // The open band was left out of the chart; a chart of no price was a blank 10 x 10 picture.
    const open = join(temp, 'open-band.yaml');
    writeFileSync(open, `extends: ${fixture}
targets:
  - { id: h100-price-2023h2, band: [0.5, null] }
`);
    const chart = join(temp, 'open.svg');
    expect(await computerace('backtest', open, '--runs', '3', '--chart', chart)).toMatchObject({ status: 0, stderr: '' });
    const boxes = (svg: string) => (svg.match(/<path aria-label="from: [^"]*"/g) ?? []).length;
    expect(boxes(readFileSync(chart, 'utf8'))).toBe(1);
    const unpriced = join(temp, 'unpriced.yaml');
    writeFileSync(unpriced, `extends: ${fixture}
targets:
  - id: h100-price-2023h2
    metric: { labCompute: { lab: openai, date: 2023-12-15 } }
`);
    const refused = await computerace('backtest', unpriced, '--runs', '3', '--chart', join(temp, 'none.svg'));
    expect(refused).toMatchObject({ status: 2, stdout: '' });
    expect(refused.stderr).toBe(`computerace: --chart ${join(temp, 'none.svg')}: the chart draws the chip prices the targets read, and the targets of ${unpriced} read none\n`);
    expect(readdirSync(temp)).not.toContain('none.svg');
  });

  it('keeps at most 100,000 runs, each run\'s figures held to the end, and says "1 run"', async () => {
    // 5,000,000 runs took 1.8 GB in 12 s; 2^31 ended in "internal error: Array buffer allocation failed".
    const refused = await computerace('backtest', fixture, '--runs', '100001');
    expect(refused).toMatchObject({ status: 2, stdout: '' });
    expect(refused.stderr).toBe("computerace: --runs 100001: a back-test has at most 100000 runs: it keeps every run's value of each target, and each priced chip's monthly price, until the end\n");
    expect((await computerace('backtest', fixture, '--runs', '1')).stdout).toMatch(/^backtest-small: 1 run, seed 42\n/);
  });

  it('refuses a chart it cannot write before running anything, exit 2', async () => {
    const { status, stdout, stderr } = await computerace('backtest', fixture, '--chart', join(temp, 'missing', 'prices.svg'));
    expect(stdout).toBe('');
    expect(status).toBe(2);
    expect(stderr).toBe(`computerace: --chart ${join(temp, 'missing', 'prices.svg')}: cannot write the chart there: its directory ${join(temp, 'missing')} does not exist or is not writable\n`);
  });

  it('says a scenario without targets has nothing to back-test, exit 2', async () => {
    const file = join(temp, 'no-targets.yaml');
    writeFileSync(file, `extends: ${fixture}\ntargets: null\n`);
    const { status, stderr } = await computerace('backtest', file);
    expect(status).toBe(2);
    expect(stderr).toBe(`computerace: ${file} declares no targets: add a \`targets:\` list to back-test it\n`);
  });
});
