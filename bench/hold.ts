import FastPriorityQueue from 'fastpriorityqueue';
import seedrandom from 'seedrandom';
import { Simulation } from '../src/kernel/simulation.js';
import { exponential } from '../src/kernel/distributions/samplers.js';

/**
 * The classic hold model: N pending events, each of which, when it fires, schedules one more at
 * now + Exp(1). Every model here advances by `advance(events)` so that a benchmark iteration
 * times a fixed number of events in steady state.
 */
export interface HoldModel {
  /** Fires about `events` events; returns how many it fired. */
  advance(events: number): number;
}

const rate = 1;

/** The ceiling: a bare fastpriorityqueue of event times, popping the earliest and pushing its successor in one sift. */
export function bareQueue(pending: number): HoldModel {
  const rng = seedrandom.alea('hold');
  const queue = new FastPriorityQueue<number>((a, b) => a < b);
  for (let i = 0; i < pending; i++) queue.add(exponential(rng, rate));
  return {
    advance(events) {
      for (let i = 0; i < events; i++) queue.replaceTop(queue.peek()! + exponential(rng, rate));
      return events;
    },
  };
}

/** The bare queue popping and pushing separately (two sifts per event), as a loop without `replaceTop` would. */
export function bareQueuePollAdd(pending: number): HoldModel {
  const rng = seedrandom.alea('hold');
  const queue = new FastPriorityQueue<number>((a, b) => a < b);
  for (let i = 0; i < pending; i++) queue.add(exponential(rng, rate));
  return {
    advance(events) {
      for (let i = 0; i < events; i++) queue.add(queue.poll()! + exponential(rng, rate));
      return events;
    },
  };
}

/**
 * The ceiling of the kernel's design: the queue holds integer slot ids and the comparator reads
 * their times from a typed array (no callbacks, no tie-breaking). The extra indirection per
 * comparison is what separates an agenda of events from a heap of bare numbers.
 */
export function slotQueue(pending: number): HoldModel {
  const rng = seedrandom.alea('hold');
  const times = new Float64Array(pending);
  const queue = new FastPriorityQueue<number>((a, b) => times[a]! < times[b]!);
  for (let slot = 0; slot < pending; slot++) {
    times[slot] = exponential(rng, rate);
    queue.add(slot);
  }
  return {
    advance(events) {
      for (let i = 0; i < events; i++) {
        const slot = queue.peek()!;
        times[slot] = times[slot]! + exponential(rng, rate);
        queue.replaceTop(slot);
      }
      return events;
    },
  };
}

/** The kernel's callback API: `sim.schedule(delay, callback)`. */
export function callbacks(pending: number): HoldModel {
  const rng = seedrandom.alea('hold');
  const sim = new Simulation();
  const tick = (): void => {
    sim.schedule(exponential(rng, rate), tick);
  };
  for (let i = 0; i < pending; i++) sim.schedule(exponential(rng, rate), tick);
  return { advance: (events) => runFor(sim, events / (pending * rate)) };
}

/**
 * Callbacks as a model of N actors writes them: each pending event is an actor's own closure over
 * state of its own (here two numbers), not one function shared by all. The row that processes, which
 * carry a generator each, are compared with like for like: at large N both pay for their actors'
 * memory, which `callbacks` above does not have.
 */
export function actorCallbacks(pending: number): HoldModel {
  const rng = seedrandom.alea('hold');
  const sim = new Simulation();
  const actor = (): (() => void) => {
    const state = { fired: 0, lastTime: 0 };
    const tick = (): void => {
      state.fired++;
      state.lastTime = sim.now;
      sim.schedule(exponential(rng, rate), tick);
    };
    return tick;
  };
  for (let i = 0; i < pending; i++) sim.schedule(exponential(rng, rate), actor());
  return { advance: (events) => runFor(sim, events / (pending * rate)) };
}

/** Generator processes, each looping on `yield sim.timeout(d)` (SimPy's idiom) or on `yield d` (the allocation-free hold). */
export function processes(pending: number, form: 'timeout' | 'hold'): HoldModel {
  const rng = seedrandom.alea('hold');
  const sim = new Simulation();
  function* viaTimeout() {
    for (;;) yield sim.timeout(exponential(rng, rate));
  }
  function* viaHold() {
    for (;;) yield exponential(rng, rate);
  }
  for (let i = 0; i < pending; i++) sim.process(form === 'timeout' ? viaTimeout : viaHold);
  sim.run({ until: sim.now }); // start every process; each now waits on its first delay
  return { advance: (events) => runFor(sim, events / (pending * rate)) };
}

// Runs for a span of simulated time holding `events` events on average: run() keeps the kernel's
// own loop (stepping event by event from outside would defeat its in-place replaceTop).
function runFor(sim: Simulation, duration: number): number {
  const before = sim.eventsFired;
  sim.run({ until: sim.now + duration });
  return sim.eventsFired - before;
}
