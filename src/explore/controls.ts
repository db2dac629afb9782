import { isPlainObject, list, valueAt } from '../scenario/data.js';
import type { LoadedScenario } from '../scenario/load.js';
import { SCENARIO, childSchema, choices, def, formulaVariables, unionOptions, unwrap } from '../scenario/schema-walk.js';
import type { Schema } from '../scenario/schema-walk.js';

/**
 * The explore page's controls: the scenario's key numbers, its uncertain parameters, each lab's
 * procurement strategy and each timeline entry, read from the scenario as loaded and described by the
 * schema (description, unit, the range it accepts). A control changes its field through an override
 * written as `--set` writes it (`labs.openai.procurement.strategy="multi"`), so the page's scenario
 * is the file plus overrides, loaded and checked as the CLI does.
 */

/** The fields with controls, as `--set` paths (`*` an actor id): what strategists turn in the scenario files. */
export const CONTROLLED_FIELDS: readonly string[] = [
  'labs.*.procurement.strategy',
  'labs.*.procurement.maxShare',
  'labs.*.procurement.coverage',
  'labs.*.procurement.contractMonths',
  'labs.*.procurement.deliveryDays',
  'labs.*.procurement.termPremium',
  'labs.*.procurement.intervalDays',
  'labs.*.procurement.priceCeilingUsdPerGpuHour',
  'labs.*.procurement.partialBlocks',
  'labs.*.demand.initialH100e',
  'labs.*.demand.growthPerYear',
  'labs.*.demand.volatility',
  'labs.*.budgetUsdPerYear',
  'labs.*.willingnessToPayUsdPerGpuHour',
  'providers.*.pricing.margin',
  'providers.*.pricing.scarcityMarkup',
  'providers.*.pricing.elasticity',
  'providers.*.pricing.expression',
  'providers.*.powerBuildMwPerYear',
  'providers.*.powerLeadTimeDays',
  'providers.*.capexUsdPerYear',
  'providers.*.targetUtilization',
  'providers.*.leasesOut',
  'suppliers.*.capacityUnitsPerMonth',
  'suppliers.*.leadTimeDays',
  'suppliers.*.allocation',
  'shocks.*.arrival.ratePerYear',
  'shocks.*.magnitude',
  'shocks.*.durationDays',
  'market.costSpread',
  'market.bidCostUsdPerH100e',
  'market.spotPriceCapUsdPerGpuHour',
  'market.leasing',
];

/** What every control has: the `--set` path it writes, a label and what the schema says of it. */
interface ControlBase {
  path: string;
  /** The path within its actor: `procurement.maxShare`, `growthPerYear · lognormal median`. */
  label: string;
  description?: string;
  unit?: string;
}

/** An end of the range a field accepts. */
export interface Bound {
  value: number;
  /** Whether the end itself is accepted (0 for a share, not for a positive number). */
  inclusive: boolean;
}

/** A number: a slider over a working range, and a box for any value. */
export interface NumberControl extends ControlBase {
  kind: 'number';
  value: number;
  /** The range the schema accepts; an end it does not limit is absent. */
  min?: Bound;
  max?: Bound;
  /** The slider's range and step: the accepted range, or around the value where it is open. */
  slider: { min: number; max: number; step: number };
  /** For a parameter of a distribution: the parameter's path names the field and its kind (`...growthPerYear.lognormal.median`). */
  distribution?: string;
  /** Whether runs sample the field (an uncertain parameter). */
  uncertain: boolean;
}

/** One of a list of values (a strategy, an allocation rule). */
export interface ChoiceControl extends ControlBase {
  kind: 'choice';
  value: string;
  options: string[];
}

/** On or off. */
export interface SwitchControl extends ControlBase {
  kind: 'switch';
  value: boolean;
}

/** A formula, edited as text and checked as the CLI checks it. */
export interface FormulaControl extends ControlBase {
  kind: 'formula';
  value: string;
  variables: string[];
}

/** A control of the page. */
export type Control = NumberControl | ChoiceControl | SwitchControl | FormulaControl;

/** The controls of one actor (or the market), under a title. */
export interface ControlGroup {
  title: string;
  controls: Control[];
}

/** One entry of the scenario's timeline, as a switch: on, it applies. */
export interface TimelineSwitch {
  /** Its position in the file's timeline. */
  index: number;
  date: string;
  /** Its note, or what it sets when it has none. */
  label: string;
}

const KIND_TITLES: Record<string, string> = { labs: 'Lab', providers: 'Provider', suppliers: 'Supplier', shocks: 'Shock', market: 'Market' };

/**
 * The controls of a loaded scenario, by actor in the order of CONTROLLED_FIELDS' kinds, each actor's
 * in that order too; `uncertain` lists the parameters runs sample (the runs table's `param.` columns).
 * Fields the scenario does not set and that have no default get no control.
 */
