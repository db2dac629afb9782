/**
 * The values of a curve at the points (t, year) it has been asked at, kept across the runs of a
 * scenario (see `curve` in build.ts). A trick that pays: the plain form, Maps by t then by year, costs
 * a run about 6% more (a Map hashes a boxed double in V8's generic code at every look-up; measured
 * in docs/performance.md, "Performance tricks"). This table hashes the bits of t and year itself
 * and keeps keys and values in typed arrays (open addressing, linear probing).
 */
export class PointTable {
  private ts: Float64Array;
  private years: Float64Array;
  private values: Float64Array;
  private count = 0;

  constructor(
    /** The most points kept: past it, `remember` does nothing. */
    private readonly maxPoints: number,
    capacity = 256,
  ) {
    this.ts = new Float64Array(capacity);
    this.years = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /**
   * The value kept for (t, year), or undefined. t = 0 marks an empty slot, and `===` does not tell
   * 0 from -0 (which a formula could), so no point with t or year 0 is kept; nor is one with a NaN,
   * which `===` never finds.
   */
  get(t: number, year: number): number | undefined {
    const { ts, years } = this;
    const mask = ts.length - 1;
    for (let slot = slotOf(t, year, mask); ts[slot] !== 0; slot = (slot + 1) & mask) {
      if (ts[slot] === t && years[slot] === year) return this.values[slot];
    }
    return undefined;
  }

  /** Keeps `value` for (t, year), which `get` has just not found. */
  remember(t: number, year: number, value: number): void {
    if (t === 0 || year === 0 || Number.isNaN(t) || Number.isNaN(year) || this.count >= this.maxPoints) return;
    // At most half full, so probe sequences stay short.
    if (2 * (this.count + 1) > this.ts.length) this.grow();
    this.put(t, year, value);
    this.count++;
  }

  private put(t: number, year: number, value: number): void {
    const mask = this.ts.length - 1;
    let slot = slotOf(t, year, mask);
    while (this.ts[slot] !== 0) slot = (slot + 1) & mask;
    this.ts[slot] = t;
    this.years[slot] = year;
    this.values[slot] = value;
  }

  private grow(): void {
    const { ts, years, values } = this;
    this.ts = new Float64Array(ts.length * 2);
    this.years = new Float64Array(ts.length * 2);
    this.values = new Float64Array(ts.length * 2);
    for (let slot = 0; slot < ts.length; slot++) if (ts[slot] !== 0) this.put(ts[slot]!, years[slot]!, values[slot]!);
  }
}

// The bits of a double, read through a shared buffer.
const bits = new Float64Array(2);
const words = new Int32Array(bits.buffer);

function slotOf(t: number, year: number, mask: number): number {
  bits[0] = t;
  bits[1] = year;
  // Fibonacci hashing of the four words mixed: nearby times differ in their low bits.
  const mixed = Math.imul(words[0]! ^ Math.imul(words[1]!, 0x85ebca6b) ^ Math.imul(words[2]!, 0xc2b2ae35) ^ words[3]!, 0x9e3779b1);
  return (mixed ^ (mixed >>> 16)) & mask;
}
