import { z } from 'zod';
import { Id, IsoDate, field, finite, share } from './fields.js';

/**
 * Back-test targets: figures observed in the world that a scenario's runs should reproduce. Each names a
 * metric read from every run's monthly records and a test of its distribution over the runs: the median
 * inside an observed band, or enough runs at or above a floor. `computerace backtest` evaluates them
 * (src/experiment/backtest.ts); the loader checks their references and dates (checks.ts).
 */

const lab = field(Id, { description: 'A lab id.', examples: ['openai'] });

/** The compute a lab secured in one calendar month. */
const LabCompute = z.strictObject({
  labCompute: z
    .strictObject({
      lab,
      date: field(IsoDate, { description: 'A day of the month measured: the metric is that calendar month\'s.', examples: ['2024-12-01'] }),
    })
    .meta({ description: 'The compute the lab secured (contracted plus spot) in the calendar month containing `date`.', unit: 'H100e' }),
});

/** A lab's spend over one calendar year. */
const LabSpend = z.strictObject({
  labSpend: z
    .strictObject({
      lab,
      year: field(z.number().int(), { description: 'A calendar year wholly inside the scenario.', examples: [2024] }),
    })
    .meta({ description: 'The lab\'s spend on compute summed over the months of a calendar year.', unit: 'USD' }),
});

/** A chip's spot price averaged over a span of months. */
const ChipPrice = z.strictObject({
  chipPrice: z
    .strictObject({
      chip: field(Id, { description: 'A chip id.', examples: ['h100'] }),
      from: field(IsoDate, { description: 'A day of the first month averaged.', examples: ['2023-07-01'] }),
      to: field(IsoDate, { description: 'A day of the last month averaged.', examples: ['2023-12-31'] }),
      per: z.enum(['chip', 'h100e']).meta({ description: 'chip: USD per chip-hour; h100e: USD per H100e-hour (the same for an H100).' }),
    })
    .meta({
      description: 'The mean, over the calendar months from `from` to `to`, of the chip\'s monthly arm\'s-length spot price (as the chips table gives it: providers\' prices weighted by the spot hours each sold of it), over the months that have one: a month in which no provider holds the chip has none, and a run with none in all the months leaves the metric undefined.',
      unit: 'USD per chip-hour or per H100e-hour',
    }),
});

/** A metric that is not a ratio. */
const BaseMetric = z.union([LabCompute, LabSpend, ChipPrice]).meta({ description: 'One of labCompute, labSpend or chipPrice.' });

/** Two metrics divided, run by run. */
const Ratio = z.strictObject({
  ratio: z
    .strictObject({
      numerator: BaseMetric,
      denominator: BaseMetric,
    })
    .meta({ description: 'The numerator divided by the denominator in each run (ratios do not nest).' }),
});

/** The kinds of metric a target may measure, each written as the one key of its map. */
export const METRIC_KINDS = ['labCompute', 'labSpend', 'chipPrice', 'ratio'] as const;

/** What a target measures in each run. */
export const Metric = z.union([LabCompute, LabSpend, ChipPrice, Ratio]).meta({
  description: 'What the target measures in each run: exactly one of labCompute, labSpend, chipPrice or ratio.',
  examples: [{ chipPrice: { chip: 'h100', from: '2023-07-01', to: '2023-12-31', per: 'chip' } }, { labCompute: { lab: 'openai', date: '2024-12-01' } }],
});

const bound = finite.nullable();

/** One observed figure and the test the model's runs must pass against it. */
export const Target = z
  .strictObject({
    id: field(Id, { description: 'Identifier of the target, for reports.', examples: ['h100-price-2023h2'] }),
    description: z.string().min(1).meta({ description: 'What the target says, in words.', examples: ['H100 rental price, second half of 2023'] }),
    unit: z.string().min(1).meta({ description: 'The unit of the metric, shown in reports: a label only. The metric is in its own unit (USD, H100e, USD per H100e-hour, a ratio), and the observed figures and band must be written in it.', examples: ['USD per H100e-hour', 'H100e', 'USD'] }),
    source: z.string().min(1).meta({ description: 'Where the observed figure comes from.', examples: ['calibration: backtest.h100_price_points'] }),
    metric: Metric,
    band: field(z.tuple([bound, bound]).optional(), {
      description: 'Met when the median over runs lies in [low, high]; either bound may be null for an open end.',
      examples: [[2, 2.8], [1e6, null]],
    }),
    atLeast: field(finite.optional(), { description: 'With `share`: met when at least that share of runs have the metric at or above this.', examples: [500000] }),
    share: field(share.optional(), { description: 'With `atLeast`: the least share of runs that must reach it.', examples: [0.8] }),
  })
  .superRefine((target, context) => {
    // One test per target: a band on the median, or a floor with the share of runs that must reach it.
    const { band, atLeast, share: least } = target;
    if (band !== undefined && atLeast !== undefined) {
      context.addIssue({ code: 'custom', path: ['band'], message: 'a target has one test: band, or atLeast with share, not both' });
    } else if (band === undefined && atLeast === undefined) {
      context.addIssue({ code: 'custom', path: [], message: 'a target needs a test: band: [low, high], or atLeast: x with share: s' });
    }
    // Reported as a missing field, like any other the target lacks.
    if (atLeast !== undefined && least === undefined) context.addIssue({ code: 'invalid_type', expected: 'number', path: ['share'], message: 'missing required field' });
    if (least !== undefined && atLeast === undefined) context.addIssue({ code: 'custom', path: ['share'], message: 'share goes with atLeast, which this target lacks' });
    if (band !== undefined) {
      const [low, high] = band;
      if (low === null && high === null) context.addIssue({ code: 'custom', path: ['band'], message: 'a band needs at least one bound (null leaves one end open)' });
      else if (low !== null && high !== null && low > high) context.addIssue({ code: 'custom', path: ['band'], message: `a band is [low, high]; ${low} is above ${high}` });
    }
  });

/** The back-test targets of a scenario. */
export const Targets = z.array(Target).meta({
  description: 'Observed figures the scenario\'s runs should reproduce, checked by `computerace backtest`: each a metric and a band for its median, or a floor enough runs must reach.',
});

/** A target as written. */
export type TargetSpec = z.infer<typeof Target>;
/** A target's metric as written. */
export type MetricSpec = z.infer<typeof Metric>;
/** A metric that is not a ratio. */
export type BaseMetricSpec = z.infer<typeof BaseMetric>;
