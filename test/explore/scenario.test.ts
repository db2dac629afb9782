import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AS_LOADED, EDITED, explorePlan, loadEdited, readerOf, tryLoad } from '../../src/explore/scenario.js';
import type { ScenarioFiles } from '../../src/explore/scenario.js';
import { loadScenario } from '../../src/scenario/load.js';

const scenarios = (name: string): string => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));

/** price-war.yaml and the file it extends, named as the page names them. */
const PRICE_WAR: ScenarioFiles = {
  main: 'price-war.yaml',
  texts: { 'price-war.yaml': readFileSync(scenarios('price-war.yaml'), 'utf8'), 'openai-multicloud-2025.yaml': readFileSync(scenarios('openai-multicloud-2025.yaml'), 'utf8') },
};

describe('the explore page\'s scenario, from texts', () => {
  it('loads a file that extends another to the scenario the CLI loads from disk', () => {
    const fromTexts = loadEdited(PRICE_WAR);
    const fromDisk = loadScenario(scenarios('price-war.yaml'));
    expect(fromTexts.hash).toBe(fromDisk.hash);
    expect(fromTexts.spec).toEqual(fromDisk.spec);
    expect(fromTexts.files).toEqual(['price-war.yaml', 'openai-multicloud-2025.yaml']);
  });

  it('reports a missing base as the CLI does, at the extends entry', () => {
    const alone = { main: 'price-war.yaml', texts: { 'price-war.yaml': PRICE_WAR.texts['price-war.yaml']! } };
    const result = tryLoad(alone);
    expect('problems' in result && result.problems[0]).toMatchObject({ file: 'price-war.yaml', path: 'extends', message: expect.stringContaining('no such file') });
  });

  it('never reads a name its texts do not hold, whatever the name (no prototype keys)', () => {
    const read = readerOf(PRICE_WAR);
    for (const name of ['__proto__', 'constructor', 'toString', '../etc/passwd']) expect(() => read(name)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('applies edited texts and overrides, and locates an override\'s problem at its --set line', () => {
    const edited = loadEdited(PRICE_WAR, { texts: {}, sets: ['labs.openai.procurement.maxShare=0.4'] });
    expect(edited.spec.labs.find((lab) => lab.id === 'openai')!.procurement.maxShare).toBe(0.4);
    const result = tryLoad(PRICE_WAR, { texts: {}, sets: ['labs.openai.procurement.maxShare=0.4', 'labs.openai.procurement.coverage=3'] });
    expect('problems' in result && result.problems).toEqual([expect.objectContaining({ file: '--set', line: 2, path: 'labs.openai.procurement.coverage' })]);
    const text = PRICE_WAR.texts['openai-multicloud-2025.yaml']!.replace('maxShare: 0.5 ', 'maxShare: 5   ');
    const broken = tryLoad(PRICE_WAR, { texts: { 'openai-multicloud-2025.yaml': text }, sets: [] });
    expect('problems' in broken && broken.problems[0]).toMatchObject({ file: 'openai-multicloud-2025.yaml', path: 'labs[0].procurement.maxShare' });
  });

  it('plans the edited scenario alone as baseline, or the file as loaded then the edited one to compare', () => {
    const settings = { files: PRICE_WAR, edits: { texts: {}, sets: ['labs.openai.procurement.strategy=multi'] }, seed: '3', compare: false };
    const alone = explorePlan(settings);
    expect(alone.plan.variants.map((variant) => variant.name)).toEqual(['baseline']);
    expect(alone.plan.scenarioHash).toBe(alone.edited.hash);
    const compared = explorePlan({ ...settings, compare: true });
    expect(compared.plan.variants.map((variant) => variant.name)).toEqual([AS_LOADED, EDITED]);
    expect(compared.plan.variants[0]!.spec).toEqual(loadEdited(PRICE_WAR).spec);
    expect(compared.plan.variants[1]!.spec).toEqual(alone.edited.spec);
    expect(compared.plan.seed).toBe('3');
  });
});
