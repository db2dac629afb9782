import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { MAX_PRINTED_PROBLEMS, ScenarioError } from '../../src/scenario/problems.js';
import { Scenario } from '../../src/scenario/schema.js';
import { parseSource } from '../../src/scenario/source.js';

// Long lists: the loader's work grows with the length of a list, not with its square. Was: a timeline of
// 4,000 entries took 84 s (each entry re-validated the whole scenario), 5,000 variants more than 90 s (each
// variant copied and checked all the others), 600,000 unknown keys more than 90 s (yaml compared each key
// with every earlier one). Where it can, a test counts the work instead of timing it.

const dir = mkdtempSync(join(tmpdir(), 'computerace-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
let cases = 0;

const TINY = `name: tiny
start: 2025-01-01
end: 2030-12-31
chips:
  - { id: h100, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }
suppliers:
  - { id: nvidia, products: [{ chip: h100 }], capacityUnitsPerMonth: 100000 * 1.2^t, leadTimeDays: 90 }
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
    demand: { initialH100e: 100000, growthPerYear: 2.5 }
    budgetUsdPerYear: 1e10
    procurement: { strategy: multi, providers: [azure] }
`;

function write(text: string): string {
  const file = join(dir, `case-${++cases}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** A timeline of `entries` dated changes, each to a lab's policy. */
function timeline(entries: number, chips = 0): string {
  const day = (i: number): string => new Date(Date.UTC(2025, 0, 2) + (i % 2000) * 86_400_000).toISOString().slice(0, 10);
  const extraChips = Array.from({ length: chips }, (_, i) => `  - { id: c${i}, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }`);
  const lines = Array.from({ length: entries }, (_, i) => `  - { date: ${day(i)}, set: { labs.openai.procurement.maxShare: ${(0.3 + (i % 50) / 100).toFixed(2)} } }`);
  return `${TINY.replace('chips:\n', `chips:\n${extraChips.map((line) => `${line}\n`).join('')}`)}timeline:\n${lines.join('\n')}\n`;
}

/** How many times `load` parses a whole scenario (the data it parsed each time). */
function wholeParses(load: () => void): unknown[] {
  const parse = vi.spyOn(Scenario, 'safeParse');
  load();
  const calls = parse.mock.calls.map(([data]) => data);
  parse.mockRestore();
  return calls;
}

describe('long lists', () => {
  it('checks a timeline of 4,000 entries with as many whole-scenario parses as a timeline of one', () => {
    const one = wholeParses(() => loadScenario(write(timeline(1))));
    const many = wholeParses(() => {
      const loaded = loadScenario(write(timeline(4000)));
      expect(loaded.spec.timeline).toHaveLength(4000);
    });
    // Each entry re-checks the actors it changes, not the whole scenario: 4,000 entries over 20,000 chips would be 80 million chips checked.
    expect(many.length).toBe(one.length);
    expect(one.length).toBeLessThanOrEqual(2);
  });

  it('still reports a problem a timeline entry brings, at that entry', () => {
    const text = timeline(3000).replace(/maxShare: [\d.]+ \} \}\n$/, 'maxShare: 7 } }\n');
    try {
      loadScenario(write(text));
      expect.unreachable();
    } catch (error) {
      const [problem, ...rest] = (error as ScenarioError).problems;
      expect(rest).toEqual([]);
      expect(problem).toMatchObject({ path: 'timeline[2999].set["labs.openai.procurement.maxShare"]', message: 'expected a share in [0, 1], got 7' });
    }
  });

  it('checks the declared variants once, not once per variant, and shares them among the variants\' specs', () => {
    const count = 2000;
    const variants = Array.from({ length: count }, (_, i) => `  v${i}: { providers.azure.pricing.margin: ${(0.1 + (i % 50) / 100).toFixed(2)} }`);
    const file = write(`${TINY}variants:\n${variants.join('\n')}\n`);
    let loaded: ReturnType<typeof loadScenario> | undefined;
    const parsed = wholeParses(() => (loaded = loadScenario(file)));
    // One parse per variant, and only the file's own carries the declared variants: each variant is checked without them.
    expect(parsed.length).toBeLessThanOrEqual(count + 2);
    expect(parsed.filter((data) => Object.hasOwn(data as object, 'variants')).length).toBe(1);
    expect(loaded!.variants).toHaveLength(count + 1);
    expect(loaded!.variants[count]!.spec.providers[0]!.pricing).toEqual({ policy: 'costPlus', margin: 0.59 });
    expect(loaded!.variants.every(({ spec }) => spec.variants === loaded!.spec.variants)).toBe(true);
  });

  it('reports 100,000 unknown keys, each located, and prints the first 50 with a count of the rest', () => {
    const keys = 100_000;
    const text = `${TINY}${Array.from({ length: keys }, (_, i) => `k${i}: ${i}`).join('\n')}\n`;
    const started = performance.now();
    try {
      loadScenario(write(text));
      expect.unreachable();
    } catch (error) {
      const { problems, message } = error as ScenarioError;
      // A generous bound: yaml's own duplicate-key check, comparing each key with every earlier one, took minutes.
      expect(performance.now() - started).toBeLessThan(60_000);
      const first = TINY.split('\n').length;
      expect(problems).toHaveLength(keys);
      expect(problems[0]).toMatchObject({ line: first, column: 1, path: 'k0' });
      expect(problems[keys - 1]).toMatchObject({ line: first + keys - 1, column: 1, path: `k${keys - 1}` });
      const lines = message.split('\n');
      expect(lines).toHaveLength(MAX_PRINTED_PROBLEMS + 1);
      expect(lines[0]).toMatch(/:\d+:1: k0: 'k0' is not a field of \(root\)/);
      expect(lines.at(-1)).toBe(`and ${(keys - MAX_PRINTED_PROBLEMS).toLocaleString('en-US')} more problems`);
    }
  }, 120_000);

  it('finds a key written twice among 20,000, at the second', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`);
    const source = parseSource('m.yaml', `a:\n  b:\n${[...keys, 'k7: again', ...keys.slice(8, 9)].map((line) => `    ${line}`).join('\n')}\n`);
    expect(source.problems).toEqual([
      { file: 'm.yaml', line: 20_003, column: 5, path: 'a.b.k7', message: "duplicate key 'k7'; each key may appear once in a map" },
      { file: 'm.yaml', line: 20_004, column: 5, path: 'a.b.k8', message: "duplicate key 'k8'; each key may appear once in a map" },
    ]);
  });

  it('names at most 20 ids when a reference to one of 2,000 chips is unknown', () => {
    const chips = Array.from({ length: 2000 }, (_, i) => `  - { id: c${i}, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }\n`).join('');
    const text = TINY.replace('chips:\n', `chips:\n${chips}`).replace('products: [{ chip: h100 }]', 'products: [{ chip: h200 }]');
    try {
      loadScenario(write(text));
      expect.unreachable();
    } catch (error) {
      const [problem] = (error as ScenarioError).problems;
      expect(problem!.message).toBe(`unknown chip 'h200'; expected one of: ${Array.from({ length: 20 }, (_, i) => `c${i}`).join(', ')} and 1,981 more`);
    }
  });
});
