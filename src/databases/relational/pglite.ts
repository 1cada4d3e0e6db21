// The relational port on PGlite: Postgres compiled to WebAssembly, running inside this process on a data folder
// (or in memory). The embedded default, so one machine needs no database server.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import type { Database, Relational } from './database.ts';
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from './value-parsers.ts';

export interface PgliteOptions {
  /** The data folder; omitted = in memory, gone on close. */
  readonly dir?: string;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Relational> {
  const dir = opts.dir === undefined ? undefined : path.resolve(opts.dir);
  const release = dir === undefined ? () => {} : lockFolder(dir);
  let pglite: PGlite;
  try {
    const parsers = { [INT8_OID]: parseInt8, [DATE_OID]: parseDate };
    pglite = dir === undefined ? new PGlite({ parsers }) : new PGlite(dir, { parsers });
    await pglite.waitReady;
  } catch (err) {
    release();
    throw new Error(`relational: could not open PGlite${dir ? ` at ${dir}` : ''}: ${(err as Error).message}`, { cause: err });
  }
  // The dialect serialises Kysely's connections onto PGlite's single one, so transactions never interleave.
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  let closed: Promise<void> | undefined;
  return {
    db,
    kind: 'pglite',
    async check() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= db.destroy().finally(release); // destroy closes PGlite, which flushes the folder
      return closed;
    },
  };
}

const lockedHere = new Set<string>();

/**
 * PGlite has no lock of its own: two processes on one folder would both write it and corrupt it. A pid file beside
 * the folder (`<dir>.lock`) makes the second opener fail with a clear message; a lock left by a dead process is
 * taken over. Returns the release function.
 */
function lockFolder(dir: string): () => void {
  if (lockedHere.has(dir)) throw new Error(`relational: the PGlite folder ${dir} is already open in this process`);
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
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`relational: cannot lock ${lockPath}: ${(err as Error).message}`, { cause: err });
    }
    let holder = Number.NaN;
    try {
      holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
    } catch {
      // Removed between our create and read: retry.
    }
    // Our own pid without an open handle here means a previous process with the same pid (e.g. pid 1 in a container).
    if (holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `relational: the PGlite folder ${dir} is in use by process ${holder}; only one process may open it. ` +
          `Stop that process, or set DATABASE_URL so several processes share one Postgres. ` +
          `If process ${holder} is not Vitrine, delete ${lockPath}.`,
      );
    }
    fs.rmSync(lockPath, { force: true }); // stale: its process is gone
  }
  throw new Error(`relational: could not take the lock ${lockPath}`);
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
