import { describe, expect, it } from 'vitest';
import { duration, progressBar, ProgressStatus, RecentRate } from '../../src/cli/progress.js';
import type { BatchProgress } from '../../src/experiment/batch.js';

/** The progress bar of a batch: drawn at once, a rate over the last seconds, what was restored from a checkpoint. */

/** A clock the test moves, in milliseconds. */
function testClock(): { now: () => number; advance: (seconds: number) => void } {
  let ms = 1_000_000;
  return { now: () => ms, advance: (seconds) => (ms += seconds * 1000) };
}

const at = (runs: number, computed: number, restored = 0, variants = 1): BatchProgress => ({ runs, computed, restored, total: 1000, variants });

describe('the rate of the last seconds', () => {
  it('is measured over the window, not since the start', () => {
    const rate = new RecentRate(10_000);
    expect(rate.perSecond()).toBeUndefined();
    // 100 runs/s for a minute, then 10 runs/s.
    let count = 0;
    for (let second = 0; second <= 60; second++) rate.add(second * 1000, (count = second * 100));
    expect(rate.perSecond()).toBeCloseTo(100);
    for (let second = 61; second <= 75; second++) rate.add(second * 1000, (count += 10));
    expect(rate.perSecond()).toBeCloseTo(10);
  });

  it('starts when the count first moves, not while it waits for the workers', () => {
    const rate = new RecentRate(10_000);
    for (let second = 0; second <= 8; second++) rate.add(second * 1000, 0);
    expect(rate.perSecond()).toBeUndefined();
    rate.add(9000, 5);
    expect(rate.perSecond()).toBeCloseTo(5);
    // Once moving, a pause is a rate of 0, not a rate unknown.
    for (let second = 10; second <= 30; second++) rate.add(second * 1000, 5);
    expect(rate.perSecond()).toBe(0);
  });

  it('is undefined until two samples are apart in time', () => {
    const rate = new RecentRate(10_000);
    rate.add(5, 10);
    rate.add(5, 20);
    expect(rate.perSecond()).toBeUndefined();
    rate.add(1005, 30);
    expect(rate.perSecond()).toBeCloseTo(20);
  });
});

describe('what the bar says', () => {
  it('counts the seconds from the start, before any run, while the workers start', () => {
    const clock = testClock();
    const status = new ProgressStatus(1000, clock.now);
    expect(status.text()).toBe('0/1000 runs | starting the workers | 0:00');
    clock.advance(4);
    expect(status.text()).toBe('0/1000 runs | starting the workers | 0:04');
    status.update(at(0, 0));
    expect(status.text()).toBe('0/1000 runs | starting the runs | 0:04');
  });

  it('gives the rate of the last seconds and the time left at it, counting runs finished before their block is written', () => {
    const clock = testClock();
    const status = new ProgressStatus(1000, clock.now);
    clock.advance(30);
    status.update(at(0, 0));
    clock.advance(1);
    status.update(at(0, 20));
    // Not the 20 runs over 31 s since the start: 20 runs in the last second.
    expect(status.text()).toBe('20/1000 runs | 20 runs/s | ETA 49 s | 0:31');
    for (let second = 1; second <= 20; second++) {
      clock.advance(1);
      status.update(at(100, 20 + 10 * second));
    }
    expect(status.value).toBe(220);
    expect(status.text()).toBe('220/1000 runs | 10 runs/s | ETA 1 min 18 s | 0:51');
  });

  it('measures the rate in runs of every variant', () => {
    const clock = testClock();
    const status = new ProgressStatus(1000, clock.now);
    status.update(at(0, 0, 0, 3));
    clock.advance(2);
    status.update(at(0, 100, 0, 3));
    expect(status.text()).toBe('100/1000 runs | 150 runs/s | ETA 18 s | 0:02');
  });

  it('says how many runs were restored from a checkpoint, and leaves them out of the rate', () => {
    const clock = testClock();
    const status = new ProgressStatus(1000, clock.now);
    status.update(at(200, 0, 200));
    expect(status.text()).toBe('200/1000 runs | restoring from the checkpoint | restored 200 runs from the checkpoint | 0:00');
    status.update(at(400, 0, 400));
    clock.advance(5);
    status.update(at(400, 50, 400));
    expect(status.text()).toBe('450/1000 runs | 10 runs/s | ETA 55 s | restored 400 runs from the checkpoint | 0:05');
  });

  it('writes durations to come as a person reads them', () => {
    expect([duration(0.4), duration(59.6), duration(61), duration(3599), duration(3600 * 2 + 5 * 60 + 20)]).toEqual(['0 s', '1 min 00 s', '1 min 01 s', '59 min 59 s', '2 h 05 min']);
  });
});

describe('the bar', () => {
  /** A terminal that keeps what is written to it. */
  function terminal(): NodeJS.WritableStream & { text: () => string } {
    const chunks: string[] = [];
    const stream = {
      isTTY: true,
      columns: 160,
      write(chunk: string | Uint8Array, ...rest: unknown[]) {
        chunks.push(String(chunk));
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      },
      // Escape sequences stripped: what a person sees, line after line.
      text: () => chunks.join('').replace(/\x1B\[[0-9;?]*[A-Za-z]|\x1B[78]/g, '\n'),
    };
    return stream as unknown as NodeJS.WritableStream & { text: () => string };
  }

  it('is drawn as soon as it is made, then with each update, and cleared when stopped', () => {
    const clock = testClock();
    const stream = terminal();
    const progress = progressBar(true, 1000, { stream, now: clock.now });
    expect(stream.text()).toContain('0/1000 runs | starting the workers | 0:00');
    clock.advance(3);
    progress.update(at(500, 0, 500));
    clock.advance(1);
    progress.update(at(500, 10, 500));
    progress.stop();
    expect(stream.text()).toContain('510/1000 runs | 10 runs/s | ETA 49 s | restored 500 runs from the checkpoint | 0:04');
    // Half done: half the bar filled.
    expect(stream.text()).toMatch(/█{20}░{20} 510\/1000/);
    progress.stop();
  });

  it('writes nothing when not shown', () => {
    const stream = terminal();
    const progress = progressBar(false, 1000, { stream });
    progress.update(at(10, 10));
    progress.stop();
    expect(stream.text()).toBe('');
  });
});
