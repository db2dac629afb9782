import { NORMAL, URGENT, checkPriority } from './priority.js';
import type { Occurrence, Simulation } from './simulation.js';

/** Events, generator processes, conditions and interrupts, in SimPy's semantics. */

const PENDING = 0;
const TRIGGERED = 1;
const PROCESSED = 2;


/** Called when an event is processed. */
export type EventCallback<T> = (event: SimEvent<T>) => void;

/** A process body: yields events to wait for (a timeout, another process, a condition, a request...) or a delay to hold. */
export type ProcessGenerator<T = unknown> = Generator<SimEvent<any> | number, T, any>;

/** Options shared by event constructors. */
export interface EventOptions {
  /** Shown in traces. */
  label?: string;
}

/**
 * Something that will happen: pending until triggered by `succeed` or `fail`, then processed
 * at its scheduled time, when its callbacks run and waiting processes resume.
 */
export class SimEvent<T = unknown> implements Occurrence {
  /** What the trace calls this kind of event. */
  get kind(): string {
    return 'event';
  }
  /** Shown in traces. */
  label: string;
  /** The value on success, the error on failure; undefined while pending. */
  value: T | any = undefined;
  /** False when the event failed. */
  ok = true;
  /** Set when somebody handled this event's failure, so `run` does not stop with it. */
  defused = false;
  private state = PENDING;
  // Most events have exactly one waiting process and no callbacks: it is kept aside and resumed
  // directly, and an array is made only when somebody adds a callback.
  private waiter: Process<any> | undefined = undefined;
  private callbacks: EventCallback<T>[] | undefined = undefined;

  constructor(
    readonly sim: Simulation,
    options?: EventOptions,
  ) {
    this.label = options?.label ?? '';
  }

  /** True once succeed or fail has been called. */
  get triggered(): boolean {
    return this.state !== PENDING;
  }

  /** True once the callbacks have run. */
  get processed(): boolean {
    return this.state === PROCESSED;
  }

  /** Triggers the event with a value; callbacks run at the current time, after events already due. */
  succeed(value?: T, priority?: number): this {
    this.trigger(true, value, priority === undefined ? NORMAL : checkPriority(priority), 0);
    return this;
  }

  /** Triggers the event with an error; if nobody handles it, `run` stops with that error. */
  fail(error: unknown, priority?: number): this {
    this.trigger(false, error, priority === undefined ? NORMAL : checkPriority(priority), 0);
    return this;
  }

  /** Runs `callback` when the event is processed (immediately if it already was); callbacks run in the order added. */
  addCallback(callback: EventCallback<T>): void {
    if (this.state === PROCESSED) callback(this);
    else (this.callbacks ??= []).push(callback);
  }

  /** Removes a callback added earlier; returns whether it was there. */
  removeCallback(callback: EventCallback<T>): boolean {
    const index = this.callbacks?.indexOf(callback) ?? -1;
    if (index < 0) return false;
    this.callbacks!.splice(index, 1);
    return true;
  }

  /** Makes `process` resume when this event is processed. */
  addWaiter(process: Process<any>): void {
    if (this.waiter === undefined && this.callbacks === undefined) this.waiter = process;
    else this.addCallback(process.resumeCallback);
  }

  /** Stops `process` from resuming on this event (it was interrupted). */
  removeWaiter(process: Process<any>): void {
    if (this.waiter === process) this.waiter = undefined;
    else this.removeCallback(process.resumeCallback);
  }

  /** Triggers after `delay`; used by timeouts. Not for model code: call succeed or fail. */
  protected trigger(ok: boolean, value: unknown, priority: number, delay: number): void {
    if (this.state !== PENDING) throw new Error(`${describe(this)} has already been triggered`);
    this.state = TRIGGERED;
    this.ok = ok;
    this.value = value;
    this.sim.enqueue(this.sim.now + delay, priority, this);
  }

  /** Processes the event; called by the agenda when its time comes. */
  fire(): void {
    this.process();
  }

  /** What the trace calls this event's processing: its kind. */
  get traceKind(): string {
    return this.kind;
  }

  /** Runs the callbacks; called by the agenda when the event's time comes. */
  process(): void {
    this.state = PROCESSED;
    const waiter = this.waiter;
    const callbacks = this.callbacks;
    this.waiter = undefined;
    this.callbacks = undefined;
    if (waiter !== undefined) waiter.resumeWith(this);
    if (callbacks !== undefined) for (const callback of callbacks) callback(this);
    if (!this.ok && !this.defused) throw this.value;
  }
}

