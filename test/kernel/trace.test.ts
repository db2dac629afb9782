import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Interrupt } from '../../src/kernel/events.js';
import { Container, Resource, Store } from '../../src/kernel/resources.js';
import { Simulation } from '../../src/kernel/simulation.js';
import type { TraceRecord } from '../../src/kernel/simulation.js';

/**
 * The trace hook sees every fired event. A small deterministic model is traced and compared, line by
 * line, with a golden file checked into the repository. Regenerate it deliberately with
 * `UPDATE_GOLDEN=1 npx vitest run test/kernel/trace.test.ts` and review the diff by eye.
 */

const GOLDEN = fileURLToPath(new URL('./golden/small-model.trace.txt', import.meta.url));

function format(record: TraceRecord): string {
  return `${record.time} ${record.kind} ${record.label === '' ? '-' : record.label}`;
}

/** Three customers share one counter; a fuel container, an order store, an interrupt and a cancelled callback. */
function smallModel(): { sim: Simulation; records: TraceRecord[]; log: string[] } {
  const records: TraceRecord[] = [];
  const log: string[] = [];
  const sim = new Simulation({ trace: (r) => records.push({ ...r }) });
  const counter = new Resource(sim, 1);
  const fuel = new Container(sim, { capacity: 10, init: 2 });
  const orders = new Store<string>(sim, 1);

  // Customers arrive at 0, 1, 2 and need 3, 2, 4 units of service at the single counter.
  const customers: [string, number, number][] = [
    ['alice', 0, 3],
    ['bob', 1, 2],
    ['carol', 2, 4],
  ];
  for (const [name, arrival, service] of customers) {
    sim.process(
      function* () {
        if (arrival > 0) yield arrival;
        const req = counter.request({ label: `counter-${name}` });
        yield req;
        log.push(`${sim.now} ${name} served`);
        yield sim.timeout(service, undefined, { label: `service-${name}` });
        counter.release(req);
        log.push(`${sim.now} ${name} leaves`);
      },
      { label: name },
    );
  }

  // A truck needs 6 units of fuel; a supplier delivers 5 at time 4.
  sim.process(function* truck() {
    yield fuel.get(6, { label: 'fuel-truck' });
    log.push(`${sim.now} truck fuelled, level ${fuel.level}`);
  });
  sim.process(function* supplier() {
    yield sim.timeout(4, undefined, { label: 'delivery-delay' });
    yield fuel.put(5, { label: 'fuel-delivery' });
  });

  // A producer places two orders into a store of capacity 1, so the second put waits until the consumer takes the first.
  sim.process(function* producer() {
    yield 3;
    yield orders.put('order-1', { label: 'order-1' });
    yield orders.put('order-urgent', { label: 'order-urgent' });
  });
  sim.process(function* consumer() {
    yield 5;
    const first: string = yield orders.get((o) => o.startsWith('order'), { label: 'take-order' });
    const second: string = yield orders.get(undefined, { label: 'take-order' });
    log.push(`${sim.now} consumer took ${first}, ${second}`);
  });

  // A patient waits 20 units for a doctor but is interrupted at 6; it then waits for any of two signals.
  const patient = sim.process(function* patient() {
    try {
      yield sim.timeout(20, undefined, { label: 'doctor' });
    } catch (error) {
      log.push(`${sim.now} patient interrupted: ${(error as Interrupt).cause}`);
    }
    yield sim.anyOf([sim.timeout(1, 'a', { label: 'signal-a' }), sim.timeout(2, 'b', { label: 'signal-b' })], {
      label: 'either-signal',
    });
    yield sim.allOf([sim.timeout(1, 'c', { label: 'signal-c' }), sim.timeout(2, 'd', { label: 'signal-d' })], {
      label: 'both-signals',
    });
  });
  sim.schedule(6, () => patient.interrupt('emergency'), { label: 'interrupter' });

  // An alarm scheduled for 8 is cancelled at 1: it must not appear.
  const alarm = sim.schedule(8, () => log.push('alarm rang'), { label: 'alarm' });
  sim.schedule(1, () => log.push(`${sim.now} alarm cancelled: ${sim.cancel(alarm)}`), { label: 'cancel-alarm' });

  sim.run({ until: 30 });
  return { sim, records, log };
}

describe('trace', () => {
  it('reports every fired event with time, kind and label, and nothing for cancelled ones', () => {
    const { sim, records, log } = smallModel();
    // The stop marker of run({ until }) is traced but is not a model event.
    expect(records.filter((r) => r.kind === 'stop')).toHaveLength(1);
    expect(records.length - 1).toBe(sim.eventsFired);
    expect(records.some((r) => r.label === 'alarm')).toBe(false);
    expect(log).not.toContain('alarm rang');
    const kinds = new Set(records.map((r) => r.kind));
    for (const kind of ['callback', 'timeout', 'process', 'initialize', 'hold', 'interrupt', 'stop', 'request', 'put', 'get', 'allOf', 'anyOf']) {
      expect(kinds, kind).toContain(kind);
    }
    // Times never go backwards.
    for (let i = 1; i < records.length; i++) expect(records[i]!.time).toBeGreaterThanOrEqual(records[i - 1]!.time);
    expect(records.at(-1)).toEqual({ time: 30, kind: 'stop', label: 'until' });
  });

  it('labels callbacks by their label option, or their function name', () => {
    const records: TraceRecord[] = [];
    const sim = new Simulation({ trace: (r) => records.push({ ...r }) });
    function namedCallback(): void {}
    sim.schedule(1, namedCallback);
    sim.schedule(2, () => {}, { label: 'explicit' });
    sim.run();
    expect(records).toEqual([
      { time: 1, kind: 'callback', label: 'namedCallback' },
      { time: 2, kind: 'callback', label: 'explicit' },
    ]);
  });

  it('labels process internals with the process label', () => {
    const records: TraceRecord[] = [];
    const sim = new Simulation({ trace: (r) => records.push({ ...r }) });
    const p = sim.process(function* worker() {
      try {
        yield 5;
      } catch {
        // interrupted
      }
    });
    sim.schedule(1, () => p.interrupt(), { label: 'boss' });
    sim.run();
    expect(records.map(format)).toEqual(['0 initialize worker', '1 callback boss', '1 interrupt worker', '1 process worker']);
  });

  it('is deterministic: the same model gives the same trace', () => {
    expect(smallModel().records.map(format)).toEqual(smallModel().records.map(format));
  });

  it('the model behaves as SimPy would', () => {
    const { log } = smallModel();
    expect(log).toEqual([
      '0 alice served',
      '1 alarm cancelled: true',
      '3 alice leaves',
      '3 bob served',
      '4 truck fuelled, level 1',
      '5 bob leaves',
      '5 carol served',
      '5 consumer took order-1, order-urgent',
      '6 patient interrupted: emergency',
      '9 carol leaves',
    ]);
  });

  it('matches the golden trace test/kernel/golden/small-model.trace.txt exactly', () => {
    const actual = smallModel().records.map(format).join('\n') + '\n';
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, actual);
    }
    // A missing golden file is a failure, never silently created.
    expect(existsSync(GOLDEN), `${GOLDEN} is missing; generate it with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});
