import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computerace } from '../support/cli.js';

/**
 * The notebook example in Node (nodejs-polars), as written in the docs (and in the README when it
 * carries the same marker), run from a folder holding the Quick start's output folder: the Quick
 * start's command with fewer runs, so the same tables with the same columns.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MARKER = '<!-- notebook-example: node -->';
const temp = mkdtempSync(join(tmpdir(), 'computerace-notebook-'));
const results = join(temp, 'results', 'openai-multicloud-2025');

/** The js block after the marker in `file`, or undefined when the file has no marker. */
function example(file: string): string | undefined {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(MARKER);
  if (start < 0) return undefined;
  const block = /```js\n([\s\S]*?)```/.exec(text.slice(start));
  if (block === null) throw new Error(`${file}: no js code block after ${MARKER}`);
  return block[1]!;
}

beforeAll(() => {
  // npm start's command (package.json), with 12 runs on this thread instead of 1,000 on every core.
  const start = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start as string;
  expect(start).toContain('run scenarios/openai-multicloud-2025.yaml --runs 1000 --seed 42 --timeseries all --out results/openai-multicloud-2025');
  const ran = computerace('run', join(root, 'scenarios', 'openai-multicloud-2025.yaml'), '--runs', '12', '--seed', '42', '--timeseries', 'all', '--out', results, '--workers', '0', '--quiet');
  expect(ran.stderr).toBe('');
  expect(ran.status).toBe(0);
}, 120_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the notebook example in Node', () => {
  const files = ['docs/outputs.md', 'README.md'].filter((file) => example(file) !== undefined);

  it('is in docs/outputs.md', () => {
    expect(files).toContain('docs/outputs.md');
  });

  for (const file of files) {
    it(`runs as written in ${file} from the folder holding results/, and prints what the tables hold`, () => {
      // Beside the repository's node_modules, so `import pl from 'nodejs-polars'` resolves as in a project that installed it.
      const dir = join(root, 'test', '.tmp');
      mkdirSync(dir, { recursive: true });
      const script = join(dir, `notebook-${process.pid}-${file.replace(/\W+/g, '-')}.mjs`);
      writeFileSync(script, example(file)!);
      try {
        const ran = spawnSync(process.execPath, [script], { cwd: temp, encoding: 'utf8' });
        expect(ran.stderr).toBe('');
        expect(ran.status).toBe(0);
        // Three frames: the runs' quantile per variant, the labs' median shortfall per month, the contracts by lab and provider.
        const shapes = [...ran.stdout.matchAll(/^shape: \((\d+), (\d+)\)$/gm)].map((match) => [Number(match[1]), Number(match[2])]);
        const events = tableFromIPC(readFileSync(join(results, 'events.arrow')));
        const [kind, lab, provider] = ['kind', 'lab', 'provider'].map((name) => events.getChild(name)!);
        const pairs = new Set<string>();
        for (let row = 0; row < events.numRows; row++) if (kind!.get(row) === 'contract') pairs.add(`${lab!.get(row)}/${provider!.get(row)}`);
        expect(shapes).toEqual([[1, 2], [4 * 72, 4], [pairs.size, 5]]);
        for (const name of ['openai', 'anthropic', 'meta', 'xai', 'azure', 'labs.openai.shortfallShare', 'priceUsdPerGpuHour']) expect(ran.stdout).toContain(name);
      } finally {
        rmSync(script, { force: true });
      }
    }, 60_000);
  }
});
