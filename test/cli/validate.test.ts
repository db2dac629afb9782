import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computeraceWith, type Ran } from '../support/cli.js';

// The built executable, as users run it (npm test builds first, through its pretest script).
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'computerace-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command in the fixture directory, so file names print as given. */
function computerace(...args: string[]): Promise<Ran> {
  return computeraceWith({ cwd: dir }, ...args);
}

const GOOD = `name: tiny
start: 2025-01-01
end: 2026-12-31
chips:
  - { id: h100, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }
suppliers:
  - { id: nvidia, products: [{ chip: h100 }], capacityUnitsPerMonth: 100000, leadTimeDays: 90 }
providers:
  - id: azure
    fleet: { h100: 100000 }
    powerMw: 200
    powerBuildMwPerYear: 100
    powerLeadTimeDays: 540
    capexUsdPerYear: 1e10
    suppliers: [nvidia]
    pricing: { policy: costPlus, margin: 0.4 }
labs:
  - id: openai
    demand: { initialH100e: 100000, growthPerYear: { lognormal: { median: 2.5, sigma: 0.3 } } }
    budgetUsdPerYear: 1e10
    procurement: { strategy: multi, providers: [azure] }
`;

writeFileSync(join(dir, 'good.yaml'), GOOD);
writeFileSync(join(dir, 'also-good.json'), JSON.stringify({ extends: 'good.yaml', name: 'from json' }));
writeFileSync(
  join(dir, 'bad.yaml'),
  GOOD.replace('start: 2025-01-01', 'start: 2025-02-30')
    .replace('    powerMw: 200', '    powerMW: 200')
    .replace('providers: [azure] }', 'providers: [azuer] }')
    .replace('capacityUnitsPerMonth: 100000', 'capacityUnitsPerMonth: 1000 * z'),
);
writeFileSync(join(dir, 'broken.yaml'), 'name: a\nname: b\n');

// A policy of this file's own: the command process may have run other files' commands, which registered theirs.
const policyModule = join(dir, 'validate-pricing.mjs');
writeFileSync(policyModule, `import { registerPolicy } from ${JSON.stringify(join(dirname(bin), '..', 'index.js'))};\nregisterPolicy('pricing', 'validate-only', () => ({ price: ({ costUsdPerGpuHour }) => costUsdPerGpuHour * 1.2 }));\n`);
writeFileSync(join(dir, 'custom.yaml'), GOOD.replace('pricing: { policy: costPlus, margin: 0.4 }', "pricing: { policy: 'custom:validate-only' }"));

