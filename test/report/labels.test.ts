import { describe, expect, it } from 'vitest';
import { LAB_FIGURES } from '../../src/io/layout.js';
import { isShare, metricLabel, parameterLabel } from '../../src/report/labels.js';

describe('labels on the report', () => {
  it('name every figure of a lab in words with its unit, never by its column name', () => {
    for (const figure of LAB_FIGURES) expect(metricLabel(`labs.openai.${figure}`)).not.toContain(figure);
    expect(metricLabel('labs.openai.tenderPriceUsdPerGpuHour')).toBe('openai tender price, USD per H100e-hour');
    expect(metricLabel('labs.openai.totalSpendUsd')).toBe('openai spend, bn USD');
    expect(metricLabel('labs.openai.shortfallShare')).toBe('openai shortfall, % of demand');
    expect(metricLabel('labs.openai.biddersPerTender')).toBe('openai bids per tender, bids');
    expect(metricLabel('market.shocks')).toBe('shocks');
    expect(metricLabel('market.avgSpotPriceUsdPerGpuHour')).toBe('spot price, USD per H100e-hour');
  });

  it('show shares as percentages, the incumbent\'s share of blocks among them', () => {
    expect(isShare('labs.openai.incumbentBlockShare')).toBe(true);
    expect(isShare('labs.openai.shortfallShare')).toBe(true);
    expect(isShare('labs.openai.biddersPerTender')).toBe(false);
  });

  it('name uncertain parameters by actor and field in words, with the unit the scenario schema gives them', () => {
    expect(parameterLabel('labs.openai.demand.growthPerYear')).toBe('openai: demand growth (factor per year)');
    expect(parameterLabel('labs.openai.demand.initialH100e')).toBe('openai: demand initial (H100e)');
    expect(parameterLabel('suppliers.nvidia.leadTimeDays')).toBe('nvidia: lead time (days)');
    expect(parameterLabel('providers.meta-dc.powerBuildMwPerYear')).toBe('meta-dc: power build (MW per year)');
    expect(parameterLabel('providers.azure.pricing.margin')).toBe('azure: pricing margin (fraction of cost)');
    // A shock's arrival is a union of branches; the rate is in one of them.
    expect(parameterLabel('shocks.taiwan-quake.arrival.ratePerYear')).toBe('taiwan-quake shock: arrival rate (per year)');
    // A path the schema does not know still reads as words.
    expect(parameterLabel('labs.openai.someNewField')).toBe('openai: some new field');
  });
});
