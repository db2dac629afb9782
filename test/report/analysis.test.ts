import { describe, expect, it } from 'vitest';
import { describe as describeRuns } from '../../src/experiment/statistics.js';
import { histogram, summaries } from '../../src/report/analysis.js';
import type { RunsColumns } from '../../src/report/runs.js';

describe("the report's figures of a metric", () => {
  // A shortfall that is zero in most runs: Student's interval of its mean reaches below 0.
  const shortfall = Float64Array.from({ length: 10 }, (_, run) => (run === 0 ? 0.49 : 0));
  const spend = Float64Array.from({ length: 10 }, (_, run) => (run === 0 ? 49 : -1));
  const table: RunsColumns = { names: ['labs.openai.shortfallShare', 'labs.openai.totalSpendUsd'], variants: ['baseline'], runs: 10, values: [[shortfall, spend]] };

  it("clip a share's 95% interval of the mean to [0, 1], as the batch summary does, and leave any other metric's", () => {
    expect(describeRuns(shortfall).ciLow).toBeLessThan(0); // Student's interval, as the report showed it
    const [share] = summaries(table, 'labs.openai.shortfallShare');
    expect(share!.ciLow).toBe(0);
    expect(share!.ciHigh).toBe(describeRuns(shortfall).ciHigh);
    expect(share!.mean).toBeCloseTo(0.049, 12);
    const [money] = summaries(table, 'labs.openai.totalSpendUsd');
    expect(money!.ciLow).toBe(describeRuns(spend).ciLow);
    expect(money!.ciLow).toBeLessThan(0);
  });

  it("give a histogram's mean strip the same interval", () => {
    const { means } = histogram(table, 'labs.openai.shortfallShare')!;
    expect(means[0]).toMatchObject({ variant: 'baseline', low: 0, high: describeRuns(shortfall).ciHigh });
  });
});
