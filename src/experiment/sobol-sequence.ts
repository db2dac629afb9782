// The Sobol low-discrepancy sequence, unscrambled, as 32-bit integers (a coordinate is the integer
// over 2^32). Each dimension has 32 direction numbers v_1..v_32 built from a primitive polynomial
// and initial numbers m_1..m_s (Joe and Kuo's table, sobol-directions.ts); point n of a dimension
// is the XOR of the v_c whose bit c is set in n's Gray code n ^ (n >> 1). This is the Antonov–Saleev
// order of Bratley and Fox's Algorithm 659 and of SciPy's `qmc.Sobol(scramble=False)`: point 0 is 0,
// and each run of 2^m points from a multiple of 2^m is a (t, m, s)-net. The XOR per point costs at
// most 32 steps, so any point is computed directly: a batch's processes need no shared state.
import { JOE_KUO_ROWS } from './sobol-directions.js';

/** Bits of each coordinate, and the number of direction numbers per dimension. */
const BITS = 32;

/** Each dimension's initial numbers, parsed from the table on first use: [s, a, m_1..m_s]. */
let table: number[][] | undefined;

/** Direction numbers built so far, by 0-based dimension. */
const built: Uint32Array[] = [];

/** Dimensions the shipped table gives: dimension 1 (all m_i = 1) and Joe and Kuo's rows 2 to 512. */
export const MAX_SOBOL_DIMENSIONS = 1 + JOE_KUO_ROWS.split('\n').length;

/** The 32 direction numbers of `dimension` (0-based), left-aligned: v_c = m_c * 2^(32-c); throws RangeError past the table. */
export function sobolDirections(dimension: number): Uint32Array {
  if (!Number.isInteger(dimension) || dimension < 0 || dimension >= MAX_SOBOL_DIMENSIONS) {
    throw new RangeError(`Sobol sequence: dimension must be an integer in [0, ${MAX_SOBOL_DIMENSIONS - 1}] (the direction numbers shipped stop at ${MAX_SOBOL_DIMENSIONS} dimensions), got ${dimension}`);
  }
  const cached = built[dimension];
  if (cached) return cached;
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    // The van der Corput sequence in base 2: the polynomial x + 1 with every m_i = 1.
    for (let c = 0; c < BITS; c++) v[c] = 2 ** (BITS - 1 - c);
  } else {
    const [s, a, ...m] = rows()[dimension - 1]!;
    for (let c = 0; c < Math.min(s!, BITS); c++) v[c] = m[c]! * 2 ** (BITS - 1 - c);
    // v_c = a_1 v_(c-1) ^ ... ^ a_(s-1) v_(c-s+1) ^ v_(c-s) ^ (v_(c-s) >> s), with a_i bit s-1-i of a.
    for (let c = s!; c < BITS; c++) {
      let next = v[c - s!]! ^ (v[c - s!]! >>> s!);
      for (let i = 1; i < s!; i++) if ((a! >>> (s! - 1 - i)) & 1) next ^= v[c - i]!;
      v[c] = next >>> 0;
    }
  }
  built[dimension] = v;
  return v;
}

/** Coordinate `dimension` (0-based) of point `index` of the unscrambled sequence, as an integer in [0, 2^32). */
export function sobolInteger(dimension: number, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS) {
    throw new RangeError(`Sobol sequence: point index must be an integer in [0, 2^32), got ${index}`);
  }
  const v = sobolDirections(dimension);
  // The Gray code of index; `>>> 0` keeps it unsigned for indices of 2^31 and over.
  let gray = (index ^ (index >>> 1)) >>> 0;
  let x = 0;
  for (let c = 0; gray !== 0; c++, gray >>>= 1) if (gray & 1) x ^= v[c]!;
  return x >>> 0;
}

/** The table as numbers, without its `d` column: row i is dimension i + 2. */
function rows(): number[][] {
  table ??= JOE_KUO_ROWS.split('\n').map((line) => line.trim().split(/\s+/).slice(1).map(Number));
  return table;
}
