import { fileURLToPath } from 'node:url';
import { mm1 } from '../src/examples/mm1.js';
import { actorCallbacks, bareQueue, bareQueuePollAdd, callbacks, processes, slotQueue } from './hold.js';
import type { HoldModel } from './hold.js';
import { machine, measure, measureInChild, median, rate, requestedGroup } from './harness.js';
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
const CELL_WIDTH = 40;

/**
 * Rounds of every group (BENCH_ROUNDS, default 3), one after another: the machine is shared, so a
 * row measured once can land on a neighbour's burst. Rows are the median of the rounds, and a
 * target's ratio is the median of the ratios of its two rows within each round, which ran seconds apart.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new RangeError(`BENCH_ROUNDS must be a whole number of rounds, at least 1 (got ${process.env.BENCH_ROUNDS})`);
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
  console.log(`kernel benchmark on ${machine()}, ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} of every model`);
  console.log('hold model: events/s, the median of the rounds ± half their range, and its ratio to the median of the reference (a bare queue of times, replaceTop)');
  const rounds: Map<string, Measurement>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const measured = new Map<string, Measurement>();
    for (const name of Object.keys(groups)) for (const m of measureInChild(file, name)) measured.set(m.name, m);
    rounds.push(measured);
  }
  const inRounds = (name: string): number[] => rounds.map((measured) => measured.get(name)!.perSecond);
  const perSecond = (model: string, n: number): number => median(inRounds(`${model} N=${n}`));
  console.log(['model'.padEnd(LABEL_WIDTH), ...SIZES.map((n) => `N=${n}`.padEnd(CELL_WIDTH))].join(''));
  for (const model of Object.keys(HOLD_MODELS)) {
    const cells = SIZES.map((n) => {
      const rates = inRounds(`${model} N=${n}`);
      const halfRange = (Math.max(...rates) - Math.min(...rates)) / 2 / median(rates);
      return `${rate(median(rates))} ±${(100 * halfRange).toFixed(0)}% ${(median(rates) / perSecond('reference', n)).toFixed(2)}`.padEnd(CELL_WIDTH);
    });
    console.log([model.padEnd(LABEL_WIDTH), ...cells].join(''));
  }
  console.log('targets: the median of the rounds\' ratios of two rows (each round\'s in brackets), met or MISSED');
  for (const { model, over, atLeast } of TARGETS) {
    const cells = SIZES.map((n) => {
      const ratios = rounds.map((measured) => measured.get(`${model} N=${n}`)!.perSecond / measured.get(`${over} N=${n}`)!.perSecond);
      const ratio = median(ratios);
      const target = atLeast[n];
      const each = ROUNDS > 1 ? ` (${ratios.map((r) => r.toFixed(2)).join(' ')})` : '';
      return `${ratio.toFixed(2)}${each}${target === undefined ? '' : ` >= ${target} ${ratio >= target ? 'met' : 'MISSED'}`}`.padEnd(CELL_WIDTH);
    });
    console.log([`${model} / ${over}`.padEnd(LABEL_WIDTH), ...cells].join(''));
  }
  const events = median(inRounds('mm1'));
  const customers = median(inRounds('mm1 customers'));
  console.log(
    `M/M/1 (processes + Resource), ${MM1_CUSTOMERS.toLocaleString('en')} customers per run: ` +
      `${rate(events)} events/s, ${rate(customers)} customers/s, ${(MM1_CUSTOMERS / customers).toFixed(2)} s per run`,
  );
}

await main();
