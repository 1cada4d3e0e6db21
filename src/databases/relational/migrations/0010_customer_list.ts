// The merchant's customer list (customers.ts listCustomers) pages accounts of one role newest first by
// (created_at, id): this index serves that order and its keyset without sorting the whole accounts table.
// Frozen once released: change the schema with a new numbered file.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index accounts_role_created_idx on accounts (role, created_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index accounts_role_created_idx`.execute(db);
}
