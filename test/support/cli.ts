import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The built executable, as users run it (npm test builds first, through its pretest script). */
export const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'bin.js');

/** How a command ended: its exit status and what it printed. */
export interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Where and with what environment a command runs: the test's own when not given. */
export interface RunOptions {
  /** The working directory. */
  cwd?: string;
  /** The whole environment of the command (a process's `env`, not additions to it). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `computerace ARGS` in a process of its own, as users run it: for what only a process shows
 * (its exit code as the shell sees it, signals, Node's flags, a preloaded module, real pipes).
 */
export function computeraceProcess(args: readonly string[], options: RunOptions = {}): Ran {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: options.cwd, env: options.env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs `computerace ARGS` to completion: its exit status and what it printed, as a process whose
 * output is a pipe would give them. Commands run one after another in one process
 * (test/support/cli-server.mjs), which loads the modules once. Under `isolate: false` a vitest worker
 * imports this module once, so the `afterAll` below ends the process of the first file that uses it;
 * the later files of that worker share one process. What a command leaves in it (policies that an
 * `--import` registered) is seen by the commands after it: a test must not assume a policy unregistered.
 */
export function computerace(...args: string[]): Promise<Ran> {
  return computeraceWith({}, ...args);
}

/** `computerace` in another working directory or environment. */
export function computeraceWith(options: RunOptions, ...args: string[]): Promise<Ran> {
  const { child, waiting } = server();
  const id = ++requests;
  return new Promise<Ran>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    child.send({ id, args, cwd: options.cwd, env: options.env });
  });
}

/** The process that runs this file's commands, and the commands it has been sent and not yet answered. */
interface CommandServer {
  child: ChildProcess;
  waiting: Map<number, { resolve: (ran: Ran) => void; reject: (error: Error) => void }>;
}

const serverFile = join(dirname(fileURLToPath(import.meta.url)), 'cli-server.mjs');
let requests = 0;
let running: CommandServer | undefined;

/** The process that runs this file's commands, started at the first; it does not keep the tests' process alive. */
function server(): CommandServer {
  if (running) return running;
  // Node's flags as bin.js's interpreter line gives them. Its standard streams are pipes, as a spawned
  // command's are (whatever the terminal the tests run in: no progress bar); what it prints outside a
  // command is passed on to the tests' own output.
  const child = fork(serverFile, [], { execArgv: ['--single-threaded-gc'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(chunk));
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const started: CommandServer = { child, waiting: new Map() };
  child.on('message', (message: Ran & { id: number }) => {
    const { id, ...ran } = message;
    started.waiting.get(id)?.resolve(ran);
    started.waiting.delete(id);
  });
  child.on('exit', (code, signal) => {
    for (const { reject } of started.waiting.values()) reject(new Error(`the command process stopped (${signal ?? `exit ${code}`})`));
    started.waiting.clear();
    if (running === started) running = undefined;
  });
  // The tests' process need not wait for it: it ends when its channel closes.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  running = started;
  return started;
}

// Ends the command process when the first file that imported this module ends (see computerace):
// awaited, so that the process is reaped here and its CPU time counted with the tests'.
afterAll(async () => {
  const ending = running;
  running = undefined;
  if (ending === undefined || ending.child.exitCode !== null || ending.child.signalCode !== null) return;
  const exited = new Promise((resolve) => ending.child.once('exit', resolve));
  ending.child.disconnect();
  await exited;
});
