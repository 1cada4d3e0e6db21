// The relational port on a real PostgreSQL server (RDS in production) through a `pg` connection pool.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { tracing } from '../../monitoring/tracing.ts';
import type { Database, Relational } from './database.ts';
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from './value-parsers.ts';

export interface PostgresOptions {
  readonly url: string;
  readonly poolMax: number;
  /** Called when a pooled connection fails (e.g. the server restarted); the pool replaces it. */
  readonly onPoolError?: (err: Error) => void;
}

// Per-pool parsers rather than pg.types.setTypeParser, which would change every other pg user in the process.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      if (oid === INT8_OID) return parseInt8;
      if (oid === DATE_OID) return parseDate;
    }
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

export function openPostgres(opts: PostgresOptions): Relational {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    types,
    application_name: 'vitrine',
  });
  const report = (err: Error): void => {
    if (opts.onPoolError) opts.onPoolError(err);
    else console.error(`relational: postgres connection failed: ${err.message}`);
  };
  // An 'error' event without a listener crashes the process. The pool listens on its idle clients only; a client
  // checked out when the server goes away (a restart under load) emits on itself, so every client gets a listener
  // of its own. The query running on it fails with the same error, and the pool drops the broken client on release.
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  // With tracing on, a span per statement (src/monitoring/tracing.ts); with it off, no log callback at all.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: tracing()?.sqlLog });
  let closed: Promise<void> | undefined;
  return {
    db,
    kind: 'postgres',
    async check() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= db.destroy(); // destroys the pool too
      return closed;
    },
  };
}
