import FastPriorityQueue from 'fastpriorityqueue';
import { AllOf, AnyOf, Process, shown, SimEvent, Timeout } from './events.js';
import type { EventOptions, ProcessGenerator } from './events.js';
import { NORMAL, URGENT, checkPriority } from './priority.js';

/** The clock and agenda of a discrete-event simulation: schedule, cancel, step and run. */

/** Identifies a scheduled callback so it can be cancelled; an opaque number. */
export type Handle = number;

/** Options of `schedule` and `at`. */
export interface ScheduleOptions {
  /** Lower runs first among events at the same time; an integer in [-2047, 2047], default 0. */
  priority?: number;
  /** Shown in traces; defaults to the callback's name. */
  label?: string;
}

/** One fired event, as the trace hook receives it. */
export interface TraceRecord {
  time: number;
  kind: string;
  label: string;
}

/** Receives every event as it fires. */
export type Tracer = (record: TraceRecord) => void;

/** Options of `new Simulation()`. */
export interface SimulationOptions {
  /** The clock's initial time; default 0. */
  start?: number;
  /** Called for every event as it fires, for golden traces and debugging. */
  trace?: Tracer;
}

/** Options of `run`: stop at a time (exclusive: events at that time do not run) or when an event is processed. */
export interface RunOptions {
  until?: number | SimEvent<unknown>;
}

/**
 * What the agenda fires besides plain callbacks: an object that knows what its time means (an event
 * to process, a process to resume, an interrupt to deliver). Keeping the object itself in the slot,
 * rather than an action and its argument, leaves the agenda one array fewer to hold and miss in cache.
 */
export interface Occurrence {
  /** Does what this occurrence's time means. */
  fire(): void;
  /** What the trace calls this firing. */
  readonly traceKind: string;
  /** Shown in traces. */
  readonly label: string;
}

/** What an agenda slot holds: a model's callback, or an occurrence that fires itself. */
export type Entry = (() => void) | Occurrence;

// Priority and sequence number share one float64 key, so the comparator reads two arrays, not three.
const PRIORITY_OFFSET = -URGENT;
const SEQ_SPACE = 2 ** 40;
// A handle packs the slot with the low bits of the sequence number, so a stale handle
// (its event fired and the slot was reused) is recognised and ignored.
const SLOT_SPACE = 2 ** 23;
const TAG_SPACE = 2 ** 30;
const INITIAL_SLOTS = 1024;

const cancelled: Entry = () => {};

/** A FastPriorityQueue of slot ids whose comparator reads times and keys from typed arrays. */
class Agenda extends FastPriorityQueue<number> {
  times = new Float64Array(INITIAL_SLOTS);
  keys = new Float64Array(INITIAL_SLOTS);
  constructor() {
    super(earlier);
  }
}

// One comparator for every Agenda, reading `this`: a single function keeps the heap's call site monomorphic.
function earlier(this: Agenda, a: number, b: number): boolean {
  const times = this.times;
  const ta = times[a]!;
  const tb = times[b]!;
  return ta < tb || (ta === tb && this.keys[a]! < this.keys[b]!);
}