/** An event that succeeds after a delay. */
export class Timeout<T = undefined> extends SimEvent<T> {
  override get kind(): string {
    return 'timeout';
  }
  constructor(sim: Simulation, delay: number, value?: T, options?: EventOptions) {
    super(sim, options);
    // typeof first: a string such as '3' compares as a number but adds as text (now + '3').
    if (typeof delay !== 'number' || !(delay >= 0) || delay === Infinity) throw new RangeError(`timeout delay must be a finite number >= 0, got ${shown(delay)}`);
    this.trigger(true, value, NORMAL, delay);
  }
}

/** Thrown inside a process at its current `yield` by `process.interrupt(cause)`. */
export class Interrupt extends Error {
  constructor(override readonly cause: unknown) {
    super(`interrupted: ${String(cause)}`);
    this.name = 'Interrupt';
  }
}

/**
 * A generator run as a process; it is itself an event that succeeds with the generator's return value.
 * It may yield any event, or a number: `yield d` holds for d time units like `yield sim.timeout(d)`,
 * without allocating an event (the fast form for hot loops).
 */
export class Process<T = unknown> extends SimEvent<T> {
  override get kind(): string {
    return 'process';
  }
  /** The event the process is waiting for, if any. */
  target: SimEvent<any> | undefined = undefined;
  // The agenda slot of a pending `yield d`, or -1.
  private holdSlot = -1;
  private resumer: EventCallback<any> | undefined = undefined;

  constructor(
    sim: Simulation,
    private readonly generator: ProcessGenerator<T>,
    options?: EventOptions,
  ) {
    super(sim, options);
    // A body that is no generator (an async function, a plain one) would fail only when first resumed, far from here.
    if (typeof (generator as Partial<ProcessGenerator<T>> | undefined)?.next !== 'function' || typeof generator.throw !== 'function') {
      throw new TypeError(`${describe(this)} needs a generator (the result of a function*), got ${shown(generator)}`);
    }
    sim.enqueue(sim.now, URGENT, this);
  }

  /** Resumes this process; what it waits with when the event already has callbacks. */
  get resumeCallback(): EventCallback<any> {
    // Made on first use: most processes never need it, and a closure each would spread the
    // processes of a large model over more memory.
    return (this.resumer ??= (event) => this.resumeWith(event));
  }

  /** True while the generator has not finished. */
  get isAlive(): boolean {
    return !this.triggered;
  }

  /** Throws an `Interrupt(cause)` into the process at its current yield, before other events at this time. */
  interrupt(cause?: unknown): void {
    if (!this.isAlive) throw new Error(`${describe(this)} has terminated and cannot be interrupted`);
    if (this.sim.activeProcess === this) throw new Error(`${describe(this)} cannot interrupt itself`);
    this.sim.enqueue(this.sim.now, URGENT, new InterruptDelivery(this, cause));
  }

  /** Resumes with the outcome of a processed event; a failure is thrown into the generator, which handles it. */
  resumeWith(event: SimEvent<any>): void {
    if (!event.ok) event.defused = true;
    this.resume(event.ok, event.value);
  }

  /** Advances the generator with a value (or throws an error into it) until it waits or ends. */
  resume(ok: boolean, value: unknown): void {
    this.target = undefined;
    this.sim.activeProcess = this;
    try {
      this.advance(ok, value);
    } finally {
      this.sim.activeProcess = undefined;
    }
  }

