import { ACTOR_LISTS, SINGULAR, dateOf, field, isPlainObject, list } from './data.js';
import type { ActorList, Data } from './data.js';
import { formulaFindings } from './formulas.js';
import { MAX_HORIZON_YEARS } from './limits.js';
import { pushAll } from './problems.js';
import type { Finding, Path } from './problems.js';
import { SCENARIO } from './schema-walk.js';
import { listed } from './suggest.js';
import { checkTimeline } from './timeline-checks.js';
import { timeFormulaFindings } from './time-formulas.js';

/**
 * What the schema cannot check: it sees one value at a time, so ids unique within a list, references to
 * other actors, dates in order and within the scenario, formulas, the timeline and the months back-test
 * targets read are checked here.
 */

/** Problems the schema cannot see. Works on unvalidated data (skipping what is malformed); `valid` enables the timeline's re-validation. */
export function checkSemantics(data: Data, valid: boolean): Finding[] {
  const findings: Finding[] = [];
  const ids = {} as Record<ActorList, string[]>;
  const idSets = {} as Record<ActorList, Set<string>>;
  for (const kind of ACTOR_LISTS) {
    const firstId = firstIds(kind, SINGULAR[kind], findings);
    ids[kind] = list(data[kind]).flatMap((actor, index) => firstId(actor, index) ?? []);
    idSets[kind] = new Set(ids[kind]);
  }
  const reference = (kind: ActorList, value: unknown, path: Path, options: { key?: boolean } = {}): void => {
    if (typeof value !== 'string') return;
    // A list that is missing or not a list is the schema's one problem, not one more at every reference to it.
    if (!Array.isArray(data[kind]) || idSets[kind].has(value)) return;
    const expected = ids[kind].length > 0 ? `expected one of: ${listed(ids[kind])}` : `no ${kind} are defined`;
    findings.push({ path, key: options.key, message: `unknown ${SINGULAR[kind]} '${value}'; ${expected}` });
  };

  const { start, end, reversed } = writtenHorizon(data);
  const tooLong = start !== undefined && end !== undefined && end > yearsAfter(start, MAX_HORIZON_YEARS);
  if (reversed) findings.push({ path: ['end'], message: `end (${end}) must be after start (${start})` });
  else if (tooLong) {
    findings.push({ path: ['end'], message: `end (${end}) is more than ${MAX_HORIZON_YEARS} years after start (${start}); a scenario spans at most ${MAX_HORIZON_YEARS} years` });
  }
  // With end before start, which of the two is wrong is not known: a date is not compared with them,
  // or one mistake would be reported again at every date of the file.
  const inScenario = (value: unknown, path: Path): void => {
    const date = dateOf(value);
    if (!date || reversed) return;
    if (start && date < start) findings.push({ path, message: `${date} is before the scenario's start (${start})` });
    else if (end && date > end) findings.push({ path, message: `${date} is after the scenario's end (${end})` });
  };

  list(data.suppliers).forEach((supplier, s) => {
    list(field(supplier, 'products')).forEach((product, p) => {
      reference('chips', field(product, 'chip'), ['suppliers', s, 'products', p, 'chip']);
      const from = dateOf(field(product, 'from'));
      const until = dateOf(field(product, 'until'));
      if (from && until && until < from) findings.push({ path: ['suppliers', s, 'products', p, 'until'], message: `until (${until}) is before from (${from})` });
    });
    list(field(supplier, 'priority')).forEach((provider, p) => reference('providers', provider, ['suppliers', s, 'priority', p]));
  });

  list(data.providers).forEach((provider, p) => {
    const fleet = field(provider, 'fleet');
    if (isPlainObject(fleet)) for (const chip of Object.keys(fleet)) reference('chips', chip, ['providers', p, 'fleet', chip], { key: true });
    list(field(provider, 'suppliers')).forEach((supplier, s) => reference('suppliers', supplier, ['providers', p, 'suppliers', s]));
    reference('labs', field(provider, 'owner'), ['providers', p, 'owner']);
  });

  list(data.labs).forEach((lab, l) => {
    const procurement = field(lab, 'procurement');
    const at = ['labs', l, 'procurement'];
    const written = field(procurement, 'providers');
    const providers = list(written);
    providers.forEach((provider, p) => reference('providers', provider, [...at, 'providers', p]));
    const named = providers.filter((provider): provider is string => typeof provider === 'string');
    const incumbent = field(procurement, 'incumbent');
    // Checked against the lab's providers only when they are a list: otherwise that is the one problem.
    if (typeof incumbent === 'string' && (written === undefined || Array.isArray(written))) {
      if (!idSets.providers.has(incumbent)) reference('providers', incumbent, [...at, 'incumbent']);
      else if (!named.includes(incumbent)) {
        findings.push({ path: [...at, 'incumbent'], message: `incumbent '${incumbent}' is not one of this lab's providers: ${named.join(', ')}` });
      }
    }
    const strategy = field(procurement, 'strategy');
    if ((strategy === 'exclusive' || strategy === 'rightOfFirstRefusal') && incumbent === undefined) {
      findings.push({
        path: [...at, 'strategy'],
        message: `strategy '${strategy}' needs an incumbent: set procurement.incumbent to one of this lab's providers${named.length > 0 ? ` (${named.join(', ')})` : ''}`,
      });
    }
  });

  list(data.contracts).forEach((contract, c) => {
    reference('labs', field(contract, 'lab'), ['contracts', c, 'lab']);
    reference('providers', field(contract, 'provider'), ['contracts', c, 'provider']);
    const from = dateOf(field(contract, 'start'));
    const until = dateOf(field(contract, 'end'));
    if (from && until && until <= from) findings.push({ path: ['contracts', c, 'end'], message: `end (${until}) must be after start (${from})` });
  });

  list(data.shocks).forEach((shock, s) => {
    const target = field(shock, 'target');
    for (const kind of ['supplier', 'provider', 'lab'] as const) {
      reference(`${kind}s`, field(target, kind), ['shocks', s, 'target', kind]);
    }
    inScenario(field(field(shock, 'arrival'), 'date'), ['shocks', s, 'arrival', 'date']);
  });

  const releases = chipReleases(data);
  // A back-test target reads a lab's or a chip's monthly records: they must exist, and so must the months.
  const metric = (value: unknown, path: Path): void => {
    const ratio = field(value, 'ratio');
    if (isPlainObject(ratio)) for (const part of ['numerator', 'denominator']) metric(field(ratio, part), [...path, 'ratio', part]);
    const compute = field(value, 'labCompute');
    reference('labs', field(compute, 'lab'), [...path, 'labCompute', 'lab']);
    inScenario(field(compute, 'date'), [...path, 'labCompute', 'date']);
    const spend = field(value, 'labSpend');
    reference('labs', field(spend, 'lab'), [...path, 'labSpend', 'lab']);
    const year = field(spend, 'year');
    // A year only partly simulated would sum a part-year's spend, to be compared with a whole year's.
    if (typeof year === 'number' && Number.isInteger(year) && start && end && !reversed) {
      const first = `${String(year).padStart(4, '0')}-01-01`;
      const last = `${String(year).padStart(4, '0')}-12-31`;
      if (first < start || last > end) findings.push({ path: [...path, 'labSpend', 'year'], message: `year ${year} is not wholly inside the scenario (${start} to ${end})` });
    }
    const price = field(value, 'chipPrice');
    reference('chips', field(price, 'chip'), [...path, 'chipPrice', 'chip']);
    inScenario(field(price, 'from'), [...path, 'chipPrice', 'from']);
    inScenario(field(price, 'to'), [...path, 'chipPrice', 'to']);
    const from = dateOf(field(price, 'from'));
    const to = dateOf(field(price, 'to'));
    if (from && to && to < from) findings.push({ path: [...path, 'chipPrice', 'to'], message: `to (${to}) is before from (${from})` });
    // No provider holds a chip before its release: a price of those months is undefined in every run.
    const released = releases.get(field(price, 'chip'));
    if (released && to && to.slice(0, 7) < released.slice(0, 7)) {
      findings.push({ path: [...path, 'chipPrice', 'to'], message: `the chip is released on ${released}, after the months this price is read in (to ${to}): it has no price then` });
    }
  };
  // Overrides name a timeline entry by its id, so an id names one entry.
  const entryId = firstIds('timeline', 'timeline entry', findings);
  list(data.timeline).forEach((entry, e) => entryId(entry, e));

  const targetId = firstIds('targets', 'target', findings);
  list(data.targets).forEach((target, t) => {
    targetId(target, t);
    metric(field(target, 'metric'), ['targets', t, 'metric']);
  });

  const formulas = formulaFindings(SCENARIO, data);
  pushAll(findings, formulas);
  // Over a horizon that is refused, a formula is not held to its days.
  if (start && end && !reversed && !tooLong) pushAll(findings, timeFormulaFindings(data, start, end));
  pushAll(findings, checkTimeline(data, valid, inScenario, formulas));
  return findings;
}

