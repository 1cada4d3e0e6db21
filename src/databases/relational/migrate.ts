// Brings the schema up to date with Kysely's Migrator. Safe when several processes start at once: the migrator
// holds a Postgres advisory lock while it reads and applies pending migrations, so each runs exactly once.
import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';

/** Applies pending migrations in order; returns the names applied now (empty when already up to date). */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`relational: migration ${failed ?? '(before any migration ran)'} failed: ${reason}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
