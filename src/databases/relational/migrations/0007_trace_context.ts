// The trace a job belongs to (src/monitoring/tracing.ts): the W3C traceparent of the request or job that enqueued
// it, or that wrote the outbox event it is relayed from, so a job's span joins that trace. Transport metadata kept
// beside the payload, never inside it; null when tracing is off.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table jobs add column traceparent text`.execute(db);
  await sql`alter table outbox add column traceparent text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox drop column traceparent`.execute(db);
  await sql`alter table jobs drop column traceparent`.execute(db);
}
