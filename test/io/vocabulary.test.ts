import { describe, expect, it } from 'vitest';
import { keyMetrics } from '../../src/experiment/metrics.js';
import { LAYOUT_OF, TABLE_NAMES } from '../../src/io/layout.js';
import type { BatchDescription } from '../../src/io/layout.js';
import {
  BN_USD, differenceWithUnit, figureLabel, figureOf, formatDifference, formatIn, horizonOf, horizonText, meanAndInterval,
  PERCENTAGE_POINTS, unitOf, USD_PER_H100E_HOUR, withUnit,
} from '../../src/io/vocabulary.js';

const DESCRIPTION: BatchDescription = {
  variants: ['baseline', 'exclusive'],
  labs: ['openai', 'anthropic'],
  providers: ['azure', 'aws'],
  suppliers: ['nvidia'],
  chips: ['h100'],
  parameters: ['labs.openai.demand.growthPerYear'],
  timeseriesKinds: ['market', 'lab', 'provider', 'supplier', 'chip'],
  shocks: ['taiwan'],
  strategies: ['multi-cloud', 'exclusive'],
  policies: { fields: [], values: [], notes: [] },
};

/** The spellings the vocabulary replaced: each unit has one name now. */
const RETIRED = [/USD\/h\b/, /USD\/GPU/, /GPU-h\b/, /per GPU-hour/, /USD bn/, /\bUSD per GPU/];

describe('the vocabulary of units and figures', () => {
  it('names each unit one way: prices per H100e-hour, money in bn USD, differences of shares in percentage points', () => {
    expect(unitOf('labs.openai.avgPriceUsdPerGpuHour').name).toBe(USD_PER_H100E_HOUR);
    expect(unitOf('market.avgContractPriceUsdPerGpuHour').name).toBe('USD per H100e-hour');
    expect(unitOf('labs.openai.totalSpendUsd').name).toBe(BN_USD);
    expect(unitOf('labs.openai.shortfallShare').name).toBe('% of demand');
    expect(unitOf('labs.openai.shortfallShare').difference).toBe(PERCENTAGE_POINTS);
    expect(unitOf('labs.openai.avgPriceUsdPerGpuHour').difference).toBe(USD_PER_H100E_HOUR);
  });

  it('shows numbers in their unit: shares in percent, USD in billions with no SI suffix, differences signed', () => {
    const shortfall = unitOf('labs.openai.shortfallShare');
    const spend = unitOf('labs.openai.totalSpendUsd');
    const price = unitOf('labs.openai.avgPriceUsdPerGpuHour');
    expect(formatIn(shortfall, 0.0324)).toBe('3.2');
    expect(formatIn(spend, 605.04e9)).toBe('605.0');
    expect(withUnit(spend, 605.04e9)).toBe('605.0 bn USD');
    expect(withUnit(shortfall, 0.0324)).toBe('3.2% of demand');
    expect(withUnit(price, 1.456)).toBe('1.46 USD per H100e-hour');
    // A share's difference is in points: 3% against 18% is +15.0 points, not +400%.
    expect(differenceWithUnit(shortfall, 0.18 - 0.03)).toBe('+15.0 percentage points');
    expect(formatDifference(price, -0.091)).toBe('-0.09');
    // A difference that rounds to nothing has no sign.
    expect(formatDifference(price, -0.0001)).toBe('0.00');
    expect(meanAndInterval(shortfall, 0.15, 0.12, 0.18, true)).toBe('+15.0 [12.0, 18.0]');
    // An interval that leaves out 0 keeps its bounds off 0 (it read "0.00 [0.00, 0.01]"); one that holds 0 is as it was.
    expect(meanAndInterval(price, 0.0041, 0.0012, 0.0071, true)).toBe('+0.004 [0.001, 0.007]');
    expect(meanAndInterval(price, -0.009, -0.017, -0.0004, true)).toBe('-0.0090 [-0.0170, -0.0004]');
    expect(meanAndInterval(price, 0.0041, -0.0012, 0.0071, true)).toBe('0.00 [0.00, 0.01]');
    expect(formatIn(price, NaN)).toBe('–');
  });

  it('has a word, a unit and a definition for every key metric, which the terminal and the report both read', () => {
    for (const metric of keyMetrics(DESCRIPTION)) {
      const figure = figureOf(metric);
      expect(figure, metric).toBeDefined();
      expect(figure!.definition.length, metric).toBeGreaterThan(20);
      expect(figureLabel(metric), metric).not.toMatch(/[A-Z]|\./);
    }
    expect(figureLabel('labs.openai.avgPriceUsdPerGpuHour')).toBe('openai price paid');
    expect(figureLabel('providers.aws.finalMarketShare')).toBe('aws final market share');
    expect(figureLabel('market.shocks')).toBe('shocks');
  });

  it('gives the Arrow fields the same unit names: no table describes a column in a retired spelling', () => {
    for (const name of TABLE_NAMES) {
      for (const column of LAYOUT_OF[name](DESCRIPTION)) for (const retired of RETIRED) expect(column.description, `${name}.${column.name}`).not.toMatch(retired);
    }
    const runs = LAYOUT_OF.runs(DESCRIPTION);
    const described = (column: string) => runs.find((spec) => spec.name === column)!.description;
    expect(described('labs.openai.avgPriceUsdPerGpuHour')).toContain(USD_PER_H100E_HOUR);
    expect(described('market.avgSpotPriceUsdPerGpuHour')).toContain(USD_PER_H100E_HOUR);
    expect(described('labs.openai.shortfallShare')).toContain(figureOf('labs.openai.shortfallShare')!.definition);
    // Stored in USD (a notebook sums them), shown in bn USD.
    expect(described('labs.openai.totalSpendUsd')).toMatch(/, USD$/);
    expect(described('labs.openai.tenderPriceUsdPerGpuHour')).toContain('null when the lab won no tender');
  });

  it('reads a scenario\'s horizon and says it in words', () => {
    const horizon = horizonOf({ name: 'x', start: '2025-01-01', end: '2030-12-31' })!;
    expect(horizon).toEqual({ start: '2025-01-01', end: '2030-12-31' });
    expect(horizonText(horizon)).toBe('2025-01-01 to 2030-12-31 (6 years)');
    expect(horizonText({ start: '2023-01-01', end: '2026-06-30' })).toBe('2023-01-01 to 2026-06-30 (3.5 years)');
    expect(horizonText({ start: '2025-01-01', end: '2025-03-31' })).toBe('2025-01-01 to 2025-03-31 (90 days)');
    expect(horizonOf({ name: 'no dates' })).toBeUndefined();
  });
});