/**
 * The ids of list `name`, item by item: an id met before is a finding at the later item, naming the
 * item that has it first; the id of an item is returned when it is the first to have it.
 */
function firstIds(name: string, noun: string, findings: Finding[]): (item: unknown, index: number) => string | undefined {
  const firstAt = new Map<string, number>();
  return (item, index) => {
    const id = field(item, 'id');
    if (typeof id !== 'string') return undefined;
    const first = firstAt.get(id);
    if (first !== undefined) {
      findings.push({ path: [name, index, 'id'], message: `duplicate ${noun} id '${id}'; ${name}[${first}] has it already` });
      return undefined;
    }
    firstAt.set(id, index);
    return id;
  };
}

/** The scenario's start and end as written (undefined where not a date), and whether the end is not after the start. */
export function writtenHorizon(data: Data): { start?: string; end?: string; reversed: boolean } {
  const start = dateOf(data.start);
  const end = dateOf(data.end);
  return { start, end, reversed: start !== undefined && end !== undefined && end <= start };
}

/** Each chip's release date as written (undefined where not a date), by the chip's id. */
export function chipReleases(data: Data): Map<unknown, string | undefined> {
  return new Map(list(data.chips).map((chip) => [field(chip, 'id'), dateOf(field(chip, 'release'))]));
}

// The same day `years` later, as YYYY-MM-DD text (compared as text, so 02-29 needs no real date);
// past year 9999, the last date a scenario can write.
function yearsAfter(date: string, years: number): string {
  const year = Number(date.slice(0, 4)) + years;
  return year > 9999 ? '9999-12-31' : `${String(year).padStart(4, '0')}${date.slice(4)}`;
}
