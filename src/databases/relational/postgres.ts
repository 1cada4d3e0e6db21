// The relational port on a real PostgreSQL server (RDS in production) through a `pg` connection pool.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { tracing } from '../../monitoring/tracing.ts';
import type { Database, Relational } from './database.ts';
import { DATE_OID, INT8_OID, parseDate, parseInt8 } from './value-parsers.ts';

export interface PostgresOptions {
  readonly url: string;
  readonly poolMax: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted); the pool replaces it. */
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
  // Without a listener an idle client's error (server restart, network drop) would crash the process.
  pool.on('error', (err) => {
    if (opts.onPoolError) opts.onPoolError(err);
    else console.error(`relational: idle postgres connection failed: ${err.message}`);
  });
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
