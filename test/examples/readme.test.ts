import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runBatch } from '../../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The code block that follows `<!-- readme-example: NAME -->` in the README. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const marker = `<!-- readme-example: ${name} -->`;
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README has no ${marker}`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (block === null) throw new Error(`no ts code block after ${marker}`);
  return block[1]!;
}

/**
 * Runs the README's example `name` as written, importing the library from src/ and reading the shipped
 * scenarios from the repository, with `results/price-war` moved to `out` when given; returns what it
 * logged, one array of arguments per console.log call.
 */
async function runReadmeExample(name: string, out?: string): Promise<unknown[][]> {
  const dir = join(root, 'test', '.tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-${name}-${process.pid}.ts`);
  let code = readmeExample(name).replace("from 'computerace'", `from ${JSON.stringify(join(root, 'src', 'index.ts'))}`).replaceAll("'scenarios/", `'${root}/scenarios/`);
  if (out !== undefined) code = code.replaceAll("'results/price-war'", JSON.stringify(out));
  writeFileSync(file, code);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(pathToFileURL(file).href);
    return [...log.mock.calls];
  } finally {
    log.mockRestore();
    rmSync(file, { force: true });
  }
}

describe('the README example', () => {
  it('is about twenty lines and runs as written, giving the M/M/1 mean time in system', async () => {
    expect(readmeExample('mm1').trim().split('\n').length).toBeLessThanOrEqual(30);
    const logged = await runReadmeExample('mm1');
    expect(logged).toHaveLength(1);
    const summary = logged[0]![0] as { count: number; mean: number };
    expect(summary.count).toBeGreaterThan(45_000);
    // About 50,000 correlated customers: the estimate of W = 2 is good to a few per cent.
    expect(summary.mean).toBeGreaterThan(1.85);
    expect(summary.mean).toBeLessThan(2.15);
  });
});

describe('the README run example', () => {
  it('runs as written and prints each lab\'s shortfall and price, those of run 0 of a batch with its seed', async () => {
    const logged = await runReadmeExample('run');
    expect(logged).toHaveLength(1);
    const labs = logged[0]![0] as [string, number, number][];
    expect(labs.map(([lab]) => lab)).toEqual(['openai', 'anthropic', 'meta', 'xai']);
    // The comment's claim: run 0 of a batch with seed 7 has these very figures.
    const runs = (await runBatch({ scenario: join(root, 'scenarios', 'price-war.yaml'), runs: 1, seed: 7, workers: 0 })).tables!.runs;
    for (const [lab, shortfall, price] of labs) {
      expect(runs.getChild(`labs.${lab}.shortfallShare`)!.get(0)).toBe(shortfall);
      expect(runs.getChild(`labs.${lab}.avgPriceUsdPerGpuHour`)!.get(0)).toBe(price);
    }
  }, 60_000);
});

describe('the README batch example', () => {
  it('runs as written and returns the runs table and the summary', async () => {
    const [prices, baseline] = (await runReadmeExample('batch'))[0]! as [Float64Array, Record<string, { runs: number; mean: number }>];
    expect(prices).toHaveLength(200);
    expect(baseline['labs.openai.avgPriceUsdPerGpuHour']!.runs).toBe(200);
    expect(baseline['labs.openai.avgPriceUsdPerGpuHour']!.mean).toBeCloseTo(prices.reduce((a, b) => a + b, 0) / 200, 10);
  }, 60_000);
});

describe('the README report example', () => {
  it('runs as written and writes a page with its charts', async () => {
    const out = join(root, 'test', '.tmp', `readme-report-${process.pid}`);
    try {
      const [path, charts] = (await runReadmeExample('report', out))[0]! as [string, string[]];
      expect(path).toBe(join(out, 'report.html'));
      expect(charts).toContain('fan-prices');
      expect(readFileSync(path, 'utf8')).toContain('<figure class="chart" data-chart="fan-prices"><svg');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
