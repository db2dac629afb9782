/**
 * Runs `computerace` commands for a test file, one after another, in one process started for them
 * (see test/support/cli.ts): the built command's `main`, as bin.js runs it, with each command's
 * argument vector, working directory, environment and standard streams. A process per command costs
 * a second of start and module loading; here the modules load once. The process is Node's own, not
 * vitest's: the built modules load once each, as in the command (the test's process also loads the
 * sources, and the two copies would share mathjs's default instance).
 */
import { format } from 'node:util';
import { main } from '../../dist/cli/main.js';

const bin = new URL('../../dist/cli/bin.js', import.meta.url).pathname;
const home = { cwd: process.cwd(), env: process.env };
const write = { stdout: process.stdout.write, stderr: process.stderr.write };
const log = console.log;

/** Runs one command to completion: its exit status and what it wrote to standard output and error. */
async function run({ args, cwd, env }) {
  const captured = { stdout: '', stderr: '' };
  const capture = (stream) => (chunk, ...rest) => {
    captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    // The write's callback, when given, as a stream would call it.
    const callback = rest.find((item) => typeof item === 'function');
    if (callback) queueMicrotask(callback);
    return true;
  };
  const argv = [process.execPath, bin, ...args];
  process.argv = argv;
  process.env = env ?? { ...home.env };
  process.chdir(cwd ?? home.cwd);
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  console.log = (...values) => void process.stdout.write(`${format(...values)}\n`);
  try {
    return { status: await main(argv), ...captured };
  } catch (error) {
    // What Node does with an error bin.js lets through (with --debug): its stack on stderr, exit 1.
    captured.stderr += `${error instanceof Error ? error.stack : String(error)}\n`;
    return { status: 1, ...captured };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
    console.log = log;
    process.chdir(home.cwd);
  }
}

process.on('message', (request) => {
  void run(request).then((ran) => process.send({ id: request.id, ...ran }));
});
// The test file has finished (or its process has gone): nothing more will come.
process.on('disconnect', () => process.exit(0));
