// Minimal typings for the parts of jstat (CommonJS, untyped) the tests use as an independent reference:
// CDFs, and inverse CDFs (looser than ours: Numerical Recipes style, about 1e-8 relative).
declare module 'jstat' {
  interface JStat {
    uniform: { cdf(x: number, min: number, max: number): number; inv(p: number, min: number, max: number): number };
    exponential: { cdf(x: number, rate: number): number; inv(p: number, rate: number): number };
    normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number };
    lognormal: { cdf(x: number, mu: number, sigma: number): number; inv(p: number, mu: number, sigma: number): number };
    triangular: { cdf(x: number, min: number, max: number, mode: number): number; inv(p: number, min: number, max: number, mode: number): number };
    beta: { cdf(x: number, alpha: number, beta: number): number; inv(p: number, alpha: number, beta: number): number };
    gamma: { cdf(x: number, shape: number, scale: number): number; inv(p: number, shape: number, scale: number): number };
    weibull: { cdf(x: number, scale: number, shape: number): number; inv(p: number, scale: number, shape: number): number };
    chisquare: { inv(p: number, dof: number): number };
    studentt: { inv(p: number, dof: number): number; cdf(t: number, dof: number): number };
    poisson: { cdf(k: number, mean: number): number };
    gammaln(x: number): number;
  }
  const jStat: JStat & { jStat: JStat };
  export default jStat;
}
