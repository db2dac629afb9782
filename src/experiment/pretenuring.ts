import { setFlagsFromString } from 'node:v8';

/**
 * Turns off V8's allocation-site pretenuring (a V8 flag, so for the whole process from then on; it
 * changes no result, only where V8 places objects), for a process that runs the model: a run
 * keeps its monthly records to its end, so V8 learns to allocate everything from the same object and
 * array literals in the old generation, short-lived objects included, and a run takes about 1.5x as
 * long (`npm run bench:market`, docs/performance.md). Worker threads take no V8 flags in execArgv,
 * so each thread that runs the model calls this before its first run.
 */
export function stopPretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
