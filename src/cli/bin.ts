#!/usr/bin/env -S node --single-threaded-gc
/** The `computerace` executable: runs the command line and sets the exit code. */
// The interpreter line gives Node BATCH_NODE_FLAGS (experiment/executor.ts, which says why): V8
// takes them only at start. `npm start` and the Slurm scripts give the same flags.
import { main } from './main.js';

process.exitCode = await main(process.argv);
