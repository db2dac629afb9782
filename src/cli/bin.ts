#!/usr/bin/env -S node --single-threaded-gc
/** The `computerace` executable: runs the command line and sets the exit code. */
// The interpreter line gives Node BATCH_NODE_FLAGS (experiment/executor.ts, which says why): V8
// takes them only at start. `npm start` and the Slurm scripts give the same flags.
import { stopPretenuring } from '../experiment/pretenuring.js';
import { main } from './main.js';

// With `--workers 0` the runs happen on this thread, as they do on each worker's.
stopPretenuring();

// A reader that stops early (`computerace run --help | head -1`) closes the pipe: what it did not read
// is not an error of ours, and the command goes on to its end (a batch still writes its files whole).
// Any other failure is the command's watcher's to report (cli/output.ts), or, with none, thrown.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && stream.listenerCount('error') === 1) throw error;
  });
}

process.exitCode = await main(process.argv);
