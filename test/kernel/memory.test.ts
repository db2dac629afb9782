import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/kernel/simulation.js';

/** The agenda holds a million events, and a long steady-state run does not leak. */

// vitest does not start node with --expose-gc: enable it at runtime and fetch gc from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('memory', () => {
  it('one million pending events fit and all fire, in order', () => {
    const sim = new Simulation();
    const count = 1_000_000;
    let fired = 0;
    let last = -1;
    let outOfOrder = 0;
    const callback = (): void => {
      fired++;
      if (sim.now < last) outOfOrder++;
      last = sim.now;
    };
    for (let i = 0; i < count; i++) sim.schedule((i * 7919) % 1000, callback);
    expect(sim.pending).toBe(count);
    expect(sim.peek()).toBe(0);
    sim.run();
    expect(fired).toBe(count);
    expect(outOfOrder).toBe(0);
    expect(sim.eventsFired).toBe(count);
    expect(sim.pending).toBe(0);
    expect(sim.now).toBe(999);
  });

  it('a process holding with `yield d` costs under 320 bytes: its process, generator and agenda slot, nothing more', () => {
    const sim = new Simulation();
    const count = 100_000;
    const rng = seedrandom.alea('small');
    function* holder(): Generator<number, never> {
      for (;;) yield 1 + rng();
    }
    const before = heapAfterGc();
    for (let i = 0; i < count; i++) sim.process(holder);
    sim.run({ until: 3 }); // every process has started and held at least once
    const perProcess = (heapAfterGc() - before) / count;
    expect(sim.pending).toBe(count);
    // A closure per process for callbacks it never registers, or a hold handle boxed as a heap
    // number, would take this to about 390.
    expect(perProcess).toBeLessThan(320);
  });

  it('a long hold-model run keeps memory flat (1,000 pending events, millions fired)', () => {
    const sim = new Simulation();
    const rng = seedrandom.alea('hold');
    const processes = 1000;
    const timeouts = 50; // a few processes allocate Timeout events instead of holding
    for (let i = 0; i < processes; i++) {
      sim.process(function* () {
        if (i < timeouts) for (;;) yield sim.timeout(rng() * 2);
        else for (;;) yield rng() * 2;
      });
    }
    // Cancelled callbacks are also churned through, so tombstones and slot reuse are exercised.
    let cancelledTotal = 0;
    sim.process(function* canceller() {
      for (;;) {
        const h = sim.schedule(1.5, () => {});
        yield 1;
        if (sim.cancel(h)) cancelledTotal++;
      }
    });

    const third = 1_200_000;
    sim.run({ until: 1 }); // warm up: all processes started and steady
    const runEvents = (n: number): void => {
      const target = sim.eventsFired + n;
      while (sim.eventsFired < target) sim.run({ until: sim.now + 100 });
    };
    runEvents(third);
    const first = heapAfterGc();
    expect(sim.pending).toBeGreaterThanOrEqual(processes);
    expect(sim.pending).toBeLessThanOrEqual(processes + 2);
    runEvents(third);
    runEvents(third);
    const last = heapAfterGc();
    const growth = last - first;
    expect(sim.eventsFired).toBeGreaterThan(3 * third);
    expect(cancelledTotal).toBeGreaterThan(1000);
    expect(sim.pending).toBeLessThanOrEqual(processes + 2);
    expect(growth, `heap grew by ${(growth / 2 ** 20).toFixed(2)} MB`).toBeLessThan(5 * 2 ** 20);
  });
});
