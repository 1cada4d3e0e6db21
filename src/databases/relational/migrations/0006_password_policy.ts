// Which password policy each account's password was last checked against, so the advisor can name staff whose
// password predates the current one (null: set before this was tracked). Every write of a password passes the
// policy of its day; a log-in re-checks the plaintext it already has and records a pass.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts add column password_policy smallint`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts drop column password_policy`.execute(db);
}