describe('computerace validate', () => {
  it('checks a custom policy against the modules given with --import, as run does: one no module registers is a located problem', async () => {
    const unregistered = await computerace('validate', 'custom.yaml', '--set', 'labs.openai.procurement.strategy=custom:nobody');
    expect(unregistered.status).toBe(2);
    const lines = unregistered.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^custom\.yaml:\d+:\d+: providers\[0\]\.pricing\.policy: no pricing policy 'custom:validate-only' is registered \(.*\): register it with registerPolicy in a module given to --import$/);
    expect(lines[1]).toMatch(/^--set:1:\d+: labs\[0\]\.procurement\.strategy: no procurement policy 'custom:nobody' is registered/);
    expect(await computerace('validate', 'custom.yaml', '--import', policyModule)).toMatchObject({ status: 0, stdout: 'custom.yaml: ok\n' });
    // The same refusal from run, before any run: bad input (exit 2), not a failed run (exit 1).
    const run = await computerace('run', 'custom.yaml', '--import', policyModule, '--set', 'labs.openai.procurement.strategy=custom:nobody', '--runs', '2', '--out', join(dir, 'never-custom'), '--workers', '0');
    expect(run).toMatchObject({ status: 2, stderr: expect.stringMatching(/^--set:1:\d+: labs\[0\]\.procurement\.strategy: no procurement policy 'custom:nobody' is registered \(.*\): register it with registerPolicy in a module given to --import\n$/) });
    const replay = await computerace('run', 'custom.yaml', '--import', policyModule, '--set', 'labs.openai.procurement.strategy=custom:nobody', '--only-run', '0');
    expect(replay.stderr).toBe(run.stderr);
    expect(replay.status).toBe(2);
  });

  it('prints each warning on stderr where it is written, says ok with their number, and exits 0', async () => {
    writeFileSync(join(dir, 'described.yaml'), `${GOOD}description: a tiny world\n`);
    writeFileSync(join(dir, 'warned.yaml'), 'extends: described.yaml\nname: warned\ndescription:   # a tiny world, once more\n');
    const { status, stdout, stderr } = await computerace('validate', 'warned.yaml', 'good.yaml');
    expect(stderr).toBe("warned.yaml:3:1: description: warning: left empty, which removes the base's value as null does: write null to remove it, or delete the line to keep it\n");
    expect(stdout).toBe('warned.yaml: ok, 1 warning\ngood.yaml: ok\n');
    expect(status).toBe(0);
    // run says them too, before its runs, and runs: a batch, and the replay of one run.
    const said = `computerace: ${stderr}`;
    const batch = await computerace('run', 'warned.yaml', '--runs', '2', '--workers', '0', '--timeseries', 'none', '--out', join(dir, 'warned-batch'));
    expect(batch.status).toBe(0);
    expect(batch.stderr.startsWith(said)).toBe(true);
    const replay = await computerace('run', 'warned.yaml', '--only-run', '0', '--json');
    expect(replay).toMatchObject({ status: 0, stderr: said });
  });

  it('prints FILE: ok for each valid file and exits 0', async () => {
    const { status, stdout, stderr } = await computerace('validate', 'good.yaml', 'also-good.json');
    expect(stderr).toBe('');
    expect(stdout).toBe('good.yaml: ok\nalso-good.json: ok\n');
    expect(status).toBe(0);
  });

  it('prints every problem, one per line as file:line:col: path: message, exits 2 and shows no stack trace', async () => {
    const { status, stdout, stderr } = await computerace('validate', 'bad.yaml');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([
      "bad.yaml:2:8: start: expected a real date as YYYY-MM-DD, got '2025-02-30'",
      "bad.yaml:7:77: suppliers[0].capacityUnitsPerMonth: unknown variable 'z'; this formula may use: t, year",
      "bad.yaml:11:5: providers[0].powerMW: 'powerMW' is not a field of providers[0]; did you mean 'powerMw'?",
      "bad.yaml:21:49: labs[0].procurement.providers[0]: unknown provider 'azuer'; expected one of: azure",
    ]);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('checks every file given, reporting the valid ones on stdout and the problems of the others on stderr', async () => {
    const { status, stdout, stderr } = await computerace('validate', 'good.yaml', 'broken.yaml', 'missing.yaml');
    expect(status).toBe(2);
    expect(stdout).toBe('good.yaml: ok\n');
    expect(stderr).toBe("broken.yaml:2:1: name: duplicate key 'name'; each key may appear once in a map\nmissing.yaml:1:1: (root): no such file\n");
  });

  it('needs at least one file', async () => {
    const { status, stderr } = await computerace('validate');
    expect(status).toBe(2);
    expect(stderr).toMatch(/^computerace: missing required argument 'files'/);
  });
});

describe('computerace validate on files that are not scenarios', () => {
  /** As `computerace`, but ended after 30 s: a command that blocks on a FIFO must fail the test, not hang it. */
  function bounded(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('refuses a FIFO and devices as one line each, exit 2, without blocking or reading them', async () => {
    // Was: /dev/zero grew the process to 16 GB; /dev/urandom and a FIFO never returned.
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const { status, stdout, stderr } = bounded('validate', 'pipe.yaml', '/dev/zero', '/dev/urandom');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'pipe.yaml:1:1: (root): is a FIFO (named pipe), not a regular file',
        '/dev/zero:1:1: (root): is a character device, not a regular file',
        '/dev/urandom:1:1: (root): is a character device, not a regular file',
        '',
      ].join('\n'),
    );
  });

  it('never prints what a file named by extends holds', async () => {
    // Was: `extends: /etc/shadow` printed its lines (password hashes) as unknown keys, `/proc/self/environ` the environment.
    writeFileSync(join(dir, 'shadow.txt'), 'root:$6$s4lt$hunter2hash:19000:0:99999:7:::\n');
    writeFileSync(join(dir, 'shadow.yaml'), 'root:$6$s4lt$hunter2hash:19000:0:99999:7:::\ndaemon: hunter2\n');
    writeFileSync(join(dir, 'leaky.yaml'), `extends: [good.yaml, /proc/self/environ, /etc/shadow, shadow.txt, shadow.yaml]\nname: leaky\n`);
    const { status, stdout, stderr } = bounded('validate', 'leaky.yaml');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        "leaky.yaml:1:22: extends[1]: cannot extend '/proc/self/environ': a scenario file's name ends in .yaml, .yml or .json",
        "leaky.yaml:1:42: extends[2]: cannot extend '/etc/shadow': a scenario file's name ends in .yaml, .yml or .json",
        "leaky.yaml:1:55: extends[3]: cannot extend 'shadow.txt': a scenario file's name ends in .yaml, .yml or .json",
        "leaky.yaml:1:67: extends[4]: cannot extend 'shadow.yaml': not a scenario file (none of its top-level keys is a scenario field)",
        '',
      ].join('\n'),
    );
    expect(stderr).not.toMatch(/hunter2|PATH=|HOME=/);
  });

  it('prints the first 50 problems of a file with thousands, then how many more', async () => {
    writeFileSync(join(dir, 'junk.yaml'), `${GOOD}${Array.from({ length: 3000 }, (_, i) => `junk${i}: ${i}`).join('\n')}\n`);
    const { status, stderr } = bounded('validate', 'junk.yaml');
    expect(status).toBe(2);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(/^junk\.yaml:22:1: junk0: 'junk0' is not a field of \(root\)/);
    expect(lines[50]).toBe('and 2,950 more problems');
  });
});

describe('computerace schema', () => {
  it('prints the JSON Schema of scenario files as pretty JSON', async () => {
    const { status, stdout, stderr } = await computerace('schema');
    expect(status).toBe(0);
    expect(stderr).toBe('');
    const schema = JSON.parse(stdout);
    expect(schema.title).toBe('computerace scenario');
    expect(schema.properties.providers.items.properties.powerMw.unit).toBe('MW');
    expect(stdout).toMatch(/^\{\n {2}"/);
  });
});
