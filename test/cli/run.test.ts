import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import pl from 'nodejs-polars';
import { uncertainParameters } from '../support/scenarios.js';
import { computerace } from '../support/cli.js';
import { meanAndInterval, unitOf } from '../../src/io/vocabulary.js';
import { WORKER_OLD_GENERATION_MB } from '../../src/experiment/executor.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenario = join(root, 'scenarios', 'openai-multicloud-2025.yaml');
const fragile = join(root, 'test', 'fixtures', 'fragile-pricing.mjs');
const hoarding = join(root, 'test', 'fixtures', 'hoarding-pricing.mjs');
// The scenario's uncertain parameters: a Saltelli group is that many runs plus two.
const parameters = uncertainParameters(scenario);
const group = parameters.length + 2;

describe('computerace run', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-run-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('runs a batch into a directory and prints a summary table with confidence intervals', async () => {
    const out = join(temp, 'batch');
    const { status, stdout, stderr } = await computerace('run', scenario, '--runs', '12', '--seed', '7', '--out', out, '--workers', '2');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    // The horizon first, then each figure in its unit, one name per unit.
    expect(stdout.split('\n')[1]).toBe('horizon 2025-01-01 to 2030-12-31 (6 years); every figure is over the horizon, as the mean over runs [95% CI]');
    expect(stdout).toMatch(/openai shortfall\s+% of demand\s+\d+\.\d \[\d+\.\d, \d+\.\d\]/);
    expect(stdout).toMatch(/openai spend\s+bn USD\s+\d+\.\d \[\d+\.\d, \d+\.\d\]/);
    expect(stdout).toMatch(/openai price paid\s+USD per H100e-hour\s+\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]/);
    expect(stdout).toMatch(/spot price\s+USD per H100e-hour\s+\d+\.\d\d/);
    expect(stdout).toMatch(/^P\(shortfall > 10% in some year\)\s+unit\s+baseline$/m);
    expect(stdout).toMatch(/^openai\s+% of runs\s+\d+\.\d \[\d+\.\d, \d+\.\d\]$/m);
    // Tender figures, for the labs and figures that have them: Anthropic tenders with no incumbent.
    expect(stdout).toMatch(/openai tender price\s+USD per H100e-hour\s+\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]/);
    expect(stdout).toMatch(/openai incumbent's share of blocks\s+% of volume won\s+\d+\.\d/);
    expect(stdout).toMatch(/anthropic bids per tender\s+bids\s+\d+\.\d\d/);
    expect(stdout).not.toContain("anthropic incumbent's share");
    // Each figure shown is defined in one line, once.
    expect(stdout).toContain("\nwhere:\n  shortfall: demand no provider served, as a share of the lab's demand over the horizon");
    for (const term of ['spend', 'price paid', 'spot price', 'contract price', 'tender price', 'bids per tender', "incumbent's share of blocks", 'P(shortfall > 10% in some year)', 'mean [95% CI]']) {
      expect(stdout.match(new RegExp(`^  ${term.replace(/[()[\]]/g, '\\$&')}: `, 'gm')), term).toHaveLength(1);
    }
    expect(stdout).not.toMatch(/USD\/h|USD bn|GPU-h/);
    // --timeseries summary (the default): the market's and the labs' monthly tables, not the providers' or suppliers'.
    expect(readdirSync(out).sort()).toEqual(['bids.arrow', 'events.arrow', 'labs.arrow', 'manifest.json', 'market.arrow', 'runs.arrow', 'summary.json', 'tenders.arrow']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.commandLine).toEqual(['run', scenario, '--runs', '12', '--seed', '7', '--out', out, '--workers', '2']);
    // A share's interval stays within [0, 1] even where most runs sit at zero (Student's would not).
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const shares = Object.entries(summary.metrics.baseline as Record<string, { ci95: [number, number]; min: number }>).filter(([name]) => name.endsWith('Share'));
    expect(shares.length).toBeGreaterThan(4);
    expect(shares.some(([, metric]) => metric.min === 0)).toBe(true);
    for (const [, { ci95 }] of shares) expect(ci95[0] >= 0 && ci95[1] <= 1).toBe(true);
  });

  it('compares variants from --sweep with paired differences', async () => {
    const out = join(temp, 'sweep');
    const { status, stdout } = await computerace('run', scenario, '--runs', '8', '--out', out, '--workers', '1', '--sweep', 'providers.azure.pricing.margin=0.5,1.5', '--timeseries', 'none');
    expect(status).toBe(0);
    expect(stdout).toContain('paired differences against');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.variants).toHaveLength(2);
    // Differences of shares are percentage points, signed, in the summary's own numbers.
    const [, second] = summary.variants as string[];
    const difference = summary.differences[second!]['labs.openai.shortfallShare'] as { mean: number; ci95: [number, number] };
    const expected = meanAndInterval(unitOf('labs.openai.shortfallShare'), difference.mean, difference.ci95[0], difference.ci95[1], true);
    expect(expected).toMatch(/^(\+|-)?\d+\.\d \[-?\d+\.\d, -?\d+\.\d\]$/);
    const line = stdout.split('\n').reverse().find((text) => text.startsWith('openai shortfall'));
    expect(line).toMatch(new RegExp(`^openai shortfall\\s+percentage points\\s+${expected.replace(/[+[\]]/g, '\\$&')}$`));
    expect(stdout).toContain('  paired difference: a variant minus the baseline, run by run');
  });

  it('prints one replication with its horizon, its figures in the vocabulary\'s units, and what each means', async () => {
    const { status, stdout } = await computerace('run', scenario, '--seed', '7', '--only-run', '3');
    expect(status).toBe(0);
    expect(stdout.split('\n')[0]).toBe('openai-multicloud-2025 (baseline): seed 7, run 3, 72 months, horizon 2025-01-01 to 2030-12-31 (6 years)');
    expect(stdout).toContain('shortfall (% of demand)');
    expect(stdout).toContain('spend (bn USD)');
    expect(stdout).toContain('price paid (USD per H100e-hour)');
    expect(stdout).toMatch(/^spot price \d+\.\d\d USD per H100e-hour, contract price \d+\.\d\d USD per H100e-hour$/m);
    expect(stdout).toMatch(/^  worst-year shortfall: the largest shortfall of any calendar year/m);
    expect(stdout).not.toMatch(/USD\/h|USD bn/);
  });

  it('runs one replication with --only-run, the same as that run in a batch', async () => {
    const { status, stdout } = await computerace('run', scenario, '--seed', '7', '--only-run', '3', '--json');
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.runIndex).toBe(3);
    const batch = JSON.parse(readFileSync(join(temp, 'batch', 'summary.json'), 'utf8'));
    expect(batch.seed).toBe('7');
  });

  it('stops in one line, exit 2, leaving nothing behind, when a worker needs more than its capped heap', async () => {
    const base = join(temp, 'hoarding.yaml');
    writeFileSync(base, `extends: ${scenario}\nproviders:\n  - id: azure\n    pricing: { policy: 'custom:hoarding', margin: null, scarcityMarkup: null }\n`);
    const out = join(temp, 'hoarded');
    const { status, stdout, stderr } = await computerace('run', base, '--runs', '4', '--out', out, '--workers', '2', '--import', hoarding);
    expect(stdout).toBe('');
    expect(stderr).toBe(`computerace: a worker ran out of memory: a worker's heap is capped at ${WORKER_OLD_GENERATION_MB} MB so that a batch's memory stays bounded, and this scenario needs more; run it with --workers 0 (in one thread, without the cap)\n`);
    expect(status).toBe(2);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('names the run and seed that reproduce a failure, and leaves no output files behind', async () => {
    const base = join(temp, 'fragile.yaml');
    writeFileSync(base, `extends: ${scenario}\nproviders:\n  - id: azure\n    pricing: { policy: 'custom:fragile', params: { failAboveSpot: 6.3 }, margin: null, scarcityMarkup: null }\n`);
    const out = join(temp, 'failed');
    const { status, stdout, stderr } = await computerace('run', base, '--runs', '12', '--seed', '42', '--out', out, '--workers', '2', '--import', fragile);
    expect(stdout).toBe('');
    expect(status).toBe(1);
    // Of the twelve runs, only run 9 sees Azure's spot price above 6.3 USD/h.
    expect(stderr).toMatch(/^computerace: run 9 \(variant baseline, seed 42\) failed: spot price 6\.\d+ is above 6\.3\n/);
    expect(stderr).toContain(`reproduce it with: computerace run ${base} --import ${fragile} --seed 42 --only-run 9 --debug\n`);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    const replay = await computerace('run', base, '--seed', '42', '--only-run', '9', '--import', fragile);
    expect(replay.status).toBe(1);
    expect(replay.stderr).toMatch(/^computerace: run 9 \(variant baseline, seed 42\) failed: spot price 6\.\d+ is above 6\.3\n$/);
    // --debug, as the hint says, adds where the run threw.
    expect((await computerace('run', base, '--seed', '42', '--only-run', '9', '--import', fragile, '--debug')).stderr).toMatch(/\n\s+at /);
    expect((await computerace('run', base, '--seed', '42', '--only-run', '7', '--import', fragile)).status).toBe(0);
    // A module named by its URL, as runBatch's modules may be ("cannot load the module: not found" before).
    expect(await computerace('run', base, '--seed', '42', '--only-run', '7', '--import', pathToFileURL(fragile).href)).toMatchObject({ status: 0, stderr: '' });
  });

  it('replays a run of a designed batch with the design: --only-run with --design and --runs gives the batch\'s run', async () => {
    for (const [design, runs] of [['lhs', '30'], ['sobol', String(group)]] as const) {
      const out = join(temp, `designed-${design}`);
      expect((await computerace('run', scenario, '--runs', runs, '--seed', '3', '--design', design, '--timeseries', 'none', '--out', out, '--workers', '0')).status).toBe(0);
      const row = pl.readIPC(readFileSync(join(out, 'runs.arrow'))).filter(pl.col('run').eq(17)).toRecords()[0]!;
      const replay = await computerace('run', scenario, '--seed', '3', '--design', design, '--runs', runs, '--only-run', '17', '--json');
      expect(replay.status).toBe(0);
      const result = JSON.parse(replay.stdout);
      expect(result.sampled['labs.openai.demand.growthPerYear']).toBe(row['param.labs.openai.demand.growthPerYear']);
      expect(result.summary.labs[0].shortfallShare).toBe(row['labs.openai.shortfallShare']);
    }
    const outside = await computerace('run', scenario, '--seed', '3', '--design', 'lhs', '--runs', '30', '--only-run', '30');
    expect(outside.status).toBe(2);
    expect(outside.stderr).toMatch(/--only-run 30 is not a run of a 30-run --design lhs batch/);
  });

  it('refuses with --only-run what only a batch uses, which a replay would silently ignore, and a run past the --runs given', async () => {
    for (const [flags, flag] of [[['--out', join(temp, 'never')], '--out'], [['--report'], '--report'], [['--shard', '0/2'], '--shard'], [['--resume'], '--resume'], [['--until-precision', '0.01'], '--until-precision'], [['--workers', '1'], '--workers'], [['--timeseries', 'all'], '--timeseries']] as const) {
      const ran = await computerace('run', scenario, '--only-run', '3', ...flags);
      expect(ran, flag).toMatchObject({ status: 2, stdout: '', stderr: `computerace: ${flag} goes with a batch: --only-run replays one run, prints it and writes nothing\n` });
    }
    expect(existsSync(join(temp, 'never'))).toBe(false);
    expect(await computerace('run', scenario, '--runs', '3', '--only-run', '5')).toMatchObject({ status: 2, stderr: 'computerace: --only-run 5 is not a run of a 3-run batch (runs are numbered from 0)\n' });
    expect((await computerace('run', scenario, '--runs', '6', '--only-run', '5')).status).toBe(0);
  });

  it('runs a Saltelli design with --design sobol, recording it in the manifest', async () => {
    const out = join(temp, 'sobol');
    const { status, stderr } = await computerace('run', scenario, '--design', 'sobol', '--runs', String(2 * group), '--seed', '3', '--out', out, '--workers', '1', '--timeseries', 'none', '--quiet');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.design).toBe('sobol');
    expect(manifest.sobol.baseSamples).toBe(2);
    expect(manifest.sobol.parameters).toEqual(manifest.description.parameters);
    expect(manifest.sobol.parameters).toEqual(parameters);
  });

  it('rejects --design sobol with runs that are not whole groups, naming the nearest counts, and writes nothing', async () => {
    const out = join(temp, 'sobol-refused');
    const { status, stdout, stderr } = await computerace('run', scenario, '--design', 'sobol', '--runs', '1000', '--out', out, '--workers', '1');
    expect(stdout).toBe('');
    expect(stderr).toBe(`computerace: --design sobol needs --runs to be a multiple of ${group} (${parameters.length} uncertain parameters + 2): try ${Math.floor(1000 / group) * group} or ${Math.ceil(1000 / group) * group}\n`);
    expect(status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  const badInputs: [string, string[], RegExp][] = [
    ['a missing scenario file', ['run', 'nowhere.yaml', '--runs', '2'], /nowhere\.yaml:1:1: \(root\): .*(not found|no such file)/i],
    ['a runs count that is not a positive integer', ['run', scenario, '--runs', '0'], /--runs.*expected a positive integer, got '0'/],
    ['an unknown timeseries mode', ['run', scenario, '--timeseries', 'some'], /--timeseries.*some.*none, summary, all/],
    ['a precision outside (0, 1)', ['run', scenario, '--until-precision', '5'], /expected a share between 0 and 1/],
    ['--runs with --until-precision', ['run', scenario, '--until-precision', '0.01', '--runs', '10'], /give the most with --max-runs/],
    ['--design sobol with --until-precision', ['run', scenario, '--design', 'sobol', '--until-precision', '0.01'], /--design sobol needs a fixed number of runs .*cannot go with --until-precision/],
    ['--design lhs with --until-precision', ['run', scenario, '--design', 'lhs', '--until-precision', '0.01'], /--design lhs stratifies a fixed number of runs; it cannot go with --until-precision/],
    ['an unknown design', ['run', scenario, '--design', 'sobl'], /--design.*sobl.*independent, lhs, sobol/],
    ['a block size past 1,000 runs', ['run', scenario, '--block-size', '100000'], /^computerace: --block-size 100000: a block has a whole number of runs from 1 to 1000 \(its tables are held in memory until written\)\n$/],
    ['a bad --set', ['run', scenario, '--set', 'labs.openia.budgetUsdPerYear=1'], /--set.*openia/],
    ['an output directory inside a file', ['run', scenario, '--runs', '2', '--out', join(scenario, 'out')], /cannot write to output directory .*a part of the path is a file/],
    ['a file given as the output directory', ['run', scenario, '--runs', '2', '--out', scenario], /^computerace: cannot write to output directory '.*': it is a file, not a folder\n$/],
    ['an empty --import', ['run', scenario, '--runs', '2', '--import', ''], /^computerace: --import needs a module file, got an empty name\n$/],
  ];
  for (const [what, args, message] of badInputs) {
    it(`rejects ${what} with one line, exit code 2 and no stack trace`, async () => {
      const { status, stderr } = await computerace(...args);
      expect(stderr).toMatch(message);
      expect(status).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
