import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'computerace-lifecycle-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("a batch leaves its caller's process as it found it", () => {
  it('whatever its ending: no thread, port, timer, file or signal handler left, and the process exits by itself', () => {
    const broken = join(temp, 'broken.yaml');
    writeFileSync(broken, 'name: broken\n');
    const fixture = join(root, 'test', 'fixtures');
    // A process of its own: the measure is the whole process, and a handle left open would keep it from exiting.
    const child = spawnSync(process.execPath, [join(fixture, 'batch-lifecycle.mjs'), temp, join(fixture, 'backtest-small.yaml'), broken, join(fixture, 'fragile-pricing.mjs')], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(child.error, 'the process did not exit by itself').toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const { before, endings } = JSON.parse(child.stdout) as { before: unknown; endings: Record<string, { ended: string; after: unknown }> };
    expect(Object.fromEntries(Object.entries(endings).map(([name, { ended }]) => [name, ended]))).toEqual({
      pool: 'finished',
      inline: 'finished',
      aborted: 'BatchInterrupted',
      refused: 'ScenarioError',
      failed: 'RunFailure',
    });
    for (const [name, { after }] of Object.entries(endings)) expect(after, name).toEqual(before);
  });
});
