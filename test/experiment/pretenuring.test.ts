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

/** Megabytes the scavenges of a process promote while it runs 200 runs of the main scenario, calling stopPretenuring() first or not. */
function promotedMb(stop: boolean): number {
  const script = `
    const engine = await import(${JSON.stringify(join(root, 'dist', 'index.js'))});
    if (${stop}) engine.stopPretenuring();
    const compiled = engine.compileScenario(engine.loadScenario(${JSON.stringify(join(root, 'scenarios', 'openai-multicloud-2025.yaml'))}).spec);
    for (let i = 0; i < 200; i++) engine.runScenario(compiled, 1, i);`;
  const child = spawnSync(process.execPath, ['--trace-gc-nvp', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(child.status, child.stderr).toBe(0);
  const promoted = [...child.stdout.matchAll(/\bpromoted=(\d+)/g)].map((match) => Number(match[1]));
  expect(promoted.length).toBeGreaterThan(10);
  return promoted.reduce((sum, bytes) => sum + bytes, 0) / 1e6;
}

describe('stopPretenuring', () => {
  it('makes a library process promote less than half what it promotes by default, over the same runs', () => {
    const byDefault = promotedMb(false);
    const stopped = promotedMb(true);
    expect(stopped).toBeLessThan(byDefault / 2);
  }, 60_000);
});
