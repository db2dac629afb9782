import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computerace } from '../support/cli.js';

// Issue 19, "no silent NaN": these commands ran the shipped scenario to the end with exit 0 and wrote
// NaN shortfall shares. Each is now a one-line problem at the value, exit 2, before any run starts.

const SHIPPED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios', 'openai-multicloud-2025.yaml');
const dir = mkdtempSync(join(tmpdir(), 'computerace-numbers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('computerace run with a number past its limit', () => {
  it.each([
    ['providers.azure.fleet.h100=1e308', 'providers.azure.fleet.h100: expected at most 1e9 chips'],
    ['labs.openai.demand.growthPerYear=1e150', 'labs.openai.demand.growthPerYear: expected at most 100 per year'],
    ['contracts.0.priceUsdPerGpuHour=1e308', 'contracts.0.priceUsdPerGpuHour: expected at most 10000 USD per H100e-hour'],
    ['labs.meta.demand.initialH100e=1e306', 'labs.meta.demand.initialH100e: expected at most 1e12 H100e'],
    // Validated, then failed at run time with "time must be finite".
    ['end=9999-12-31', 'end: end (9999-12-31) is more than 50 years after start (2025-01-01)'],
  ])('--set %s: exit 2, one line naming the parameter, nothing written', async (flag, expected) => {
    const out = join(dir, flag.replace(/\W+/g, '-'));
    const result = await computerace('run', SHIPPED, '--set', flag, '--runs', '2', '--workers', '0', '--quiet', '--out', out);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^--set:1:\d+: /);
    expect(lines[0]).toContain(expected);
    expect(existsSync(out)).toBe(false);
  });
});

describe('computerace validate', () => {
  it('locates an end too far from the start at its line, exit 2', async () => {
    const file = join(dir, 'far.yaml');
    const text = readFileSync(SHIPPED, 'utf8').replace('end: 2030-12-31', 'end: 5000-12-31');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((row) => row.startsWith('end: ')) + 1;
    const result = await computerace('validate', file);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([`${file}:${line}:6: end: end (5000-12-31) is more than 50 years after start (2025-01-01); a scenario spans at most 50 years`]);
  });
});
