// The embedded profile keeps everything in one data folder (VITRINE_DATA_DIR): PGlite's database, dynalite's catalog
// and the object files. Before opening any of them the folder is tried with a real write, so a read-only or full
// folder stops the start with one message naming the folder and the problem (exit code 2, like a bad setting)
// instead of a stack trace from whichever store happened to write first, or a half-initialised database.
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

export class DataFolderError extends Error {
  readonly code = 'DATA_FOLDER_UNWRITABLE';
  /** The process exit code: the operator's setting or disk, not a bug. */
  readonly exitCode = 2;
}

/** Bytes a probe writes: more than a file system's smallest allocation, so a full disk cannot hide in a spare block. */
const PROBE_BYTES = 256 * 1024;

/**
 * Writes, syncs and removes a probe file in `dir` (created if missing) and in each of `subdirs` that exists (a store's
 * folder may be a mount of its own); throws DataFolderError saying what is wrong and what to do.
 */
export async function assertDataFolderWritable(dir: string, subdirs: readonly string[] = []): Promise<void> {
  await probe(dir, dir);
  for (const sub of subdirs) {
    const full = path.join(dir, sub);
    const st = await fsp.stat(full).catch(() => null);
    if (st?.isDirectory()) await probe(full, dir);
  }
}

async function probe(folder: string, dataDir: string): Promise<void> {
  const file = path.join(folder, `.vitrine-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fsp.mkdir(folder, { recursive: true });
    const fh = await fsp.open(file, 'wx');
    try {
      await fh.writeFile(Buffer.alloc(PROBE_BYTES));
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    const where = folder === dataDir ? `the data folder ${dataDir}` : `${folder} in the data folder`;
    throw new DataFolderError(`${where} ${problem(code)} (${code}), so the shop cannot start. ${advice(code)}`, { cause: err });
  } finally {
    await fsp.rm(file, { force: true }).catch(() => undefined);
  }
}

function problem(code: string): string {
  switch (code) {
    case 'EROFS':
      return 'is on a read-only file system';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'is full (no space left on its disk)';
    case 'EACCES':
    case 'EPERM':
      return 'is not writable by this user';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'is a file (or under one), not a folder';
    default:
      return 'cannot be written';
  }
}

function advice(code: string): string {
  switch (code) {
    case 'EROFS':
      return 'Remount it read-write, or set VITRINE_DATA_DIR to a writable folder.';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'Free space on that disk (nothing in the folder was changed), or set VITRINE_DATA_DIR to a folder with room.';
    case 'EACCES':
    case 'EPERM':
      return 'Give this user write access to it, or set VITRINE_DATA_DIR to a folder it owns.';
    default:
      return 'Set VITRINE_DATA_DIR to a writable folder.';
  }
}
