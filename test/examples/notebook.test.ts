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
const PANDAS_MARKER = '<!-- notebook-example: pandas-csv -->';
const temp = mkdtempSync(join(tmpdir(), 'computerace-notebook-'));
const results = join(temp, 'results', 'openai-multicloud-2025');

/** The code block in `language` after `marker` in `file`, or undefined when the file has no marker. */
function example(file: string, marker = MARKER, language = 'js'): string | undefined {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(marker);
  if (start < 0) return undefined;
  const block = new RegExp(`\`\`\`${language}\n([\\s\\S]*?)\`\`\``).exec(text.slice(start));
  if (block === null) throw new Error(`${file}: no ${language} code block after ${marker}`);
  return block[1]!;
}

/** A Python with pandas: the one on the PATH, or Debian's (which .ci/run installs python3-pandas for). */
function pythonWithPandas(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0);
}

beforeAll(async () => {
  // npm start's command (package.json), with 12 runs on this thread instead of 1,000 on every core.
  const start = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start as string;
  expect(start).toContain('run scenarios/openai-multicloud-2025.yaml --runs 1000 --seed 42 --timeseries all --out results/openai-multicloud-2025');
  const ran = await computerace('run', join(root, 'scenarios', 'openai-multicloud-2025.yaml'), '--runs', '12', '--seed', '42', '--timeseries', 'all', '--out', results, '--workers', '0', '--quiet');
  expect(ran.stderr).toBe('');
  expect(ran.status).toBe(0);
}, 120_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the notebook example in Node', () => {
  const files = ['docs/outputs.md', 'README.md'].filter((file) => example(file) !== undefined);

  it('is in docs/outputs.md', async () => {
    expect(files).toContain('docs/outputs.md');
  });

  for (const file of files) {
    it(`runs as written in ${file} from the folder holding results/, and prints what the tables hold`, async () => {
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
        for (const name of ['openai', 'anthropic', 'meta', 'xai', 'labs.openai.shortfallShare', 'priceUsdPerGpuHour']) expect(ran.stdout).toContain(name);
        // The contracts' frame is sorted by lab, then provider: its first row (polars elides the middle of a long frame) is the first pair.
        const firstPair = [...pairs].sort()[0]!.split('/');
        expect(ran.stdout).toMatch(new RegExp(`│ baseline\\s+┆ ${firstPair[0]}\\s+┆ ${firstPair[1]}\\s+┆`));
      } finally {
        rmSync(script, { force: true });
      }
    }, 60_000);
  }
});

describe('the CSV example with pandas alone', () => {
  const python = pythonWithPandas();
  // CI installs Debian's python3-pandas (.ci/run) and must run this; elsewhere it needs pandas installed.
  const available = python !== undefined || process.env.CI !== undefined;

  it.runIf(available)('runs as written in docs/outputs.md after computerace export --csv, and pandas reads every number exactly', async () => {
    expect(python, 'a python3 with pandas (apt-get install python3-pandas)').toBeDefined();
    const exported = await computerace('export', results, '--csv');
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    const ran = spawnSync(python!, ['-c', example('docs/outputs.md', PANDAS_MARKER, 'python')!], { cwd: temp, encoding: 'utf8' });
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    // The labs' median shortfall by month: one row per variant and month, one column per lab.
    expect(ran.stdout).toContain('[72 rows x 4 columns]');
    for (const lab of ['openai', 'anthropic', 'meta', 'xai']) expect(ran.stdout).toContain(lab);
    // Read as the block reads it, every number is the float64 the Arrow file holds (Python's repr round-trips).
    const read = spawnSync(python!, ['-c', 'import pandas as pd\nlabs = pd.read_csv("results/openai-multicloud-2025/labs.csv", float_precision="round_trip")\nprint("\\n".join(repr(x) for x in labs["spendUsd"]))'], { cwd: temp, encoding: 'utf8' });
    expect(read.status).toBe(0);
    const spend = tableFromIPC(readFileSync(join(results, 'labs.arrow'))).getChild('spendUsd')!.toArray() as Float64Array;
    expect(read.stdout.trimEnd().split('\n').map(Number)).toEqual(Array.from(spend));
  }, 60_000);
});
