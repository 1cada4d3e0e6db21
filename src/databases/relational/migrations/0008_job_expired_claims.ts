// How many of a job's claims ran out because the worker holding them died (killed, out of memory, its machine
// gone), as opposed to its handler failing. Workers with a heartbeat (compute/queue/pg-queue.ts) renew the claims
// of live jobs, so a claim that runs out means a dead worker; up to a limit those claims do not use up the job's
// attempts, so a worker that keeps being killed does not dead-letter an upload or a mail that was never at fault.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs add column expired_claims integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs drop column expired_claims`.execute(db);
}
