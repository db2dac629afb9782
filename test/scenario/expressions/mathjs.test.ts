import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import bundle from 'mathjs/lib/browser/math.js';
import { afterAll, describe, expect, it } from 'vitest';
import { compileExpression } from '../../../src/scenario/expressions/compile.js';

/**
 * The mathjs instance that parses formulas is the engine's own: restricting mathjs's shared instance
 * of its prebuilt file, which Node loads once per process, broke a second copy of the engine loaded
 * beside the first (another build, a bundler's duplicate) at import, and took `evaluate` from
 * anyone else in the process who used that file.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'computerace-two-engines-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the mathjs instance of scenario formulas', () => {
  it('leaves mathjs\'s shared instance of the prebuilt file as it was: its evaluate and import still work', () => {
    expect(compileExpression('2 * t', ['t'])).toBeDefined();
    expect(bundle.evaluate('1 + 2')).toBe(3);
    expect(() => bundle.import({}, {})).not.toThrow();
  });

  it('lets two built copies of the engine load in one process and run a scenario to the same result', () => {
    // A second copy of the package as npm would install it (npm test builds dist/ first).
    const copy = join(temp, 'computerace');
    cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(copy, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const script = `
      const results = [];
      for (const dir of ${JSON.stringify([join(root, 'dist'), join(copy, 'dist')])}) {
        const engine = await import(dir + '/index.js');
        const loaded = engine.loadScenario(${JSON.stringify(join(root, 'scenarios', 'price-war.yaml'))});
        results.push(JSON.stringify(engine.runScenario(engine.compileScenario(loaded.variants[0].spec), 3, 0).summary));
      }
      process.stdout.write(JSON.stringify(results));`;
    const [first, second] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
    expect(first!.length).toBeGreaterThan(100);
    expect(second).toBe(first);
  });
});
