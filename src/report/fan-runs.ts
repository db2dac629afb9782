/**
 * Most runs a fan chart is drawn from; 5,000 values give the p5 within about ±0.6 percentile points.
 * On its own, without the modules that read the tables, so the command line can show it as the default.
 */
export const FAN_RUNS = 5_000;