export function controlsOf(loaded: LoadedScenario, uncertain: readonly string[] = []): ControlGroup[] {
  const data = loaded.spec as unknown as Record<string, unknown>;
  const groups = new Map<string, ControlGroup>();
  const sampled = new Set(uncertain);
  for (const pattern of CONTROLLED_FIELDS) {
    const [kind, ...rest] = pattern.split('.');
    const actors = rest[0] === '*' ? list(data[kind!]).map((actor, index) => ({ id: String((actor as { id?: unknown }).id), index })) : [undefined];
    for (const actor of actors) {
      const fields = actor ? rest.slice(1) : rest;
      const dataPath: (string | number)[] = actor ? [kind!, actor.index, ...fields] : [kind!, ...fields];
      const value = valueAt(data, dataPath);
      if (value === undefined) continue;
      const setPath = actor ? [kind, actor.id, ...fields].join('.') : pattern;
      const title = actor ? `${KIND_TITLES[kind!]} ${actor.id}` : KIND_TITLES[kind!]!;
      let group = groups.get(title);
      if (!group) groups.set(title, (group = { title, controls: [] }));
      group.controls.push(...controlsAt(setPath, fields.join('.'), value, schemaAt(dataPath), sampled.has(setPath)));
    }
  }
  return [...groups.values()];
}

/** The timeline of a scenario as switches, one per entry. */
export function timelineSwitches(loaded: LoadedScenario): TimelineSwitch[] {
  return loaded.spec.timeline.map((entry, index) => ({
    index,
    date: entry.date,
    label: entry.note ?? Object.entries(entry.set).map(([path, value]) => `${path}: ${JSON.stringify(value)}`).join(', '),
  }));
}

/**
 * The `--set` override that keeps only the timeline entries switched on, or none when all are:
 * `timeline=[...]` with the entries of the scenario's timeline, in order, as JSON (which YAML reads).
 */
export function timelineOverride(loaded: LoadedScenario, off: ReadonlySet<number>): string | undefined {
  if (![...off].some((index) => index < loaded.spec.timeline.length)) return undefined;
  const timeline = valueAt(loaded.resolved, ['timeline']);
  const kept = list(timeline).filter((_, index) => !off.has(index));
  return `timeline=${JSON.stringify(kept)}`;
}

/** The `--set` override that gives field `path` the value `value`: the value as a YAML flow value (JSON, which YAML reads). */
export function overrideOf(path: string, value: number | string | boolean): string {
  return `${path}=${typeof value === 'number' ? numberText(value) : JSON.stringify(value)}`;
}

/** A number as YAML reads it back exactly: JavaScript's shortest round-trip form. */
function numberText(value: number): string {
  return String(value);
}

/** The controls of the field at `path`: one, or one per parameter of a distribution. */
function controlsAt(path: string, label: string, value: unknown, schema: Schema | undefined, uncertain: boolean): Control[] {
  const meta = metaOf(schema);
  const base = { path, label, ...(meta.description ? { description: meta.description } : {}), ...(meta.unit ? { unit: meta.unit } : {}) };
  if (typeof value === 'number') return [numberControl(base, value, numberBranch(schema), undefined, uncertain)];
  if (typeof value === 'boolean') return [{ ...base, kind: 'switch', value }];
  if (typeof value === 'string') {
    const variables = schema && formulaBranchVariables(schema);
    if (variables) return [{ ...base, kind: 'formula', value, variables }];
    const options = schema && choices(schema)?.filter((option) => option !== 'custom:NAME');
    if (options && options.length > 0) return [{ ...base, kind: 'choice', value, options: options.includes(value) ? options : [value, ...options] }];
    return [];
  }
  if (isPlainObject(value)) {
    // A distribution, `{ kind: { parameter: number } }`: a control per parameter, in the field's unit (a lognormal's sigma has none).
    const [kind, parameters] = Object.entries(value)[0] ?? [];
    if (!kind || !isPlainObject(parameters) || !schema) return [];
    const branch = unionOptions(unwrap(schema)).flatMap((option) => [option, ...unionOptions(unwrap(option))]).find((option) => childSchema(option, kind) !== undefined);
    const inner = branch && childSchema(branch, kind);
    return Object.entries(parameters).flatMap(([parameter, number]) => {
      if (typeof number !== 'number') return [];
      const parameterSchema = inner && childSchema(inner, parameter);
      const unitless = kind === 'lognormal' && parameter === 'sigma';
      const parameterMeta = metaOf(parameterSchema);
      const control = numberControl(
        { path: `${path}.${kind}.${parameter}`, label: `${label} · ${kind} ${parameter}`, ...(parameterMeta.description ?? meta.description ? { description: parameterMeta.description ?? meta.description } : {}), ...(meta.unit && !unitless ? { unit: meta.unit } : {}) },
        number,
        parameterSchema,
        kind,
        uncertain,
      );
      return [control];
    });
  }
  return [];
}

