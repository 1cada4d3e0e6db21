// Which claim statement took a job. When the database goes away while a worker's claim commits (a restart, a
// failover), the worker never learns whether it took jobs or which; it keeps the claim's token and, once the database
// answers again, gives back whatever that claim took (compute/queue/pg-queue.ts), so those jobs run at once instead
// of sitting out a whole visibility timeout in a claim nobody holds.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs add column claim_token uuid`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop column claim_token`.execute(db);
}
