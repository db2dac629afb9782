import { fileURLToPath } from 'node:url';
import { mm1 } from '../src/examples/mm1.js';
import { bareQueue, bareQueuePollAdd, callbacks, processes, slotQueue } from './hold.js';
import type { HoldModel } from './hold.js';
import { machine, measure, measureInChild, rate, requestedGroup } from './harness.js';
import type { Measurement } from './harness.js';

/**
 * Kernel speed on the hold model (N pending events, each firing schedules one more at
 * now + Exp(1)), as events per second and as a ratio to a bare fastpriorityqueue loop over
 * event times measured in the same run, in its own process.
 */

const SIZES = [1_000, 100_000];
const EVENTS_PER_ITERATION = 200_000;
const MM1_CUSTOMERS = 1_000_000;

const HOLD_MODELS: Record<string, (pending: number) => HoldModel> = {
  reference: bareQueue,
  'bare poll+add': bareQueuePollAdd,
  'slot-id queue': slotQueue,
  callbacks,
  'processes/timeout': (n) => processes(n, 'timeout'),
  'processes/hold': (n) => processes(n, 'hold'),
};

// Every (model, size) in a process of its own: a queue that already ran at another size carries
// that run's comparator closure and type feedback, which slowed the bare queues at N = 100,000 by
// about 10% and flattered the kernel's ratios there.
const groups: Record<string, () => Promise<Measurement[]>> = {
  ...Object.fromEntries(Object.entries(HOLD_MODELS).flatMap(([model, build]) => SIZES.map((n) => [`${model} N=${n}`, () => holdRun(`${model} N=${n}`, build, n)]))),
  mm1: async () => {
    let eventsPerCustomer = 0;
    const events = await measure('mm1', () => undefined, () => {
      const result = mm1(0.5, 1, MM1_CUSTOMERS, 1);
      eventsPerCustomer = result.events / result.customers;
      return result.events;
    }, { timeMs: 1, iterations: 3 });
    return [events, { ...events, name: 'mm1 customers', perSecond: events.perSecond / eventsPerCustomer }];
  },
};

// Targets from the kernel issue, as a share of the reference's events/s per size; baselines have none.
const targets: Record<string, Record<number, number> | undefined> = {
  'bare poll+add': undefined,
  'slot-id queue': undefined,
  callbacks: { 1000: 0.6, 100000: 0.6 },
  'processes/timeout': { 1000: 0.4, 100000: 0.25 },
  'processes/hold': { 1000: 0.4, 100000: 0.25 },
};

async function holdRun(name: string, build: (pending: number) => HoldModel, n: number): Promise<Measurement[]> {
  return [await measure(name, () => build(n), (model) => model.advance(EVENTS_PER_ITERATION))];
}

async function main(): Promise<void> {
  const group = requestedGroup();
  if (group !== undefined) {
    const run = groups[group];
    if (run === undefined) throw new Error(`unknown group ${group}`);
    process.stdout.write(JSON.stringify(await run()));
    return;
  }
  const file = fileURLToPath(import.meta.url);
  console.log(`kernel benchmark on ${machine()}`);
  console.log('hold model: events/s, and the ratio to the reference (a bare queue of times, replaceTop) of the same run');
  const measured = new Map<string, Measurement>();
  for (const name of Object.keys(groups)) for (const m of measureInChild(file, name)) measured.set(m.name, m);
  const header = ['model'.padEnd(20), ...SIZES.map((n) => `N=${n}`.padEnd(40))];
  console.log(header.join(''));
  for (const group of ['reference', ...Object.keys(targets)]) {
    const cells = [group.padEnd(20)];
    for (const n of SIZES) {
      const m = measured.get(`${group} N=${n}`)!;
      const ratio = m.perSecond / measured.get(`reference N=${n}`)!.perSecond;
      const target = targets[group]?.[n];
      const verdict = target === undefined ? '' : ` target ${target} ${ratio >= target ? 'met' : 'MISSED'}`;
      cells.push(`${rate(m.perSecond)} ±${m.rmePercent.toFixed(0)}% ${ratio.toFixed(2)}${verdict}`.padEnd(40));
    }
    console.log(cells.join(''));
  }
  const events = measured.get('mm1')!.perSecond;
  const customers = measured.get('mm1 customers')!.perSecond;
  console.log(
    `M/M/1 (processes + Resource), ${MM1_CUSTOMERS.toLocaleString('en')} customers per run: ` +
      `${rate(events)} events/s, ${rate(customers)} customers/s, ${(MM1_CUSTOMERS / customers).toFixed(2)} s per run`,
  );
}

await main();
