/**
 * Streaming statistics inside a run. Observations of a quantity (waiting times) go to a Tally;
 * a level that holds between changes (queue length, inventory) goes to a TimeWeighted.
 */

/** A Tally's figures as a plain record; mean and variance are NaN until defined (n >= 1, n >= 2). */
export interface TallySummary {
  count: number;
  mean: number;
  variance: number;
  sd: number;
  min: number;
  max: number;
}

/** Count, mean, sample variance (Welford's update, stable for long runs), min and max of observations. */
export class Tally {
  count = 0;
  mean = NaN;
  min = Infinity;
  max = -Infinity;
  private m2 = 0;

  /** Adds one observation. */
  record(x: number): void {
    // A NaN would make the mean, variance and summary NaN (null in JSON) while min and max skipped it: refused where it comes in.
    if (typeof x !== 'number' || Number.isNaN(x)) throw new RangeError(`Tally.record takes a number, got ${String(x)}`);
    const n = ++this.count;
    if (n === 1) {
      this.mean = x;
      this.m2 = 0;
    } else {
      const delta = x - this.mean;
      this.mean += delta / n;
      this.m2 += delta * (x - this.mean);
    }
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  /** The sample variance (n - 1 denominator). */
  get variance(): number {
    return this.count > 1 ? this.m2 / (this.count - 1) : NaN;
  }

  /** The sample standard deviation. */
  get sd(): number {
    return Math.sqrt(this.variance);
  }

  /** Folds another tally in (Chan's parallel formula), as if its observations had been recorded here. */
  merge(other: Tally): void {
    if (other.count === 0) return;
    if (this.count === 0) {
      this.count = other.count;
      this.mean = other.mean;
      this.m2 = other.m2;
      this.min = other.min;
      this.max = other.max;
      return;
    }
    const n = this.count + other.count;
    const delta = other.mean - this.mean;
    this.m2 += other.m2 + (delta * delta * this.count * other.count) / n;
    this.mean += (delta * other.count) / n;
    this.count = n;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** The figures as a plain record. */
  summary(): TallySummary {
    return { count: this.count, mean: this.mean, variance: this.variance, sd: this.sd, min: this.min, max: this.max };
  }
}

/** Anything with a current time, such as a Simulation. */
export interface Clock {
  readonly now: number;
}

/** A TimeWeighted's figures as a plain record. */
export interface TimeWeightedSummary {
  /** The time span observed: the current period's. */
  duration: number;
  /** The level integrated over time. */
  integral: number;
  /** The integral divided by the duration (the current level when the duration is 0). */
  timeAverage: number;
  level: number;
  min: number;
  max: number;
}

/**
 * A level integrated over time: time-average, min and max over a period, which runs from the
 * moment it was created, or from the last `takePeriodAverage` (a model that reports a level month by
 * month takes each month's average and starts the next month at once).
 */
export class TimeWeighted {
  level: number;
  min: number;
  max: number;
  private start: number;
  private lastChange: number;
  private area = 0;

  constructor(
    private readonly clock: Clock,
    initial = 0,
  ) {
    this.level = initial;
    this.min = initial;
    this.max = initial;
    this.start = clock.now;
    this.lastChange = clock.now;
  }

  /** Sets the level from now on. */
  set(level: number): void {
    const now = this.clock.now;
    this.area += this.level * (now - this.lastChange);
    this.lastChange = now;
    this.level = level;
    if (level < this.min) this.min = level;
    if (level > this.max) this.max = level;
  }

  /** Changes the level by `delta` from now on. */
  add(delta: number): void {
    this.set(this.level + delta);
  }

  /** The level integrated from the period's start to now. */
  get integral(): number {
    return this.area + this.level * (this.clock.now - this.lastChange);
  }

  /** The time-average level from the period's start to now. */
  get timeAverage(): number {
    const duration = this.clock.now - this.start;
    return duration > 0 ? this.integral / duration : this.level;
  }

  /**
   * The time-average level of the period that ends now, and starts the next one at the current level
   * (its integral 0, its min and max the level). The average is the integral (accumulated change by
   * change, as `set` adds it) over the period's duration, or the level for a period of no time.
   */
  takePeriodAverage(): number {
    const average = this.timeAverage;
    const now = this.clock.now;
    this.area = 0;
    this.start = now;
    this.lastChange = now;
    this.min = this.level;
    this.max = this.level;
    return average;
  }

  /** The figures as a plain record, as of now. */
  summary(): TimeWeightedSummary {
    return {
      duration: this.clock.now - this.start,
      integral: this.integral,
      timeAverage: this.timeAverage,
      level: this.level,
      min: this.min,
      max: this.max,
    };
  }
}
