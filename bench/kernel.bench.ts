import { fileURLToPath } from 'node:url';
import { mm1 } from '../src/examples/mm1.js';
import { actorCallbacks, bareQueue, bareQueuePollAdd, callbacks, processes, slotQueue } from './hold.js';
import type { HoldModel } from './hold.js';
import { machine, measure, measureInChild, rate, requestedGroup } from './harness.js';
import type { Measurement } from './harness.js';

/**
 * Kernel speed on the hold model (N pending events, each firing schedules one more at
 * now + Exp(1)), as events per second and as a ratio to a bare fastpriorityqueue loop over
 * event times measured in the same run, in its own process; then the kernel's targets, as ratios
 * of callbacks to the slot-id queue and of processes to callbacks.
 */

const SIZES = [1_000, 100_000];
const EVENTS_PER_ITERATION = 200_000;
const MM1_CUSTOMERS = 1_000_000;

const HOLD_MODELS: Record<string, (pending: number) => HoldModel> = {
  reference: bareQueue,
  'bare poll+add': bareQueuePollAdd,
  'slot-id queue': slotQueue,
  callbacks,
  'callbacks, a closure per actor': actorCallbacks,
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

const LABEL_WIDTH = 50;
const SLOT_QUEUE = 'slot-id queue';
const CALLBACKS = 'callbacks';

/**
 * The kernel's targets, each a ratio of two rows measured in the same run: callbacks against the
 * slot-id queue (the agenda's design with nothing around it, the ceiling on fastpriorityqueue), and
 * generator processes against callbacks; and, without a target, processes against callbacks of a model
 * with state per actor. A size without a target still prints its ratio.
 */
interface Target {
  model: string;
  over: string;
  atLeast: Record<number, number>;
}
const TARGETS: Target[] = [
  { model: CALLBACKS, over: SLOT_QUEUE, atLeast: { 1000: 0.75, 100000: 0.75 } },
  { model: 'processes/timeout', over: CALLBACKS, atLeast: { 100000: 0.5 } },
  { model: 'processes/hold', over: CALLBACKS, atLeast: { 100000: 0.5 } },
  // Like for like, without a target: processes against callbacks that also carry state per actor.
  { model: 'processes/hold', over: 'callbacks, a closure per actor', atLeast: {} },
];

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
  console.log('hold model: events/s ± relative margin of error, and the ratio to the reference (a bare queue of times, replaceTop) of the same run');
  const measured = new Map<string, Measurement>();
  for (const name of Object.keys(groups)) for (const m of measureInChild(file, name)) measured.set(m.name, m);
  const perSecond = (model: string, n: number): number => measured.get(`${model} N=${n}`)!.perSecond;
  console.log(['model'.padEnd(LABEL_WIDTH), ...SIZES.map((n) => `N=${n}`.padEnd(24))].join(''));
  for (const model of Object.keys(HOLD_MODELS)) {
    const cells = SIZES.map((n) => {
      const m = measured.get(`${model} N=${n}`)!;
      return `${rate(m.perSecond)} ±${m.rmePercent.toFixed(0)}% ${(m.perSecond / perSecond('reference', n)).toFixed(2)}`.padEnd(24);
    });
    console.log([model.padEnd(LABEL_WIDTH), ...cells].join(''));
  }
  console.log('targets: the ratio of two rows of this run, met or MISSED');
  for (const { model, over, atLeast } of TARGETS) {
    const cells = SIZES.map((n) => {
      const ratio = perSecond(model, n) / perSecond(over, n);
      const target = atLeast[n];
      return `${ratio.toFixed(2)}${target === undefined ? '' : ` >= ${target} ${ratio >= target ? 'met' : 'MISSED'}`}`.padEnd(24);
    });
    console.log([`${model} / ${over}`.padEnd(LABEL_WIDTH), ...cells].join(''));
  }
  const events = measured.get('mm1')!.perSecond;
  const customers = measured.get('mm1 customers')!.perSecond;
  console.log(
    `M/M/1 (processes + Resource), ${MM1_CUSTOMERS.toLocaleString('en')} customers per run: ` +
      `${rate(events)} events/s, ${rate(customers)} customers/s, ${(MM1_CUSTOMERS / customers).toFixed(2)} s per run`,
  );
}

await main();
