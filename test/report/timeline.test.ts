import { describe, expect, it } from 'vitest';
import { markers, variantsOf } from '../../src/report/timeline.js';

const cap = { date: '2026-01-01', set: { 'labs.openai.priceCeilingUsdPerGpuHour': 2 }, note: 'a price cap' };
const shock = { id: 'cowos', kind: 'supply', target: { supplier: 'nvidia' }, arrival: { date: '2027-03-01' }, magnitude: 0.3 };

describe('the dates the time charts mark', () => {
  it('are the timeline entries and dated shocks, by date, each once for the variants that share it', () => {
    const scenario = { timeline: [cap], shocks: [shock], variants: { calm: { shocks: [] } } };
    const found = markers(scenario, ['baseline', 'calm']);
    expect(found).toEqual([
      { date: '2026-01-01', kind: 'timeline', text: 'a price cap', variants: ['baseline', 'calm'] },
      { date: '2027-03-01', kind: 'shock', text: 'shock cowos (supply) hits supplier nvidia', variants: ['baseline'] },
    ]);
    expect(found.map((marker) => variantsOf(marker, ['baseline', 'calm']))).toEqual(['', 'baseline']);
  });

  it('know a change by what it sets: the same one noted in other words is one marker, in the first variant\'s words', () => {
    // The marker table listed the same dated change twice when a variant reworded its note.
    const scenario = { timeline: [cap], variants: { reworded: { timeline: [{ ...cap, note: 'the cap, as the variant says it' }] } } };
    expect(markers(scenario, ['baseline', 'reworded'])).toEqual([{ date: '2026-01-01', kind: 'timeline', text: 'a price cap', variants: ['baseline', 'reworded'] }]);
  });

  it('tell apart two changes of a date noted alike by what each sets', () => {
    const scenario = { timeline: [cap], variants: { higher: { timeline: [{ ...cap, set: { 'labs.openai.priceCeilingUsdPerGpuHour': 3 } }] } } };
    expect(markers(scenario, ['baseline', 'higher']).map((marker) => [marker.text, marker.variants])).toEqual([
      ['a price cap (labs.openai.priceCeilingUsdPerGpuHour = 2)', ['baseline']],
      ['a price cap (labs.openai.priceCeilingUsdPerGpuHour = 3)', ['higher']],
    ]);
  });

  it('name an entry without a note by what it sets, and a variant that repeats an entry once', () => {
    const bare = { date: '2026-06-01', set: { 'market.termPremium': 0.5 } };
    expect(markers({ timeline: [bare, bare] }, ['baseline'])).toEqual([{ date: '2026-06-01', kind: 'timeline', text: 'market.termPremium = 0.5', variants: ['baseline'] }]);
  });
});
