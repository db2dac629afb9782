import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockFolder } from '../../src/io/folder.js';
import type { FolderLock } from '../../src/io/folder.js';
import { TABLE_NAMES } from '../../src/io/layout.js';
import { OutputError, OWN_FILES, prepareOutputDirectory, refuseToReplace, writeWhole } from '../../src/io/outputs.js';

const root = mkdtempSync(join(tmpdir(), 'computerace-outputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What a lock this process takes holds: its pid, host and start (field 22 of /proc/self/stat, after the command's name). */
const selfStat = readFileSync('/proc/self/stat', 'utf8');
const ownLock = `${process.pid} ${hostname()} ${selfStat.slice(selfStat.lastIndexOf(')') + 2).split(' ')[19]}\n`;

/** A fresh folder under the test's root. */
function folder(name: string, files: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

describe('a file written whole', () => {
  it('is written, and replaces a regular file of that name', async () => {
    const path = join(folder('whole'), 'page.html');
    await writeWhole(path, 'first');
    await writeWhole(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it('refuses a path that exists and is not a regular file: /dev/null stays a device, a directory a directory', async () => {
    await expect(writeWhole('/dev/null', 'page')).rejects.toThrow(new OutputError('cannot write /dev/null: it exists and is not a regular file'));
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(existsSync('/dev/null.partial')).toBe(false);
    const dir = folder('a-directory');
    await expect(writeWhole(dir, 'page')).rejects.toThrow(`cannot write ${dir}: it exists and is not a regular file`);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('never writes through a link left at its temporary name', async () => {
    const dir = folder('linked', { 'victim.txt': 'untouched' });
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'page.html.partial'));
    await writeWhole(join(dir, 'page.html'), 'page');
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('untouched');
    expect(readFileSync(join(dir, 'page.html'), 'utf8')).toBe('page');
  });
});

describe('a page or chart written outside a batch folder', () => {
  it('replaces nothing but an earlier file of its kind, known by its mark', async () => {
    const dir = folder('own', {
      'report.html': `<!DOCTYPE html><html><head>${OWN_FILES.report.mark} 0.2.0"></head></html>`,
      'chart.svg': `${OWN_FILES.chart.mark} backtest -->\n<svg></svg>`,
      'page.html': '<!DOCTYPE html><html><head><title>my notes</title></head></html>',
      'runs.arrow': 'ARROW1',
    });
    await refuseToReplace(join(dir, 'absent.html'), 'report');
    await refuseToReplace(join(dir, 'report.html'), 'report');
    await refuseToReplace(join(dir, 'chart.svg'), 'chart');
    await expect(refuseToReplace(join(dir, 'page.html'), 'report')).rejects.toThrow(new OutputError(`cannot write ${join(dir, 'page.html')}: it exists and is not a computerace report; remove it or choose another file`));
    await expect(refuseToReplace(join(dir, 'runs.arrow'), 'comparison')).rejects.toThrow('is not a computerace comparison');
    await expect(refuseToReplace(join(dir, 'report.html'), 'chart')).rejects.toThrow('is not a computerace chart');
    await expect(refuseToReplace('/dev/null', 'report')).rejects.toThrow('cannot write /dev/null: it exists and is not a regular file');
  });
});

describe('an output folder', () => {
  it('is created, and may hold everything computerace writes there', async () => {
    // Every table's file (an older computerace's timeseries.arrow too: a batch into its folder replaces it), and the records.
    const tables = Object.fromEntries([...TABLE_NAMES, 'timeseries'].map((name) => [`${name}.arrow`, '']));
    const dir = folder('ours', { ...tables, 'runs.arrow.partial': '', 'labs.arrow.partial': '', 'summary.json': '{}', 'report.html': '', 'manifest.json.partial': '' });
    for (const sub of ['.checkpoint', 'slurm', 'shard-0', 'shard-12']) mkdirSync(join(dir, sub));
    const lock = await prepareOutputDirectory(dir);
    await lock.release();
    const fresh = join(root, 'new', 'nested');
    await (await prepareOutputDirectory(fresh)).release();
    expect(statSync(fresh).isDirectory()).toBe(true);
  });

  it('under /proc, where Node 20\'s recursive mkdir never returns, is refused at once', async () => {
    await expect(prepareOutputDirectory('/proc/computerace/out')).rejects.toThrow("cannot write to output directory '/proc/computerace/out': a directory on the path does not exist, or was removed (ENOENT)");
    // Made in a race by another process (two shards' common parent) is no failure.
    const shared = join(root, 'shared', 'a');
    await Promise.all([prepareOutputDirectory(join(shared, 'x')), prepareOutputDirectory(join(shared, 'y'))].map(async (lock) => (await lock).release()));
    expect(statSync(join(shared, 'y')).isDirectory()).toBe(true);
  }, 10_000);

  const foreign: [string, () => string, RegExp][] = [
    ['a file computerace does not write', () => folder('notes', { 'notes.txt': 'mine' }), /'.*notes' holds 'notes\.txt', which computerace does not write: give --out a new or empty folder, or one a batch wrote$/],
    ['a JSON scenario saved as manifest.json', () => folder('scenario', { 'manifest.json': JSON.stringify({ name: 'mine', start: '2025-01-01', end: '2026-12-31', labs: [] }) }), /scenario[/\\]manifest\.json: not a manifest computerace wrote \(no 'engineVersion' text\)$/],
    ['a manifest that is not JSON', () => folder('garbage', { 'manifest.json': 'garbage {' }), /garbage[/\\]manifest\.json: not a manifest computerace wrote \(not valid JSON\)$/],
    ['a directory where a table goes (a rename would clash)', () => {
      const dir = folder('clash');
      mkdirSync(join(dir, 'runs.arrow'));
      return dir;
    }, /clash[/\\]runs\.arrow' is not a regular file, so computerace did not write it/],
    ['a link under one of its names', () => {
      const dir = folder('link', { 'elsewhere.txt': 'x' });
      symlinkSync(join(root, 'link', 'elsewhere.txt'), join(dir, 'summary.json'));
      rmSync(join(dir, 'elsewhere.txt'));
      return dir;
    }, /link[/\\]summary\.json' is not a regular file/],
  ];
  for (const [what, make, message] of foreign) {
    it(`is refused when it holds ${what}, and left as it was`, async () => {
      const dir = make();
      const before = spawnSync('ls', ['-la', dir], { encoding: 'utf8' }).stdout;
      const refusal = await prepareOutputDirectory(dir).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(OutputError);
      expect((refusal as Error).message).toMatch(message);
      expect(spawnSync('ls', ['-la', dir], { encoding: 'utf8' }).stdout).toBe(before);
    });
  }

  it('is locked by the batch writing it: a second is refused with the holder\'s pid until the first releases it', async () => {
    const dir = folder('locked');
    const lock = await prepareOutputDirectory(dir);
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(ownLock);
    await expect(prepareOutputDirectory(dir)).rejects.toThrow(`'${dir}' is in use by pid ${process.pid}: a computerace batch, merge or report is using it; wait for it to end or choose another folder`);
    await lock.release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    await (await prepareOutputDirectory(dir)).release();
  });

  it('takes over a lock left by a process that is gone, but not one held from another host', async () => {
    const dir = folder('stale');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, '.lock'), `${gone} ${hostname()}\n`);
    const lock = await prepareOutputDirectory(dir);
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(ownLock);
    await lock.release();
    writeFileSync(join(dir, '.lock'), `${gone} elsewhere.example\n`);
    await expect(prepareOutputDirectory(dir)).rejects.toThrow(`'${dir}' is in use by pid ${gone} on elsewhere.example: a computerace batch, merge or report is using it; wait for it to end or choose another folder (if none runs there, remove ${join(dir, '.lock')})`);
    expect(lstatSync(join(dir, '.lock')).isFile()).toBe(true);
  });

  it('names its holder\'s start, so that a lock left by a process whose pid another has since taken is taken over', async () => {
    const dir = folder('reused-pid');
    // A restarted container's process is given the pid of the one killed before it: a lock naming this
    // process's pid that this process did not take is stale.
    writeFileSync(join(dir, '.lock'), `${process.pid} ${hostname()}\n`);
    const mine = await lockFolder(dir);
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(ownLock);
    // ...while one it did take keeps its other batches out.
    await expect(lockFolder(dir)).rejects.toThrow(`'${dir}' is in use by pid ${process.pid}`);
    await mine.release();
    // A live pid (this process's parent) that started at another time than the lock says is another process.
    writeFileSync(join(dir, '.lock'), `${process.ppid} ${hostname()} 1\n`);
    await (await lockFolder(dir)).release();
    // A live pid with its own start, or a lock of computerace 0.1 that names none, is held.
    const parentStat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    for (const text of [`${process.ppid} ${hostname()} ${parentStat.slice(parentStat.lastIndexOf(')') + 2).split(' ')[19]}\n`, `${process.ppid} ${hostname()}\n`]) {
      writeFileSync(join(dir, '.lock'), text);
      await expect(lockFolder(dir)).rejects.toThrow(`'${dir}' is in use by pid ${process.ppid}: a computerace batch`);
    }
  });

  it('left by a process that is gone is taken over by one of several batches that find it at once, never by two', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    for (let round = 0; round < 20; round++) {
      const dir = folder(`stale-race-${round}`);
      writeFileSync(join(dir, '.lock'), `${gone} ${hostname()}\n`);
      const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => lockFolder(dir)));
      const taken = attempts.filter((attempt) => attempt.status === 'fulfilled');
      expect(taken, `round ${round}`).toHaveLength(1);
      for (const attempt of attempts) if (attempt.status === 'rejected') expect(String(attempt.reason)).toContain(`'${dir}' is in use by`);
      expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(ownLock);
      await (taken[0] as PromiseFulfilledResult<FolderLock>).value.release();
      expect(existsSync(join(dir, '.lock.takeover'))).toBe(false);
    }
  });
});
