import { hostname } from 'node:os';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TABLE_NAMES } from './layout.js';
import { OutputError, writeFailure } from './errors.js';
import { readManifest } from './manifest.js';

/**
 * An output folder as the tool owns it: the names it writes there (anything else means the folder
 * is someone else's, and it is refused rather than overwritten), and a lock file that keeps a
 * second batch out while one writes, so a folder never ends up with one batch's manifest beside
 * another's tables.
 */

/**
 * The lock file of an output folder: `PID HOST START`, removed when the batch ends. START is when the
 * process started, in the kernel's clock ticks since boot (Linux's /proc/PID/stat; left out where there
 * is none): a pid is reused, by the next process of a restarted container first, and a lock naming a
 * live pid whose process started at another time was left by a process that is gone.
 */
export const LOCK_FILE = '.lock';
/**
 * Held (`PID HOST`) while a lock left by a process that is gone is removed: without it, a batch that
 * judged the old lock stale could remove the lock another had just taken in its place, and both would write.
 */
const TAKEOVER_FILE = `${LOCK_FILE}.takeover`;
// A takeover is a read and a removal; a takeover file older than this was left by a process killed during one.
const TAKEOVER_EXPIRY_MS = 10_000;
// While another process takes a stale lock over, wait for it this long at a time, this many times (about 2 s).
const TAKEOVER_WAIT_MS = 10;
const LOCK_ATTEMPTS = 200;
/** The folder of a batch's checkpoints (see experiment/checkpoint.ts). */
export const CHECKPOINT_DIRECTORY = '.checkpoint';

/**
 * Tables an older computerace wrote that this one does not (the monthly series were one wide
 * `timeseries.arrow`): still the tool's in a folder it wrote, so a batch may run into that folder,
 * and removed by it (records.ts) so they never sit beside its tables.
 */
export const LEGACY_TABLE_NAMES: readonly string[] = ['timeseries'];

/** The CSV files `export --csv` writes, one per table. */
export const CSV_FILES: readonly string[] = TABLE_NAMES.map((name) => `${name}.csv`);

/** The files a batch, a merge, a report or an export writes in an output folder: every table's file, its CSV, and the records beside them. */
const TOOL_FILES: readonly string[] = [...[...TABLE_NAMES, ...LEGACY_TABLE_NAMES].map((name) => `${name}.arrow`), ...CSV_FILES, 'summary.json', 'manifest.json', 'report.html', LOCK_FILE, TAKEOVER_FILE];

/**
 * What kind of entry `name` is when the tool wrote it, or undefined when the tool never writes that
 * name: its files, their `.partial` forms (written, then renamed), the checkpoint folder, and the
 * `slurm/` and `shard-K/` folders that `computerace slurm` lays out beside its merged files.
 */
export function toolEntryKind(name: string): 'file' | 'directory' | undefined {
  if (TOOL_FILES.includes(name) || (name.endsWith('.partial') && TOOL_FILES.includes(name.slice(0, -'.partial'.length)))) return 'file';
  if (name === CHECKPOINT_DIRECTORY || name === 'slurm' || /^shard-\d+$/.test(name)) return 'directory';
  return undefined;
}

/** Refuses a folder that holds anything the tool did not write, or a manifest that is not the tool's. */
export async function checkFolderIsOurs(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const kind = toolEntryKind(entry.name);
    if (kind === undefined) throw new OutputError(`'${dir}' holds '${entry.name}', which computerace does not write: give --out a new or empty folder, or one a batch wrote`);
    // A link, a device or a FIFO under one of the tool's names is not something it wrote either.
    if (kind === 'file' ? !entry.isFile() : !entry.isDirectory()) throw new OutputError(`'${dir}/${entry.name}' is not a ${kind === 'file' ? 'regular file' : 'directory'}, so computerace did not write it: give --out a new or empty folder, or one a batch wrote`);
  }
  // A manifest it cannot read is someone else's file under the tool's name (a scenario saved as manifest.json, say).
  await readManifest(dir);
}

