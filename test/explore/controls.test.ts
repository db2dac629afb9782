import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { controlsOf, overrideOf, timelineOverride, timelineSwitches } from '../../src/explore/controls.js';
import type { Control, NumberControl } from '../../src/explore/controls.js';
import { loadEdited } from '../../src/explore/scenario.js';
import type { ScenarioFiles } from '../../src/explore/scenario.js';
import { uncertainParameters } from '../support/scenarios.js';

const FILE = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const FILES: ScenarioFiles = { main: 'openai.yaml', texts: { 'openai.yaml': readFileSync(FILE, 'utf8') } };
const loaded = loadEdited(FILES);
const groups = controlsOf(loaded, uncertainParameters(FILE));
const controls = new Map<string, Control>(groups.flatMap((group) => group.controls.map((control) => [control.path, control])));
const number = (path: string): NumberControl => {
  const control = controls.get(path);
  if (control?.kind !== 'number') throw new Error(`no number control ${path}`);
  return control;
};

describe('the explore page\'s controls', () => {
  it('give each lab\'s procurement strategy as a choice of the schema\'s strategies, at its value', () => {
    for (const lab of loaded.spec.labs) {
      expect(controls.get(`labs.${lab.id}.procurement.strategy`)).toMatchObject({ kind: 'choice', value: lab.procurement.strategy, options: ['exclusive', 'rightOfFirstRefusal', 'multi'] });
    }
  });

  it('take units, descriptions and ranges from the schema', () => {
    expect(number('labs.openai.procurement.maxShare')).toMatchObject({ value: 0.5, min: { value: 0, inclusive: true }, max: { value: 1, inclusive: true }, slider: { min: 0, max: 1 } });
    expect(number('labs.openai.procurement.deliveryDays')).toMatchObject({ unit: 'days', min: { value: 0, inclusive: true } });
    expect(number('labs.openai.procurement.contractMonths')).toMatchObject({ unit: 'months', min: { value: 0, inclusive: false } });
    expect(number('labs.openai.procurement.contractMonths').slider.min).toBeGreaterThan(0);
    expect(controls.get('labs.openai.budgetUsdPerYear')).toMatchObject({ kind: 'formula', value: 'max(20e9, 2 * revenue)', variables: ['t', 'year', 'revenue', 'demand'] });
    expect(controls.get('labs.openai.procurement.partialBlocks')).toMatchObject({ kind: 'switch', value: false });
  });

  it('give every uncertain parameter\'s distribution a control per parameter, marked uncertain', () => {
    for (const parameter of uncertainParameters(FILE)) {
      const own = [...controls.values()].filter((control) => control.path.startsWith(`${parameter}.`));
      expect(own.length, parameter).toBeGreaterThanOrEqual(2);
      for (const control of own) expect(control).toMatchObject({ kind: 'number', uncertain: true });
    }
    expect(number('labs.openai.demand.growthPerYear.lognormal.median')).toMatchObject({ distribution: 'lognormal', unit: 'factor per year', value: 1.65 });
    expect(number('labs.openai.demand.growthPerYear.lognormal.sigma').unit).toBeUndefined();
    // A shock's magnitude is drawn per occurrence: a distribution, not an uncertain parameter of the run.
    expect(number('shocks.cowos-nvidia.magnitude.triangular.mode')).toMatchObject({ distribution: 'triangular', uncertain: false });
  });

  it('write overrides that set exactly the value shown: the file\'s own values give the file back', () => {
    const sets = [...controls.values()].map((control) => overrideOf(control.path, control.value));
    expect(loadEdited(FILES, { texts: {}, sets }).spec).toEqual(loaded.spec);
    const changed = loadEdited(FILES, { texts: {}, sets: [overrideOf('labs.openai.procurement.maxShare', 0.35), overrideOf('labs.openai.budgetUsdPerYear', '3 * revenue'), overrideOf('labs.openai.procurement.strategy', 'multi')] });
    const openai = changed.spec.labs.find((lab) => lab.id === 'openai')!;
    expect(openai.procurement).toMatchObject({ maxShare: 0.35, strategy: 'multi' });
    expect(openai.budgetUsdPerYear).toBe('3 * revenue');
  });

  it('switch timeline entries off with one override that keeps the others, in order', () => {
    const switches = timelineSwitches(loaded);
    expect(switches.map((entry) => entry.date)).toEqual(loaded.spec.timeline.map((entry) => entry.date));
    expect(timelineOverride(loaded, new Set())).toBeUndefined();
    const override = timelineOverride(loaded, new Set([0, 2]))!;
    const edited = loadEdited(FILES, { texts: {}, sets: [override] });
    expect(edited.spec.timeline).toEqual(loaded.spec.timeline.filter((_, index) => index !== 0 && index !== 2));
  });
});
