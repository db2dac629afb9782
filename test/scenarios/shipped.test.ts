import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/market/run.js';
import { NULLABLE_FIELDS } from '../support/nullable.js';
import type { RunResult } from '../../src/market/results.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { loadScenario } from '../../src/scenario/load.js';

const directory = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');
const shipped = readdirSync(directory).filter((name) => name.endsWith('.yaml'));

// Public figures for 2025 from docs/calibration.md, in USD per H100e-hour: the lowest is a 3-year
// H100 contract (prices_usd_per_gpu_hour.h100_2025_contract_3yr, SemiAnalysis, Aug 2025: 1.20-1.60),
// the highest hyperscaler on-demand list after AWS's June 2025 cut (h100_2025_hyperscaler_on_demand: 3.00-7.00).
const PRICE_FLOOR_2025 = 1.2;
const PRICE_CEILING_2025 = 7.0;
// NVIDIA data-centre output in 2025 (supply.nvidia_dc_h100e_2025, Epoch AI chip sales model): 7.57M-10.48M H100e; the scenario's
// providers are a subset of NVIDIA's buyers, so their orders can take at most that.
const NVIDIA_H100E_2025_HIGH = 10.48e6;

function runs(file: string, count: number): RunResult[] {
  const compiled = compileScenario(loadScenario(join(directory, file)).spec);
  return Array.from({ length: count }, (_, i) => runScenario(compiled, 2025, i));
}

