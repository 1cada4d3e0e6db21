// Stock per variant, and the durable job queue. Migrations are frozen once released: change the schema with a
// new numbered file, never by editing this one.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

// Kysely<unknown>: a migration must not depend on today's table types, which describe the latest schema.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inventory')
    .addColumn('variant_id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('on_hand', 'integer', (c) => c.notNull().check(sql`on_hand >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('inventory_product_id_idx').on('inventory').column('product_id').execute();
  // For a cache that polls for changed stock.
  await db.schema.createIndex('inventory_updated_at_idx').on('inventory').column('updated_at').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('queued').check(sql`status in ('queued', 'running', 'done', 'dead')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0).check(sql`attempts >= 0`))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().check(sql`max_attempts >= 1`))
    .addColumn('run_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Claiming scans unfinished jobs by due time; finished ('done') rows, the bulk of the table, stay out of it.
  // depth() counts from the same index.
  await db.schema
    .createIndex('jobs_claim_idx')
    .on('jobs')
    .columns(['status', 'run_at'])
    .where('status', '<>', 'done')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
  await db.schema.dropTable('inventory').execute();
}
