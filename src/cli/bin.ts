#!/usr/bin/env -S node --single-threaded-gc
/** The `computerace` executable: runs the command line and sets the exit code. */
// The interpreter line gives Node BATCH_NODE_FLAGS (experiment/executor.ts, which says why): V8
// takes them only at start. `npm start` and the Slurm scripts give the same flags.
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// With `--workers 0` the runs happen on this thread: it takes the flag each worker sets for the
// market's short-lived records (experiment/worker.ts), worth about a quarter of such a batch's time.
setFlagsFromString('--no-allocation-site-pretenuring');

process.exitCode = await main(process.argv);
