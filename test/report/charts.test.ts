import { describe, expect, it } from 'vitest';
import { tornadoSpec } from '../../src/report/charts.js';

describe('the tornado chart of sensitivity coefficients', () => {
  const tips = (rows: Parameters<typeof tornadoSpec>[2]): string[] =>
    ((tornadoSpec('openai shortfall', '', rows).data as { values: { tip: string }[] }).values).map((value) => value.tip);

  it('says a coefficient raises or lowers the outcome only when its interval leaves out 0', () => {
    expect(tips([{ parameter: 'a', coefficient: 0.15, low: -0.001, high: 0.31 }, { parameter: 'b', coefficient: -0.4, low: -0.5, high: -0.3 }, { parameter: 'c', coefficient: 0.2 }])).toEqual([
      // It said "raises", of an interval printed [-0.00, 0.31].
      'a|SRRC +0.15 [0.00, 0.31]: no clear direction on openai shortfall (its interval holds 0)',
      'b|SRRC -0.40 [-0.50, -0.30]: lowers openai shortfall',
      'c|SRRC +0.20: raises openai shortfall',
    ]);
  });

  it('prints no -0.00', () => {
    expect(tips([{ parameter: 'd', coefficient: -0.001, low: -0.004, high: 0.002 }])).toEqual(['d|SRRC 0.00 [0.00, 0.00]: no clear direction on openai shortfall (its interval holds 0)']);
  });
});
