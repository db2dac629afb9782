#!/usr/bin/env node
/** The `computerace` executable: runs the command line and sets the exit code. */
import { main } from './main.js';

process.exitCode = await main(process.argv);