/** The paths in `value` to a number that is not finite, or to a null the result's types do not allow there. */
function nonFinite(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [`${path}=${value}`];
  if (value === null) return NULLABLE_FIELDS.has(path.slice(path.lastIndexOf('.') + 1)) ? [] : [`${path}=null`];
  if (typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => nonFinite(item, path ? `${path}.${key}` : key));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('the shipped scenarios', () => {
  it('include the four the market issue names', () => {
    expect(shipped).toEqual(
      expect.arrayContaining(['openai-multicloud-2025.yaml', 'exclusive-azure.yaml', 'packaging-shock.yaml', 'price-war.yaml']),
    );
  });

  for (const file of shipped) {
    it(`${file} validates and runs, with finite figures`, () => {
      const [result] = runs(file, 1);
      expect(result!.market.length).toBeGreaterThan(12);
      expect(nonFinite(result)).toEqual([]);
    });
  }

  describe('openai-multicloud-2025.yaml against the calibration sheet', () => {
    const results = runs('openai-multicloud-2025.yaml', 10);
    const in2025 = (r: RunResult) => r.market.filter((m) => m.date.startsWith('2025'));

    it('prices 2025 contracts and spot within public H100-class ranges', () => {
      const contract = mean(results.map((r) => mean(in2025(r).flatMap((m) => m.contractPriceUsdPerGpuHour ?? []))));
      const spot = mean(results.map((r) => mean(in2025(r).map((m) => m.spotPriceUsdPerGpuHour))));
      expect(contract).toBeGreaterThan(PRICE_FLOOR_2025);
      expect(contract).toBeLessThan(PRICE_CEILING_2025);
      expect(spot).toBeGreaterThan(PRICE_FLOOR_2025);
      expect(spot).toBeLessThan(PRICE_CEILING_2025);
    });

    it('ends 2025 with provider fleets near Epoch AI\'s by owner, and OpenAI and Anthropic inside Epoch\'s compute bands', () => {
      // docs/calibration.md, fleet_h100e_end2025_sold_basis (+-20-30% per owner), on a deployed basis
      // (about 20% below sold: supply.world_ai_compute_stock_h100e_end2025); backtest.lab_h100e_year_end p5-p95.
      const deployed = 0.8;
      const owners: Record<string, number> = { azure: 3.5e6, oracle: 1.0e6, coreweave: 0.85e6, 'google-cloud': 5.1e6, aws: 2.5e6, 'meta-dc': 2.4e6 };
      const december = (r: RunResult, provider: string) => r.providers.find((p) => p.provider === provider && p.month === 11)!.fleetH100e;
      for (const [provider, sold] of Object.entries(owners)) {
        const fleet = median(results.map((r) => december(r, provider)));
        expect(fleet, provider).toBeGreaterThan(0.7 * deployed * sold);
        expect(fleet, provider).toBeLessThan(1.3 * deployed * sold);
      }
      const compute = (lab: string) => median(results.map((r) => {
        const month = r.labs.find((l) => l.lab === lab && l.month === 11)!;
        return month.contractedH100e + month.spotH100e;
      }));
      expect(compute('openai')).toBeGreaterThan(1.25e6);
      expect(compute('openai')).toBeLessThan(2.19e6);
      expect(compute('anthropic')).toBeGreaterThan(0.84e6);
      expect(compute('anthropic')).toBeLessThan(1.72e6);
    });

    it('leaves every lab short of less than a fifth of its 2025 demand (the old start left 25-35%)', () => {
      for (const lab of ['openai', 'anthropic', 'meta', 'xai']) {
        const share = median(results.map((r) => {
          const months = r.labs.filter((l) => l.lab === lab && l.month < 12);
          return months.reduce((sum, l) => sum + l.shortfallH100e, 0) / months.reduce((sum, l) => sum + l.demandH100e, 0);
        }));
        expect(share, lab).toBeLessThan(0.2);
      }
    });

    it('takes no more of NVIDIA 2025 output than NVIDIA made', () => {
      for (const r of results) {
        const nvidia = r.suppliers.filter((s) => s.supplier === 'nvidia' && s.month < 12).reduce((sum, s) => sum + s.productionH100e, 0);
        expect(nvidia).toBeGreaterThan(0);
        expect(nvidia).toBeLessThan(NVIDIA_H100E_2025_HIGH);
      }
    });

    it('tells the seed story: Azure exclusivity ends, Google Cloud joins OpenAI, the right of first refusal ends', () => {
      const policy = results[0]!.events.flatMap((e) => (e.kind === 'policy' ? [`${e.date} ${e.path} = ${e.value}`] : []));
      expect(policy.some((p) => p.startsWith('2025-01-21') && p.includes('rightOfFirstRefusal'))).toBe(true);
      expect(policy.some((p) => p.startsWith('2025-07-16') && p.includes('google-cloud'))).toBe(true);
      expect(policy.some((p) => p.includes('"multi"'))).toBe(true);
    });
  });

  it('exclusive-azure.yaml keeps OpenAI with Azure alone, and costs it more than multi-cloud', () => {
    const exclusive = runs('exclusive-azure.yaml', 10);
    const multi = runs('openai-multicloud-2025.yaml', 10);
    const openai = (r: RunResult) => r.summary.labs.find((l) => l.lab === 'openai')!;
    const price = (rs: RunResult[]) => mean(rs.map((r) => openai(r).avgPriceUsdPerGpuHour ?? NaN));
    expect(price(exclusive)).toBeGreaterThan(price(multi));
    for (const r of exclusive) {
      const signed = r.events.flatMap((e) => ((e.kind === 'contract' || e.kind === 'matched') && e.lab === 'openai' ? [e] : []));
      expect(signed.every((e) => e.provider === 'azure')).toBe(true);
    }
  });

  it('multicloud-vs-exclusive.yaml: its exclusive variant is exclusive-azure.yaml, run by run', () => {
    const loaded = loadScenario(join(directory, 'multicloud-vs-exclusive.yaml'));
    expect(loaded.variants.map((v) => v.name)).toEqual(['baseline', 'exclusive-azure', 'rofr-to-2030', 'no-google-cloud']);
    const variant = compileScenario(loaded.variants[1]!.spec);
    const exclusive = compileScenario(loadScenario(join(directory, 'exclusive-azure.yaml')).spec);
    for (const i of [0, 1, 2]) {
      // Same world, same streams: only the name differs.
      expect(runScenario(variant, 2025, i).summary).toEqual(runScenario(exclusive, 2025, i).summary);
    }
  });

  it('packaging-shock.yaml raises spot prices and shortfall while its chips are missing, against the same seeds without it', () => {
    const shocked = runs('packaging-shock.yaml', 10);
    const base = runs('openai-multicloud-2025.yaml', 10);
    // The year after the shock's lead time: 2026's output is missing from the fleets from mid-2026 on.
    // Over the whole horizon the effect is a few cents, within ten runs' noise.
    const during = (rs: RunResult[], figure: (m: RunResult['market'][number]) => number) =>
      mean(rs.flatMap((r) => r.market.filter((m) => m.date >= '2026-07-01' && m.date < '2027-07-01').map(figure)));
    expect(during(shocked, (m) => m.spotPriceUsdPerGpuHour)).toBeGreaterThan(during(base, (m) => m.spotPriceUsdPerGpuHour) + 0.1);
    expect(during(shocked, (m) => m.shortfallH100e)).toBeGreaterThan(during(base, (m) => m.shortfallH100e));
  });
});
