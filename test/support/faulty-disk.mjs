/**
 * Loaded with `node --import` before the computerace executable, to give it a faulty disk without
 * root or a small file system: with COMPUTERACE_TEST_DISK_BYTES=N, writes fail with ENOSPC once N
 * bytes have been written, as on a full disk; with COMPUTERACE_TEST_KILL_AT_RENAME=NAME, the
 * process kills itself (SIGKILL) when it renames a file to NAME, as a kill -9 during the final
 * renames of a batch would; with COMPUTERACE_TEST_HOLD_AT_RENAME=NAME and
 * COMPUTERACE_TEST_HOLD_UNTIL=FILE, it writes FILE.waiting when it is about to rename a file to
 * NAME and waits there until FILE exists (a slow disk, at the worst moment).
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';

const promises = fs.promises;
let room = process.env.COMPUTERACE_TEST_DISK_BYTES === undefined ? Infinity : Number(process.env.COMPUTERACE_TEST_DISK_BYTES);
const killAt = process.env.COMPUTERACE_TEST_KILL_AT_RENAME;
const holdAt = process.env.COMPUTERACE_TEST_HOLD_AT_RENAME;
const holdUntil = process.env.COMPUTERACE_TEST_HOLD_UNTIL;

/** Takes `bytes` of the room left, or fails as a full disk does. */
function spend(bytes) {
  if (bytes > room) {
    room = 0;
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }
  room -= bytes;
}

const size = (data) => (typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);

// File handles: the Arrow writer's writev, and anything written through a handle.
const handle = await promises.open(process.execPath, 'r');
const FileHandle = Object.getPrototypeOf(handle);
await handle.close();
const { writev, write, writeFile } = FileHandle;
FileHandle.writev = async function (buffers, ...rest) {
  spend(buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0));
  return writev.call(this, buffers, ...rest);
};
FileHandle.write = async function (data, ...rest) {
  spend(size(data));
  return write.call(this, data, ...rest);
};
FileHandle.writeFile = async function (data, ...rest) {
  spend(size(data));
  return writeFile.call(this, data, ...rest);
};

// Whole files by name: the JSON records, the checkpoints' batch.json, the lock.
const promisesWriteFile = promises.writeFile;
promises.writeFile = async (path, data, ...rest) => {
  spend(size(data));
  return promisesWriteFile(path, data, ...rest);
};

const rename = promises.rename;
promises.rename = async (from, to) => {
  if (killAt !== undefined && basename(String(to)) === killAt) process.kill(process.pid, 'SIGKILL');
  if (holdAt !== undefined && holdUntil !== undefined && basename(String(to)) === holdAt) {
    fs.writeFileSync(`${holdUntil}.waiting`, '');
    while (!fs.existsSync(holdUntil)) await sleep(20);
  }
  return rename(from, to);
};

// The named imports of node:fs/promises (import { writeFile } from ...) see the replacements.
syncBuiltinESMExports();
