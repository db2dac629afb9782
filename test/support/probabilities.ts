/** Probabilities and error measures shared by the tests of quantiles and of the special functions under them. */

/** 1e-6 .. 1 − 1e-6, dense in both tails. */
export const P_GRID = [
  1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.975, 0.99, 0.999,
  1 - 1e-4, 1 - 1e-5, 1 - 1e-6,
];

/** |actual − expected| relative to the larger of |expected| and `floor` (quantiles cross zero for some laws). */
export function relativeError(actual: number, expected: number, floor = 1e-300): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), floor);
}
