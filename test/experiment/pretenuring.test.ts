import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `stopPretenuring()`, exported for library users, does at run time what `--no-allocation-site-pretenuring`
 * does at Node's start. Measured by what the young generation's collections promote, which depends on
 * what V8 does, not on the machine's load: a library process running the model by default promotes the
 * short-lived objects of finished runs (docs/performance.md, V8's allocation-site pretenuring).
 * Each process is fresh (this test's own has the setup file's call), and runs the built engine (npm test builds it).
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Megabytes the scavenges of a process's main thread promote while it runs 200 runs of the main scenario, after `first`. */
function promotedMb(first: string): number {
  const script = `
    const engine = await import(${JSON.stringify(join(root, 'dist', 'index.js'))});
    ${first};
    const compiled = engine.compileScenario(engine.loadScenario(${JSON.stringify(join(root, 'scenarios', 'openai-multicloud-2025.yaml'))}).spec);
    for (let i = 0; i < 200; i++) engine.runScenario(compiled, 1, i);`;
  const child = spawnSync(process.execPath, ['--trace-gc-nvp', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(child.status, child.stderr).toBe(0);
  const promoted = [...child.stdout.matchAll(/\bpromoted=(\d+)/g)].map((match) => Number(match[1]));
  expect(promoted.length).toBeGreaterThan(10);
  return promoted.reduce((sum, bytes) => sum + bytes, 0) / 1e6;
}

describe('stopPretenuring', () => {
  let defaultMb: number | undefined;
  const byDefault = (): number => (defaultMb ??= promotedMb(''));

  it('makes a library process promote less than half what it promotes by default, over the same runs', () => {
    expect(promotedMb('engine.stopPretenuring()')).toBeLessThan(byDefault() / 2);
  }, 60_000);

  it('is called by runBatch in the thread that runs the model, the caller\'s with workers: 0', () => {
    const batch = `await engine.runBatch({ scenario: ${JSON.stringify(join(root, 'scenarios', 'price-war.yaml'))}, runs: 2, workers: 0, timeseries: 'none' })`;
    expect(promotedMb(batch)).toBeLessThan(byDefault() / 2);
  }, 60_000);
});