/** A discrete-event simulation: a clock and an agenda ordered by (time, priority, sequence number). */
export class Simulation {
  /** The current simulated time. */
  now: number;
  /** The number of events fired so far (cancelled ones excluded). */
  eventsFired = 0;
  /** The process whose generator is running, if any. */
  activeProcess: Process<unknown> | undefined = undefined;
  private readonly agenda = new Agenda();
  private entries: (Entry | undefined)[] = [];
  private labels: (string | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private slotsUsed = 0;
  private seq = 0;
  private tombstones = 0;
  // Stop markers of run({ until: time }) on the agenda: not model events, so not counted in pending.
  private stopMarkers = 0;
  // The slot of the event being fired, still parked on top of the heap (else -1): the callback's
  // first schedule takes over that slot and replaces it in one sift (replaceTop) instead of a pop and a push.
  private parked = -1;
  private running = false;
  private stopRequested = false;
  private readonly tracer: Tracer | undefined;
  // "Stop at time t" is an ordinary urgent event, as in SimPy, not a test in the hot loop.
  private readonly stopMarker: Occurrence = {
    fire: () => {
      this.eventsFired--; // the stop marker is not a model event
      this.requestStop();
    },
    traceKind: 'stop',
    label: 'until',
  };

  constructor(options: SimulationOptions = {}) {
    this.now = options.start ?? 0;
    if (typeof this.now !== 'number' || !Number.isFinite(this.now)) throw new RangeError(`start must be a finite number, got ${shown(this.now)}`);
    this.tracer = options.trace;
  }

  /** Runs `callback` after `delay` time units; returns a handle for `cancel`. */
  schedule(delay: number, callback: () => void, options?: ScheduleOptions): Handle {
    // typeof first: a string such as '3' compares as a number but adds as text (now + '3').
    if (typeof delay !== 'number' || !(delay >= 0 && delay < Infinity)) throw new RangeError(`delay must be a finite number >= 0, got ${shown(delay)}`);
    if (options === undefined) return this.enqueue(this.now + delay, NORMAL, callback, undefined);
    return this.enqueue(this.now + delay, checkPriority(options.priority), callback, options.label);
  }

  /** Runs `callback` at absolute time `time` (>= now); returns a handle for `cancel`. */
  at(time: number, callback: () => void, options?: ScheduleOptions): Handle {
    if (typeof time !== 'number' || !(time >= this.now && time < Infinity)) throw new RangeError(`time must be finite and >= now (${this.now}), got ${shown(time)}`);
    if (options === undefined) return this.enqueue(time, NORMAL, callback, undefined);
    return this.enqueue(time, checkPriority(options.priority), callback, options.label);
  }

  /** A new pending event, to be triggered by `succeed` or `fail`. */
  event<T = unknown>(options?: EventOptions): SimEvent<T> {
    return new SimEvent<T>(this, options);
  }

  /** An event that succeeds with `value` after `delay`. */
  timeout<T = undefined>(delay: number, value?: T, options?: EventOptions): Timeout<T> {
    return new Timeout<T>(this, delay, value, options);
  }

  /** Starts a generator (or generator function) as a process, which is itself an event. */
  process<T>(body: ProcessGenerator<T> | (() => ProcessGenerator<T>), options?: EventOptions): Process<T> {
    if (typeof body === 'function') {
      return new Process<T>(this, body(), { label: options?.label ?? body.name });
    }
    return new Process<T>(this, body, options);
  }

  /** An event that succeeds when all `events` have succeeded (with their values in order), or fails with the first failure. */
  allOf(events: readonly SimEvent<any>[], options?: EventOptions): AllOf {
    return new AllOf(this, events, options);
  }

  /** An event that succeeds when any of `events` has succeeded (with a map of the processed events to their values). */
  anyOf(events: readonly SimEvent<any>[], options?: EventOptions): AnyOf {
    return new AnyOf(this, events, options);
  }

  /** Cancels a scheduled callback; it will never fire. Returns false if it already fired or was cancelled. */
  cancel(handle: Handle): boolean {
    const slot = handle % SLOT_SPACE;
    const tag = (handle - slot) / SLOT_SPACE;
    const entry = this.entries[slot];
    if (entry === undefined || entry === cancelled) return false;
    if (tagOf(this.agenda.keys[slot]! % SEQ_SPACE) !== tag) return false;
    this.bury(slot);
    return true;
  }

  /** Cancels the event in `slot` if it still holds `entry`: how a process drops its hold. */
  cancelSlot(slot: number, entry: Entry): boolean {
    if (this.entries[slot] !== entry) return false;
    this.bury(slot);
    return true;
  }

  /** True when a trace hook is set: models can skip building labels nobody will read. */
  get tracing(): boolean {
    return this.tracer !== undefined;
  }

  /** The number of events waiting on the agenda (cancelled ones excluded). */
  get pending(): number {
    return this.agenda.size - this.tombstones - this.stopMarkers - (this.parked >= 0 ? 1 : 0);
  }

  /** The time of the next event, or Infinity when nothing is scheduled. */
  peek(): number {
    this.settleTop();
    const agenda = this.agenda;
    while (agenda.size > 0) {
      const slot = agenda.peek()!;
      if (this.entries[slot] !== cancelled) return agenda.times[slot]!;
      this.discardTop(slot);
    }
    return Infinity;
  }

  /** Fires the next event; returns false when the agenda is empty. */
  step(): boolean {
    if (this.running) throw new Error('step() called from inside a running simulation');
    this.running = true;
    try {
      return this.fireNext();
    } finally {
      this.settleTop();
      this.running = false;
    }
  }

  /**
   * Runs until the agenda is empty; or until a time, stopping before the events at that time
   * (all but urgent ones already due, such as process starts), with `now` set to it; or until an
   * event is processed, returning its value or throwing its error.
   */
  run(options: RunOptions | number = {}): unknown {
    if (this.running) throw new Error('run() called from inside a running simulation');
    const until = typeof options === 'number' ? options : options.until;
    if (until === undefined) return this.loop();
    if (typeof until === 'number') return this.runUntilTime(until);
    if (!(until instanceof SimEvent)) throw new TypeError(`until must be a time or an event of this simulation, got ${shown(until)}`);
    if (!until.processed) {
      const stop = (): void => this.requestStop();
      until.addCallback(stop);
      try {
        this.loop();
      } finally {
        until.removeCallback(stop);
      }
      if (!until.processed) {
        throw new Error(`run ended at time ${this.now}: no events left and the until event was never processed`);
      }
    }
    if (!until.ok) {
      until.defused = true;
      throw until.value;
    }
    return until.value;
  }

  /** Asks a running loop to return after the current event. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** Puts a callback or an occurrence on the agenda; the building block of events and processes. */
  enqueue(time: number, priority: number, entry: Entry, label?: string): Handle {
    const slot = this.place(time, priority, entry, label);
    return slot + SLOT_SPACE * tagOf(this.seq - 1);
  }

  /**
   * As `enqueue`, returning the slot (a small integer, for `cancelSlot`) instead of a handle: a
   * process keeps its pending hold's slot in a field that stays a small integer, never a boxed double.
   */
  place(time: number, priority: number, entry: Entry, label?: string): number {
    const seq = this.seq++;
    if (seq >= SEQ_SPACE) throw new RangeError('more than 2^40 events scheduled in one simulation');
    const parked = this.parked;
    const slot = parked >= 0 ? parked : this.allocateSlot();
    const agenda = this.agenda;
    agenda.times[slot] = time;
    agenda.keys[slot] = (priority + PRIORITY_OFFSET) * SEQ_SPACE + seq;
    this.entries[slot] = entry;
    if (this.tracer !== undefined) this.labels[slot] = label;
    if (parked >= 0) {
      this.parked = -1;
      agenda.replaceTop(slot);
    } else {
      agenda.add(slot);
    }
    return slot;
  }

  private runUntilTime(until: number): undefined {
    if (!(until >= this.now) || until === Infinity) throw new RangeError(`until must be a finite time >= now (${this.now}), got ${until}`);
    const handle = this.enqueue(until, URGENT, this.stopMarker);
    this.stopMarkers++;
    try {
      this.loop();
    } finally {
      this.cancel(handle);
      this.stopMarkers--;
    }
    return undefined;
  }

  private loop(): undefined {
    this.running = true;
    this.stopRequested = false;
    // One try around the whole loop: an exception leaves at most the firing event parked on top.
    try {
      while (!this.stopRequested && this.fireNext());
    } finally {
      this.settleTop();
      this.running = false;
      this.stopRequested = false;
    }
    return undefined;
  }

  // The hot path: leaves the fired event parked on top of the heap for the callback's first schedule.
  private fireNext(): boolean {
    this.settleTop();
    const agenda = this.agenda;
    while (agenda.size > 0) {
      const slot = agenda.peek()!;
      const entry = this.entries[slot]!;
      if (entry === cancelled) {
        this.discardTop(slot);
        continue;
      }
      // Release the slot before firing: the callback's first schedule reuses it in place.
      this.entries[slot] = undefined;
      this.now = agenda.times[slot]!;
      this.eventsFired++;
      // Parked before the trace: a tracer that throws leaves the event to be settled, not a slot holding nothing.
      this.parked = slot;
      if (this.tracer !== undefined) this.traceFiring(slot, entry);
      if (typeof entry === 'function') entry();
      else entry.fire();
      return true;
    }
    return false;
  }

  private allocateSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.slotsUsed++;
    if (slot >= SLOT_SPACE) throw new RangeError(`more than ${SLOT_SPACE} events pending at once`);
    const agenda = this.agenda;
    if (slot === agenda.times.length) {
      agenda.times = grow(agenda.times);
      agenda.keys = grow(agenda.keys);
    }
    return slot;
  }

  // Removes the fired event still parked on top of the heap, if its callback scheduled nothing.
  private settleTop(): void {
    const parked = this.parked;
    if (parked >= 0) {
      this.parked = -1;
      this.agenda.poll();
      this.freeSlots.push(parked);
    }
  }

  // A tombstone: left in the heap and skipped when popped, so cancelling costs O(1).
  private bury(slot: number): void {
    this.entries[slot] = cancelled;
    this.tombstones++;
  }

  private discardTop(slot: number): void {
    this.agenda.poll();
    this.entries[slot] = undefined;
    this.freeSlots.push(slot);
    this.tombstones--;
  }

  private traceFiring(slot: number, entry: Entry): void {
    const label = this.labels[slot];
    this.labels[slot] = undefined;
    if (typeof entry === 'function') this.tracer!({ time: this.now, kind: 'callback', label: label ?? entry.name });
    else this.tracer!({ time: this.now, kind: entry.traceKind, label: label ?? entry.label });
  }
}

// The low 30 bits of a sequence number (ToUint32 is exact modulo 2^32 and avoids a slow float modulo).
function tagOf(seq: number): number {
  return (seq >>> 0) & (TAG_SPACE - 1);
}

function grow(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
