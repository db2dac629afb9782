import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { RunFailure } from '../../src/experiment/failure.js';
import { registerPolicy } from '../../src/market/policies.js';
import { smallScenario } from '../support/scenarios.js';

// A batch never writes a non-finite number where one belongs: a run that works one out fails, as any
// failed run does, naming the run, its variant and seed (the CLI then prints the command that reproduces it).

const SHIPPED = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'computerace-finite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Trusted code registered through the library, handing out NaN chips: nothing a scenario file says can.
registerPolicy('allocation', 'batch-finite-nan', { allocate: (_output, orders) => orders.map(() => Number.NaN) });

describe('a batch whose run works out a number that is not finite', () => {
  it('fails with a RunFailure naming the run and the record', async () => {
    // The small world has no formulas, which would stop the run first: the records' own check does.
    const file = join(dir, 'nan.json');
    const raw = smallScenario();
    raw.suppliers[0].allocation = 'custom:batch-finite-nan';
    writeFileSync(file, JSON.stringify(raw));
    const batch = runBatch({ scenario: file, runs: 2, workers: 0 });
    await expect(batch).rejects.toThrow(RunFailure);
    await expect(batch).rejects.toThrow(/^run 0 \(variant baseline, seed 1\) failed: the run worked out a number that is not finite: \S+ = NaN \(/);
  });

  it('fails the same way when a formula meets the NaN first, naming the formula', async () => {
    const batch = runBatch({ scenario: SHIPPED, set: ['suppliers.nvidia.allocation=custom:batch-finite-nan'], runs: 2, workers: 0 });
    await expect(batch).rejects.toThrow(/^run 0 \(variant baseline, seed 1\) failed: \S+: formula ".*" gave NaN for /);
  });
});
