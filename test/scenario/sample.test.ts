import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/kernel/random.js';
import { cdf } from '../../src/kernel/distributions/quantiles.js';
import { ParameterSampler, toDistribution } from '../../src/scenario/sample.js';

describe('sampling uncertain parameters', () => {
  it('draws each parameter from its own stream, so the same run draws the same value', () => {
    const spec = { lognormal: { median: 3, sigma: 0.3 } };
    const a = new ParameterSampler(new RandomStreams(1, 4)).value(spec, 'labs.openai.demand.growthPerYear');
    const sampler = new ParameterSampler(new RandomStreams(1, 4));
    sampler.value({ uniform: { min: 0, max: 1 } }, 'another.parameter');
    expect(sampler.value(spec, 'labs.openai.demand.growthPerYear')).toBe(a);
    expect(sampler.sampled).toEqual({ 'another.parameter': expect.any(Number), 'labs.openai.demand.growthPerYear': a });
  });

  it('takes a design\'s uniform through the quantile function instead of drawing', () => {
    const spec = { triangular: { min: 1, mode: 2, max: 5 } };
    const value = new ParameterSampler(new RandomStreams(1, 0), () => 0.8).value(spec, 'x');
    expect(cdf(toDistribution(spec), value)).toBeCloseTo(0.8, 12);
  });

  it('refuses a draw that overflowed, naming the parameter, so no non-finite number reaches the model', () => {
    const spec = { lognormal: { median: 1e300, sigma: 50 } };
    const draw = (run: number) => new ParameterSampler(new RandomStreams(1, run)).value(spec, 'labs.openai.demand.initialH100e');
    const outcomes = Array.from({ length: 20 }, (_, run) => {
      try {
        return Number.isFinite(draw(run)) ? 'finite' : 'non-finite';
      } catch (error) {
        expect((error as Error).message).toMatch(/^labs\.openai\.demand\.initialH100e: its distribution drew (Infinity|\S+, above the limit)/);
        return 'refused';
      }
    });
    expect(outcomes).toContain('refused');
    expect(outcomes).not.toContain('non-finite');
  });

  it("refuses a draw past its field's limit, naming the parameter and the limit, where validation saw only the distribution's median", () => {
    // A median of 1e11 H100e is within the limit (1e12); a sigma of 3 reaches past it in about one run in five.
    const spec = { lognormal: { median: 1e11, sigma: 3 } };
    const outcomes = Array.from({ length: 40 }, (_, run) => {
      try {
        return new ParameterSampler(new RandomStreams(1, run)).value(spec, 'labs.openai.demand.initialH100e') <= 1e12 ? 'within' : 'past';
      } catch (error) {
        expect((error as Error).message).toMatch(/^labs\.openai\.demand\.initialH100e: its distribution drew \S+, above the limit: at most 1e12 H100e \(.+\); narrow the distribution$/);
        return 'refused';
      }
    });
    expect(outcomes).toContain('refused');
    expect(outcomes).toContain('within');
    expect(outcomes).not.toContain('past');
  });

  it("refuses a normal's draw below 0, which no field can be, naming the parameter; a design's quantile too", () => {
    // Growth drawn at -7 ran as a lab with no demand from its first month; a third of these draws are below 0.
    const spec = { normal: { mean: 2, sd: 5 } };
    const outcomes = Array.from({ length: 40 }, (_, run) => {
      try {
        return new ParameterSampler(new RandomStreams(1, run)).value(spec, 'labs.openai.demand.growthPerYear') >= 0 ? 'within' : 'below';
      } catch (error) {
        expect((error as Error).message).toMatch(/^labs\.openai\.demand\.growthPerYear: its distribution drew -\S+, below 0, which it cannot be; narrow the distribution, or use a lognormal, which is never below 0$/);
        return 'refused';
      }
    });
    expect(outcomes).toContain('refused');
    expect(outcomes).toContain('within');
    expect(outcomes).not.toContain('below');
    expect(() => new ParameterSampler(new RandomStreams(1, 0), () => 0.01).value(spec, 'providers.azure.pricing.margin')).toThrow(/^providers\.azure\.pricing\.margin: its distribution drew -\S+, below 0/);
  });

  it('leaves a parameter whose field has no limit to its distribution', () => {
    const value = new ParameterSampler(new RandomStreams(1, 0), () => 0.999999).value({ lognormal: { median: 1e12, sigma: 3 } }, 'providers.azure.pricing.params.anything');
    expect(value).toBeGreaterThan(1e12);
  });
});
