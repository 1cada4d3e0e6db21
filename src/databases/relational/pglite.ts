// The relational port on PGlite: Postgres compiled to WebAssembly, running inside this process on a data folder
// (or in memory). The embedded default, so one machine needs no database server.
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { tracing } from '../../monitoring/tracing.ts';
import { lockFolder } from '../folder-lock.ts';
import type { Database, Relational } from './database.ts';
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from './value-parsers.ts';

export interface PgliteOptions {
  /** The data folder; omitted = in memory, gone on close. */
  readonly dir?: string;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Relational> {
  const dir = opts.dir === undefined ? undefined : path.resolve(opts.dir);
  const release =
    dir === undefined ? () => {} : lockFolder(dir, 'relational: the PGlite folder', 'set DATABASE_URL so several processes share one Postgres');
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
  // With tracing on, a span per statement (src/monitoring/tracing.ts); with it off, no log callback at all.
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite), log: tracing()?.sqlLog });
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
