#!/usr/bin/env -S node --single-threaded-gc
/** The `computerace` executable: runs the command line and sets the exit code. */
// The interpreter line gives Node BATCH_NODE_FLAGS (experiment/executor.ts, which says why): V8
// takes them only at start. `npm start` and the Slurm scripts give the same flags.
import { stopPretenuring } from '../experiment/pretenuring.js';
import { main } from './main.js';
import { tolerateClosedPipes } from './output.js';

// With `--workers 0` the runs happen on this thread, as they do on each worker's.
stopPretenuring();
tolerateClosedPipes();

process.exitCode = await main(process.argv);
