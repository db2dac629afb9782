import { describe, expect, it } from 'vitest';
import { Interrupt } from '../../src/kernel/events.js';
import type { Process } from '../../src/kernel/events.js';
import { Resource } from '../../src/kernel/resources.js';
import type { Request } from '../../src/kernel/resources.js';
import { Simulation } from '../../src/kernel/simulation.js';

/** process.interrupt(cause) throws an Interrupt into the process at its current yield, as in SimPy. */

describe('interrupt', () => {
  it('interrupts a process waiting on a timeout; the timeout firing later does not resume it', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const timeout = sim.timeout(10, 'late');
    const victim = sim.process(function* () {
      try {
        yield timeout;
        log.push('timeout resumed me');
      } catch (error) {
        log.push(`caught ${(error as Interrupt).cause} at ${sim.now}`);
      }
      yield sim.timeout(20);
      log.push(`done at ${sim.now}`);
    });
    sim.schedule(3, () => victim.interrupt('wake'));
    sim.run();
    expect(log).toEqual(['caught wake at 3', 'done at 23']);
    expect(timeout.processed).toBe(true);
    expect(victim.ok).toBe(true);
  });

  it('interrupts a hold (yield n); the hold never ends the wait', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const victim = sim.process(function* () {
      try {
        yield 5;
        log.push('hold ended');
      } catch (error) {
        expect(error).toBeInstanceOf(Interrupt);
        log.push(`interrupted at ${sim.now}`);
      }
      yield 7; // a second hold must not be confused with the cancelled one
      log.push(`second hold ended at ${sim.now}`);
    });
    sim.schedule(2, () => victim.interrupt());
    sim.run();
    expect(log).toEqual(['interrupted at 2', 'second hold ended at 9']);
    expect(sim.now).toBe(9);
  });

  it('the cancelled hold leaves nothing on the agenda', () => {
    const sim = new Simulation();
    const victim = sim.process(function* () {
      try {
        yield 100;
      } catch {
        return 'stopped';
      }
      return 'held';
    });
    sim.schedule(1, () => victim.interrupt());
    expect(sim.run({ until: victim })).toBe('stopped');
    expect(sim.peek()).toBe(Infinity);
    sim.run();
    expect(sim.now).toBe(1);
  });

  it('a process interrupted while waiting for a resource can withdraw its request; the next requester gets the unit', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const log: string[] = [];
    sim.process(function* holder() {
      const req = resource.request();
      yield req;
      log.push(`holder got it at ${sim.now}`);
      yield 10;
      resource.release(req);
      log.push(`holder released at ${sim.now}`);
    });
    const impatient = sim.process(function* impatient() {
      const req = resource.request();
      try {
        yield req;
        log.push('impatient got it');
        resource.release(req);
      } catch (error) {
        resource.release(req); // withdraws the waiting request
        log.push(`impatient gave up at ${sim.now}: ${(error as Interrupt).cause}`);
      }
    });
    sim.process(function* patient() {
      yield 1;
      const req = resource.request();
      yield req;
      log.push(`patient got it at ${sim.now}`);
      resource.release(req);
    });
    sim.schedule(4, () => impatient.interrupt('too slow'));
    sim.run();
    expect(log).toEqual([
      'holder got it at 0',
      'impatient gave up at 4: too slow',
      'holder released at 10',
      'patient got it at 10',
    ]);
    expect(resource.queue).toEqual([]);
    expect(resource.count).toBe(0);
  });

  it('a request granted at the very moment of the interrupt can be released by the interrupted process', () => {
    const sim = new Simulation();
    const resource = new Resource(sim, 1);
    const log: string[] = [];
    let victim: Process<void> | undefined;
    sim.process(function* holder() {
      const req = resource.request();
      yield req;
      yield 5;
      resource.release(req); // grants the victim's request: it is triggered, not yet processed
      victim!.interrupt('now'); // delivered urgently, before the grant is processed
    });
    let victimRequest: Request | undefined;
    victim = sim.process(function* victim() {
      victimRequest = resource.request();
      try {
        yield victimRequest;
        log.push('victim served');
      } catch {
        log.push(`victim interrupted, request granted: ${victimRequest.grantedAt !== undefined}`);
        resource.release(victimRequest);
      }
    });
    sim.process(function* next() {
      yield 1;
      const req = resource.request();
      yield req;
      log.push(`next served at ${sim.now}`);
      resource.release(req);
    });
    sim.run();
    expect(log).toEqual(['victim interrupted, request granted: true', 'next served at 5']);
    expect(resource.count).toBe(0);
    expect(resource.queue).toEqual([]);
  });

  it('interrupting a finished process throws', () => {
    const sim = new Simulation();
    const p = sim.process(function* () {
      yield 1;
      return 'ok';
    });
    sim.run();
    expect(p.isAlive).toBe(false);
    expect(() => p.interrupt()).toThrow(/terminated/);
  });

  it('interrupting a failed process throws', () => {
    const sim = new Simulation();
    const p = sim.process(function* () {
      yield 1;
      throw new Error('boom');
    });
    expect(() => sim.run()).toThrow('boom');
    expect(() => p.interrupt()).toThrow(/terminated/);
  });

  it('delivers the cause, which can be any value', () => {
    const sim = new Simulation();
    const causes: unknown[] = [];
    const cause = { reason: 'breakdown', severity: 3 };
    const p = sim.process(function* () {
      for (;;) {
        try {
          yield 100;
          return;
        } catch (error) {
          expect(error).toBeInstanceOf(Interrupt);
          expect(error).toBeInstanceOf(Error);
          expect((error as Interrupt).name).toBe('Interrupt');
          causes.push((error as Interrupt).cause);
        }
      }
    });
    sim.schedule(1, () => p.interrupt(cause));
    sim.schedule(2, () => p.interrupt('text'));
    sim.schedule(3, () => p.interrupt());
    sim.run();
    expect(causes).toHaveLength(3);
    expect(causes[0]).toBe(cause);
    expect(causes[1]).toBe('text');
    expect(causes[2]).toBeUndefined();
    expect(sim.now).toBe(103);
  });

  it('a process keeps running after catching an interrupt, and may be interrupted again', () => {
    const sim = new Simulation();
    const work: number[] = [];
    // A machine that needs 10 units of work; each breakdown loses the current piece of work.
    const machine = sim.process(function* machine() {
      let left = 10;
      while (left > 0) {
        const start = sim.now;
        try {
          yield left;
          left = 0;
        } catch {
          left -= sim.now - start;
          work.push(sim.now);
          yield 2; // repair
        }
      }
      return sim.now;
    });
    sim.schedule(3, () => machine.interrupt('break'));
    sim.schedule(8, () => machine.interrupt('break'));
    expect(sim.run({ until: machine })).toBe(14);
    expect(work).toEqual([3, 8]);
  });

  it('two interrupts at the same time are both delivered, in order', () => {
    const sim = new Simulation();
    const causes: unknown[] = [];
    const p = sim.process(function* () {
      for (let i = 0; i < 3; i++) {
        try {
          yield 10;
        } catch (error) {
          causes.push((error as Interrupt).cause);
        }
      }
    });
    sim.schedule(1, () => {
      p.interrupt('first');
      p.interrupt('second');
    });
    sim.run();
    expect(causes).toEqual(['first', 'second']);
    expect(sim.now).toBe(11);
  });

  it('an uncaught interrupt fails the process, and a waiting process receives the Interrupt', () => {
    const sim = new Simulation();
    const victim = sim.process(function* () {
      yield 10;
    });
    let seen: unknown;
    sim.process(function* () {
      try {
        yield victim;
      } catch (error) {
        seen = error;
      }
    });
    sim.schedule(1, () => victim.interrupt('stop'));
    sim.run();
    expect(victim.triggered).toBe(true);
    expect(victim.ok).toBe(false);
    expect(seen).toBeInstanceOf(Interrupt);
    expect((seen as Interrupt).cause).toBe('stop');
  });

  it('an uncaught interrupt makes run throw it when nobody waits on the process', () => {
    const sim = new Simulation();
    const victim = sim.process(function* () {
      yield 10;
    });
    sim.schedule(1, () => victim.interrupt('unhandled'));
    let thrown: unknown;
    try {
      sim.run();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Interrupt);
    expect((thrown as Interrupt).cause).toBe('unhandled');
    expect(sim.now).toBe(1);
  });

  it('interrupts are delivered before other events at the same time', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const victim = sim.process(function* () {
      try {
        yield 5; // would end at 5, after the interrupt
      } catch {
        log.push('interrupted');
      }
    });
    sim.schedule(3, () => {
      log.push('interrupter');
      sim.schedule(0, () => log.push('ordinary same-time, scheduled before the interrupt'));
      sim.schedule(0, () => log.push('urgent-ish same-time'), { priority: -2047 });
      victim.interrupt();
    });
    sim.schedule(3, () => log.push('ordinary same-time, already queued'));
    sim.run();
    expect(log).toEqual([
      'interrupter',
      'interrupted',
      'urgent-ish same-time',
      'ordinary same-time, already queued',
      'ordinary same-time, scheduled before the interrupt',
    ]);
  });

  it('an interrupt wins over the event the process is waiting for when both fall at the same time', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const victim = sim.process(function* () {
      try {
        yield sim.timeout(4);
        log.push('timeout');
      } catch {
        log.push('interrupt');
      }
    });
    // The interrupt is requested at 4, after the timeout is already triggered for 4.
    sim.schedule(4, () => victim.interrupt(), { priority: -1 });
    sim.run();
    expect(log).toEqual(['interrupt']);
  });

  it('a process interrupted before it started runs up to its first yield, then gets the interrupt', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const p: Process<void> = sim.process(function* () {
      log.push('started');
      try {
        yield 10;
      } catch {
        log.push(`interrupted at ${sim.now}`);
      }
    });
    p.interrupt('early');
    sim.run();
    expect(log).toEqual(['started', 'interrupted at 0']);
  });

  it('a second interrupt at the same time is dropped when the first one ends the process', () => {
    const sim = new Simulation();
    const victim = sim.process(function* victim() {
      yield 10;
    });
    let seen: unknown;
    sim.process(function* watcher() {
      try {
        yield victim;
      } catch (error) {
        seen = error;
      }
    });
    sim.schedule(1, () => {
      victim.interrupt('first');
      victim.interrupt('second');
    });
    sim.run();
    expect((seen as Interrupt).cause).toBe('first');
    expect(sim.now).toBe(1);
  });

  it('an interrupt requested for a process that finishes before delivery is dropped', () => {
    // Both processes wait on the same event; the first one resumed interrupts the second,
    // which is resumed by the same event right after and finishes before the interrupt arrives.
    const sim = new Simulation();
    const signal = sim.event<string>();
    let second: Process<string> | undefined;
    sim.process(function* first() {
      yield signal;
      second!.interrupt('too late');
    });
    second = sim.process(function* second() {
      const value: string = yield signal;
      return `finished with ${value}`;
    });
    sim.schedule(2, () => signal.succeed('go'));
    sim.run();
    expect(second.ok).toBe(true);
    expect(second.value).toBe('finished with go');
  });
});

describe('self-interruption', () => {
  it('is refused, as in SimPy: a process cannot interrupt itself', () => {
    const sim = new Simulation();
    let error: unknown;
    const proc: Process<void> = sim.process(function* selfish() {
      try {
        proc.interrupt('me');
      } catch (e) {
        error = e;
      }
      yield sim.timeout(1);
    });
    sim.run();
    expect(String(error)).toMatch(/cannot interrupt itself/);
    expect(sim.activeProcess).toBeUndefined();
  });
});
