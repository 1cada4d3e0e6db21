// Opens the relational database the configuration names and brings its schema up to date. The only place that
// chooses an adapter: DATABASE_URL set → that Postgres server; unset → PGlite in `<dataDir>/postgres`.
import path from 'node:path';
import type { Config } from '../../config/env.ts';
import type { Relational } from './database.ts';
import { migrateToLatest } from './migrate.ts';

export type { Database, JobStatus, Relational } from './database.ts';
export { migrateToLatest } from './migrate.ts';

export type RelationalConfig = Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_MAX' | 'dataDir'>;

export interface OpenOptions {
  /** Told the name of each migration applied while opening (for the start-up log). */
  readonly onMigrated?: (names: readonly string[]) => void;
}

export async function openRelational(config: RelationalConfig, opts: OpenOptions = {}): Promise<Relational> {
  // Each adapter is loaded only when chosen: PGlite's WASM build is not needed on Postgres, nor pg on PGlite.
  const relational = config.DATABASE_URL
    ? (await import('./postgres.ts')).openPostgres({ url: config.DATABASE_URL, poolMax: config.DATABASE_POOL_MAX })
    : await (await import('./pglite.ts')).openPglite({ dir: path.join(config.dataDir, 'postgres') });
  return migrated(relational, opts);
}

/** A throwaway PGlite database in memory, migrated: for tests and tools that need no folder. */
export async function openInMemoryRelational(opts: OpenOptions = {}): Promise<Relational> {
  const { openPglite } = await import('./pglite.ts');
  return migrated(await openPglite(), opts);
}

async function migrated(relational: Relational, opts: OpenOptions): Promise<Relational> {
  try {
    const applied = await migrateToLatest(relational.db);
    opts.onMigrated?.(applied);
    return relational;
  } catch (err) {
    await relational.close().catch(() => {}); // the migration error is the one worth reporting
    throw err;
  }
}
