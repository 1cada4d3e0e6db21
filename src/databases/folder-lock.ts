// The embedded databases (PGlite, dynalite's LevelDB) are single-writer, and neither refuses a second process on
// its folder: both would write it and corrupt it (a second dynalite on the same folder starts without a word). A pid
// file beside the folder (`<dir>.lock`) makes the second opener fail with a clear message; a lock left by a dead
// process is taken over. Each embedded adapter takes it for its own folder.
import fs from 'node:fs';
import path from 'node:path';

export class FolderInUseError extends Error {
  readonly code = 'FOLDER_IN_USE';
}

const lockedHere = new Set<string>();

/**
 * Locks `dir` for this process; returns the release function. `what` names the store in messages
 * ("the PGlite folder"), `advice` says how to run several processes instead.
 */
export function lockFolder(dir: string, what: string, advice: string): () => void {
  if (lockedHere.has(dir)) throw new FolderInUseError(`${what} ${dir} is already open in this process`);
  const lockPath = `${dir}.lock`;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  for (let tries = 0; tries < 3; tries++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      lockedHere.add(dir);
      return () => {
        lockedHere.delete(dir);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock ${lockPath}: ${(err as Error).message}`, { cause: err });
    }
    let holder = Number.NaN;
    try {
      holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
    } catch {
      // Removed between our create and read: retry.
    }
    // Our own pid without an open handle here means a previous process with the same pid (e.g. pid 1 in a container).
    if (holder !== process.pid && isAlive(holder)) {
      throw new FolderInUseError(
        `${what} ${dir} is in use by process ${holder}; only one process may open it. Stop that process, or ${advice}. ` +
          `If process ${holder} is not Vitrine, delete ${lockPath}.`,
      );
    }
    fs.rmSync(lockPath, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}