  private advance(ok: boolean, value: unknown): void {
    for (;;) {
      let step: IteratorResult<SimEvent<any> | number, T>;
      try {
        step = ok ? this.generator.next(value) : this.generator.throw(value);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (step.done) {
        this.succeed(step.value);
        return;
      }
      const next = step.value;
      if (typeof next === 'number') {
        if (next >= 0 && next !== Infinity) {
          this.holdSlot = this.sim.place(this.sim.now + next, NORMAL, this);
          return;
        }
        ok = false;
        value = new RangeError(`${describe(this)} yielded ${next}: a hold must be a finite number >= 0`);
      } else if (!(next instanceof SimEvent)) {
        ok = false;
        value = new TypeError(`${describe(this)} yielded ${String(next)}, which is neither an event nor a delay`);
      } else if (next.sim !== this.sim) {
        // Another simulation's clock would never resume it: it would wait forever, silently.
        ok = false;
        value = new TypeError(`${describe(this)} yielded ${describe(next)} of another simulation`);
      } else if (!next.processed) {
        next.addWaiter(this);
        this.target = next;
        return;
      } else {
        if (!next.ok) next.defused = true;
        ok = next.ok;
        value = next.value;
      }
    }
  }

  /** Stops waiting for the current target or hold and resumes with an interrupt. */
  receiveInterrupt(cause: unknown): void {
    if (!this.isAlive) return; // finished between interrupt() and delivery
    this.target?.removeWaiter(this);
    this.cancelHold();
    this.resume(false, new Interrupt(cause));
  }

  /**
   * Called by the agenda: a process is on it to start, to end a `yield d`, and, once it has ended, to
   * be processed as the event it is; its state tells which, as it is never on the agenda for two at once.
   */
  override fire(): void {
    if (this.triggered) {
      super.fire();
      return;
    }
    this.holdSlot = -1;
    this.resume(true, undefined);
  }

  /** What the trace calls this firing: a start, the end of a hold, or the processing of the ended process. */
  override get traceKind(): string {
    return this.triggered ? this.kind : this.holdSlot >= 0 ? 'hold' : 'initialize';
  }

  private cancelHold(): void {
    if (this.holdSlot >= 0) this.sim.cancelSlot(this.holdSlot, this);
    this.holdSlot = -1;
  }
}

/** An interrupt on its way to a process: delivered before other events at its time. */
class InterruptDelivery implements Occurrence {
  readonly traceKind = 'interrupt';
  readonly label: string;
  constructor(
    private readonly process: Process<unknown>,
    private readonly cause: unknown,
  ) {
    this.label = process.label;
  }

  fire(): void {
    this.process.receiveInterrupt(this.cause);
  }
}

/** Waits for several events: succeeds when `evaluate` says so, fails as soon as one member fails. */
export abstract class Condition<V> extends SimEvent<V> {
  protected done = 0;
  private readonly check: EventCallback<any>;

  constructor(
    sim: Simulation,
    protected readonly events: readonly SimEvent<any>[],
    options?: EventOptions,
  ) {
    super(sim, options);
    for (const event of events) {
      if (event.sim !== sim) throw new Error('a condition cannot mix events of different simulations');
    }
    this.check = (event) => this.onMember(event);
    if (events.length === 0) {
      this.succeed();
      return;
    }
    for (const event of events) {
      if (this.triggered) break;
      event.addCallback(this.check);
    }
  }

  /** True when enough members are done. */
  protected abstract satisfied(): boolean;
  /** The condition's value once satisfied. */
  protected abstract result(): V;

  private onMember(event: SimEvent<any>): void {
    if (this.triggered) return;
    if (!event.ok) {
      event.defused = true;
      this.detach();
      this.fail(event.value);
      return;
    }
    this.done++;
    if (this.satisfied()) {
      this.detach();
      this.succeed();
    }
  }

  /** The value is built when the condition is processed, as in SimPy: it sees every member processed by then. */
  override process(): void {
    if (this.ok) this.value = this.result();
    super.process();
  }

  // Members still pending stop reporting to a settled condition, so a late failure is not swallowed.
  private detach(): void {
    for (const event of this.events) if (!event.processed) event.removeCallback(this.check);
  }
}

/** Succeeds when every event has succeeded, with their values in order. */
export class AllOf extends Condition<unknown[]> {
  override get kind(): string {
    return 'allOf';
  }
  protected satisfied(): boolean {
    return this.done === this.events.length;
  }
  protected result(): unknown[] {
    return this.events.map((event) => event.value);
  }
}

/** Succeeds when any event has succeeded, with a map of the events processed so far to their values. */
export class AnyOf extends Condition<Map<SimEvent<any>, unknown>> {
  override get kind(): string {
    return 'anyOf';
  }
  protected satisfied(): boolean {
    return this.done > 0 || this.events.length === 0;
  }
  protected result(): Map<SimEvent<any>, unknown> {
    const values = new Map<SimEvent<any>, unknown>();
    for (const event of this.events) if (event.processed && event.ok) values.set(event, event.value);
    return values;
  }
}

function describe(event: SimEvent<any>): string {
  return event.label ? `${event.kind} '${event.label}'` : `this ${event.kind}`;
}

/** A value in an error message, with its type when that is what is wrong: `'3' (a string)`. */
export function shown(value: unknown): string {
  return typeof value === 'string' ? `'${value}' (a string)` : typeof value === 'number' ? String(value) : `${String(value)} (${value === null ? 'null' : typeof value})`;
}
