// The audit log: every merchant and admin action (who, what, on what, when, and the state before and after), kept
// in Postgres beside the change it records, written in the same transaction where the change is relational.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default clock_timestamp(),
      actor_id text,
      actor_email text not null,
      action text not null,
      target_type text not null,
      target_id text not null,
      before jsonb,
      after jsonb,
      request_id text
    )`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (id desc)`.execute(db);
  await sql`create index audit_log_target_idx on audit_log (target_type, target_id, id desc)`.execute(db);
  await sql`create index audit_log_actor_idx on audit_log (actor_email, id desc)`.execute(db);
  // Who asked for a refund, so the entry written when it completes (perhaps by the worker after a crash) names them.
  await sql`alter table payments add column requested_by jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table payments drop column requested_by`.execute(db);
  await sql`drop table audit_log`.execute(db);
}