/** A held lock on an output folder. */
export interface FolderLock {
  release(): Promise<void>;
}

/** The locks this process holds: one naming this process's pid that is not among them was left by an earlier process given the same pid. */
const held = new Set<string>();

/** Locks `dir` for this process, taking over a lock left by a process that is gone; refuses a folder another batch holds. */
export async function lockFolder(dir: string): Promise<FolderLock> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    if (await createExclusive(path)) {
      held.add(path);
      return {
        release: async () => {
          held.delete(path);
          await rm(path, { force: true });
        },
      };
    }
    const holder = await lockHolder(dir);
    if (holder !== undefined) throw new OutputError(`'${dir}' is in use by ${holder}`);
    // Left by a process that is gone (killed, or the machine restarted): removed, then taken as any free folder's.
    if (!(await removeStaleLock(dir))) await sleep(TAKEOVER_WAIT_MS);
  }
  throw new OutputError(`'${dir}' is in use by another process that has just locked it`);
}

/** Creates `path` holding `PID HOST START`, unless it exists (false). */
async function createExclusive(path: string): Promise<boolean> {
  const started = await (ownStart ??= startOf(process.pid));
  try {
    await writeFile(path, `${process.pid} ${hostname()}${started === undefined ? '' : ` ${started}`}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailure(path, error);
    return false;
  }
}

/**
 * Removes the folder's lock if it is still stale once this process holds the takeover file: a lock
 * taken meanwhile by another batch is alive, and stays. False when another process is taking over.
 */
async function removeStaleLock(dir: string): Promise<boolean> {
  const takeover = join(dir, TAKEOVER_FILE);
  if (!(await createExclusive(takeover))) {
    const age = Date.now() - ((await stat(takeover).catch(() => undefined))?.mtimeMs ?? 0);
    if (age > TAKEOVER_EXPIRY_MS) await rm(takeover, { force: true });
    return false;
  }
  try {
    if ((await lockHolder(dir)) === undefined) await rm(join(dir, LOCK_FILE), { force: true });
  } finally {
    await rm(takeover, { force: true });
  }
  return true;
}

/**
 * Who holds the lock on `dir` (`pid N`, with its host when it is another machine, and what to do),
 * or undefined when no live process does.
 */
export async function lockHolder(dir: string): Promise<string | undefined> {
  const path = join(dir, LOCK_FILE);
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // START is absent from locks of computerace 0.1 and where /proc is not.
  const match = /^(\d+) (\S+)(?: (\d+))?\n$/.exec(text);
  if (!match) {
    // Created and not yet written by a process starting up, or garbage left long ago.
    const age = Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0);
    return age < 10_000 ? 'a process that is starting' : undefined;
  }
  const pid = Number(match[1]);
  const host = match[2]!;
  const advice = 'a computerace batch, merge or report is using it; wait for it to end or choose another folder';
  if (host !== hostname()) return `pid ${pid} on ${host}: ${advice} (if none runs there, remove ${path})`;
  // This pid's lock, not taken by this process: left by the process that had the pid before it.
  if (pid === process.pid) return held.has(path) ? `pid ${pid}: ${advice}` : undefined;
  if (!isAlive(pid)) return undefined;
  const recorded = match[3];
  // A live pid that started at another time than the lock's holder is another process.
  const started = recorded === undefined ? undefined : await startOf(pid);
  if (started !== undefined && started !== recorded) return undefined;
  return `pid ${pid}: ${advice}`;
}

/** When process `pid` started, in clock ticks since boot (field 22 of /proc/PID/stat), or undefined where that cannot be read. */
async function startOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command's name, in parentheses, may hold spaces: the fields are counted after its closing one.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** This process's start, read when it first takes a lock. */
let ownStart: Promise<string | undefined> | undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
