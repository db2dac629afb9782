import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exportYaml } from '../../src/explore/export.js';
import { explorePlan, loadEdited } from '../../src/explore/scenario.js';
import type { ExploreSettings } from '../../src/explore/scenario.js';
import { Replicator } from '../../src/experiment/replicate.js';
import { MetricSeries } from '../../src/experiment/metrics.js';
import { summariseBatch } from '../../src/experiment/summary.js';
import { runsLayout } from '../../src/io/layout.js';
import { loadScenario } from '../../src/scenario/load.js';
import { computerace } from '../support/cli.js';

const scenarios = (name: string): string => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'computerace-explore-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SETTINGS: ExploreSettings = {
  files: { main: 'price-war.yaml', texts: { 'price-war.yaml': readFileSync(scenarios('price-war.yaml'), 'utf8'), 'openai-multicloud-2025.yaml': readFileSync(scenarios('openai-multicloud-2025.yaml'), 'utf8') } },
  edits: { texts: {}, sets: ['labs.openai.procurement.strategy="multi"', 'providers.azure.powerBuildMwPerYear.lognormal.median=6500', 'labs.anthropic.budgetUsdPerYear="12e9 * 2^t"'] },
  seed: '11',
  compare: false,
};

describe('the exported scenario', () => {
  const edited = loadEdited(SETTINGS.files, SETTINGS.edits);
  const text = exportYaml(edited, { source: 'scenarios/price-war.yaml', sets: SETTINGS.edits.sets, editedFiles: [], seed: '11', runs: 12, fileName: 'explored.yaml' });
  const file = join(dir, 'explored.yaml');
  writeFileSync(file, text);

  it('is one self-contained file that loads to the edited scenario, with its content hash', async () => {
    expect(text).not.toMatch(/^extends:/m);
    expect(text).toContain('# The page\'s numbers: computerace run explored.yaml --seed 11 --runs 12');
    for (const set of SETTINGS.edits.sets) expect(text).toContain(`--set ${set}`);
    const reloaded = loadScenario(file);
    expect(reloaded.hash).toBe(edited.hash);
    expect(reloaded.spec).toEqual(edited.spec);
  });

  it('is accepted by computerace validate, and computerace run gives the summary the page computes from its runs', async () => {
    expect(await computerace('validate', file)).toMatchObject({ status: 0, stdout: `${file}: ok\n` });
    const out = join(dir, 'run');
    const run = await computerace('run', file, '--seed', '11', '--runs', '12', '--out', out, '--quiet', '--workers', '1');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const cli = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { scenarioHash: string; metrics: Record<string, unknown> };
    // The page's way: the replicator's blocks of the explore plan, into the key metrics, into the summary.
    const replicator = new Replicator(explorePlan(SETTINGS).plan);
    const description = replicator.describe();
    const metrics = new MetricSeries(description, runsLayout(description));
    for (const [first, count] of [[0, 2], [2, 4], [6, 6]] as const) metrics.add(replicator.block(first, count).tables.runs);
    const page = summariseBatch(description, metrics);
    expect(cli.scenarioHash).toBe(edited.hash);
    expect(cli.metrics).toEqual(JSON.parse(JSON.stringify(page.metrics)));
  });
});
