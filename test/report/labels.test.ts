import { describe, expect, it } from 'vitest';
import { LAB_FIGURES } from '../../src/io/layout.js';
import { isShare, metricLabel } from '../../src/report/labels.js';

describe('labels on the report', () => {
  it('name every figure of a lab in words, never by its column name', () => {
    for (const figure of LAB_FIGURES) expect(metricLabel(`labs.openai.${figure}`)).not.toContain(figure);
    expect(metricLabel('labs.openai.tenderPriceUsdPerGpuHour')).toBe('openai: tender price, USD/GPU-h');
    expect(metricLabel('labs.openai.biddersPerTender')).toBe('openai: bids per tender');
  });

  it('show shares as percentages, the incumbent\'s share of blocks among them', () => {
    expect(isShare('labs.openai.incumbentBlockShare')).toBe(true);
    expect(isShare('labs.openai.shortfallShare')).toBe(true);
    expect(isShare('labs.openai.biddersPerTender')).toBe(false);
  });
});
