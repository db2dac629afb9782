// Set up before each test file: tests run the model in vitest's own processes as computerace's threads
// do, without V8's allocation-site pretenuring (src/experiment/pretenuring.ts says why): the same
// results, in about two thirds of the time.
import { stopPretenuring } from '../../src/experiment/pretenuring.js';

stopPretenuring();
