#!/usr/bin/env -S node --single-threaded-gc
/** The `computerace` executable: runs the command line and sets the exit code. */
// --single-threaded-gc: a batch keeps every core busy with a worker, where the collector's helper
// threads only take turns with the workers; without them a 2-worker batch ran 4% faster (README).
// V8 takes the flag only at start, hence the interpreter line (and `npm start`, and Slurm scripts).
import { main } from './main.js';

process.exitCode = await main(process.argv);