function numberControl(base: ControlBase, value: number, schema: Schema | undefined, distribution: string | undefined, uncertain: boolean): NumberControl {
  const { min, max } = rangeOf(schema, value);
  const scale = value === 0 ? 1 : Math.abs(value);
  let low = min ? min.value : value >= 0 ? 0 : value - 2 * scale;
  let high = max ? max.value : value + 2 * scale;
  // An open range is worked in around the value; a wide closed one (a share is [0, 1]) is taken whole.
  if (high - low > 1e3 * scale) high = Math.min(high, value + 2 * scale);
  if (high - low > 1e3 * scale) low = Math.max(low, value - 2 * scale);
  const step = niceStep((high - low) / 200);
  // A slider stops a step short of an end the field does not accept (a positive number is never 0).
  if (min && !min.inclusive) low += step;
  if (max && !max.inclusive) high -= step;
  return { ...base, kind: 'number', value, ...(min ? { min } : {}), ...(max ? { max } : {}), slider: { min: low, max: high, step }, ...(distribution ? { distribution } : {}), uncertain };
}

// The range a number schema accepts, worked out once per schema: the schema's ranges are intervals, the same from any value inside.
const ranges = new WeakMap<object, { min?: Bound; max?: Bound }>();

function rangeOf(schema: Schema | undefined, value: number): { min?: Bound; max?: Bound } {
  const accepts = (x: number): boolean => (schema ? (schema as unknown as { safeParse(x: unknown): { success: boolean } }).safeParse(x).success : Number.isFinite(x));
  if (!accepts(value)) return {};
  const known = schema && ranges.get(schema);
  if (known) return known;
  const min = boundFrom(accepts, value, -1);
  const max = boundFrom(accepts, value, 1);
  const range = { ...(min ? { min } : {}), ...(max ? { max } : {}) };
  if (schema) ranges.set(schema, range);
  return range;
}

/**
 * The end of the range `accepts` takes, looking from `inside` (accepted) in `direction`: out in growing
 * steps until a value is refused, then halving the gap. Undefined when nothing up to 1e300 is refused.
 */
function boundFrom(accepts: (x: number) => boolean, inside: number, direction: 1 | -1): Bound | undefined {
  let good = inside;
  let step = 1;
  let refused: number | undefined;
  for (let i = 0; i < 40 && refused === undefined; i++) {
    const probe = inside + direction * step;
    if (!accepts(probe)) refused = probe;
    else good = probe;
    step *= 10;
  }
  if (refused === undefined) return undefined;
  let bad = refused;
  for (let i = 0; i < 100; i++) {
    const middle: number = good + (bad - good) / 2;
    if (middle === good || middle === bad) break;
    if (accepts(middle)) good = middle;
    else bad = middle;
  }
  // The end, snapped to the round number it is (0, 1, 1e6): an exclusive 0 is approached, never reached.
  const edge = good + (bad - good) / 2;
  const value = Math.abs(edge) < 1e-9 * Math.max(1, Math.abs(inside)) ? 0 : Number(edge.toPrecision(6));
  return { value, inclusive: accepts(value) };
}

function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction < 2 ? 1 : fraction < 5 ? 2 : 5) * power;
}

/** The schema of the field at `path` of the scenario (actor lists by index), through the unions of numbers and distributions. */
function schemaAt(path: readonly (string | number)[]): Schema | undefined {
  let schema: Schema | undefined = SCENARIO;
  for (const segment of path) {
    if (!schema) return undefined;
    const inner = unwrap(schema);
    if (def(inner).type === 'union') {
      const branch = unionOptions(inner).find((option) => childSchema(option, segment) !== undefined);
      schema = branch && childSchema(branch, segment);
    } else {
      schema = childSchema(inner, segment);
    }
  }
  return schema;
}

/** The number branch of a field that may be a number, a distribution or a formula. */
function numberBranch(schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  const inner = unwrap(schema);
  if (def(inner).type === 'number') return inner;
  return unionOptions(inner).map(unwrap).find((option) => def(option).type === 'number');
}

/** The variables of a field that is a formula, or may be one. */
function formulaBranchVariables(schema: Schema): string[] | undefined {
  return formulaVariables(schema) ?? unionOptions(unwrap(schema)).map((option) => formulaVariables(option)).find((variables) => variables !== undefined);
}

/** The description and unit of a field: on the field, or on the schema inside its wrappers. */
function metaOf(schema: Schema | undefined): { description?: string; unit?: string } {
  for (let current = schema, i = 0; current && i < 5; i++) {
    const meta = (current as unknown as { meta?: () => Record<string, unknown> | undefined }).meta?.();
    if (meta && (typeof meta.description === 'string' || typeof meta.unit === 'string')) {
      return { ...(typeof meta.description === 'string' ? { description: meta.description } : {}), ...(typeof meta.unit === 'string' ? { unit: meta.unit } : {}) };
    }
    const next = def(current).innerType as Schema | undefined;
    if (!next || next === current) break;
    current = next;
  }
  return {};
}
