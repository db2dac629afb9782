import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computeraceWith, type Ran } from '../support/cli.js';
import { loadScenario } from '../../src/scenario/load.js';

// The repository: the command runs there, as a user of it does.
const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'computerace-resolve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command in the repository, so the shipped scenarios are at scenarios/. */
function computerace(...args: string[]): Promise<Ran> {
  return computeraceWith({ cwd: repository }, ...args);
}

const EXCLUSIVE = 'scenarios/exclusive-azure.yaml';

describe('computerace resolve', () => {
  it('prints the composed scenario as YAML, headed by its hash and the files it was resolved from; the output loads to the same spec and hash', async () => {
    const { status, stdout, stderr } = await computerace('resolve', EXCLUSIVE);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const loaded = loadScenario(join(repository, EXCLUSIVE));
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`# scenario hash: sha256:${loaded.hash}`);
    expect(lines[0]).toMatch(/^# scenario hash: sha256:[0-9a-f]{64}$/);
    expect(lines[1]).toBe('# resolved from: scenarios/exclusive-azure.yaml, scenarios/openai-multicloud-2025.yaml');
    expect(stdout).not.toMatch(/^extends:/m);

    const file = join(dir, 'resolved.yaml');
    writeFileSync(file, stdout);
    const again = loadScenario(file);
    expect(again.spec).toEqual(loaded.spec);
    expect(again.hash).toBe(loaded.hash);
  });

  it('applies --set, says so in a comment, and lists the variants a --sweep makes', async () => {
    const { status, stdout, stderr } = await computerace(
      'resolve',
      EXCLUSIVE,
      '--set',
      'providers.azure.pricing.margin=0.3',
      '--set',
      'end=2029-12-31',
      '--sweep',
      'labs.openai.budgetUsdPerYear=1e11,2e11',
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const options = { set: ['providers.azure.pricing.margin=0.3', 'end=2029-12-31'] };
    const loaded = loadScenario(join(repository, EXCLUSIVE), options);
    expect(loaded.hash).not.toBe(loadScenario(join(repository, EXCLUSIVE)).hash);
    expect(stdout.split('\n').slice(0, 8)).toEqual([
      `# scenario hash: sha256:${loaded.hash}`,
      '# resolved from: scenarios/exclusive-azure.yaml, scenarios/openai-multicloud-2025.yaml',
      '# with --set providers.azure.pricing.margin=0.3',
      '# with --set end=2029-12-31',
      '# variants (2):',
      '#   baseline|labs.openai.budgetUsdPerYear=1e11',
      '#   baseline|labs.openai.budgetUsdPerYear=2e11',
      'name: exclusive-azure',
    ]);
    const file = join(dir, 'with-set.yaml');
    writeFileSync(file, stdout);
    const again = loadScenario(file);
    expect(again.spec).toEqual(loaded.spec);
    expect(again.spec.end).toBe('2029-12-31');
    expect(again.hash).toBe(loaded.hash);
  });

  it('rejects a bad file with one located line per problem, exit code 2 and no stack trace', async () => {
    writeFileSync(join(dir, 'bad.yaml'), `extends: ${join(repository, EXCLUSIVE)}\nname: bad\nend: 2030-02-30\n`);
    const { status, stdout, stderr } = await computerace('resolve', join(dir, 'bad.yaml'));
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${join(dir, 'bad.yaml')}:3:6: end: expected a real date as YYYY-MM-DD, got '2030-02-30'\n`);
    expect(await computerace('resolve', 'scenarios/nowhere.yaml')).toMatchObject({ status: 2, stdout: '', stderr: 'scenarios/nowhere.yaml:1:1: (root): no such file\n' });
  });

  it('rejects a bad --set with a line located in the flag, exit code 2 and no stack trace', async () => {
    const { status, stdout, stderr } = await computerace('resolve', EXCLUSIVE, '--set', 'labs.openai.procurement.strategy=exclusiv');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "--set:1:34: labs.openai.procurement.strategy: unknown strategy 'exclusiv'; expected one of: exclusive, rightOfFirstRefusal, multi, custom:NAME; did you mean 'exclusive'?\n",
    );
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('computerace validate --set', () => {
  it('validates the scenarios with the overrides applied, reporting a bad flag once', async () => {
    expect(await computerace('validate', EXCLUSIVE, '--set', 'providers.azure.pricing.margin=0.3')).toMatchObject({ status: 0, stdout: `${EXCLUSIVE}: ok\n`, stderr: '' });
    const { status, stdout, stderr } = await computerace('validate', EXCLUSIVE, 'scenarios/price-war.yaml', '--set', 'providers.azure.pricing.margin=-1');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('--set:1:32: providers.azure.pricing.margin: expected a number >= 0, got -1\n');
  });
});
