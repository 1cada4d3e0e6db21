// Operators' tools for jobs that failed for good (the embedded queue's dead-letter state; on AWS the SQS DLQ and
// its redrive). Listing shows why each failed; replaying puts a job back with a fresh attempt budget; purging
// deletes them once their cause is understood.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../databases/relational/database.ts';

export interface DeadLetter {
  readonly id: string;
  readonly type: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly payload: unknown;
  readonly failedAt: Date;
}

export async function listDeadLetters(db: Kysely<Database>, limit = 100): Promise<DeadLetter[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'type', 'attempts', 'last_error', 'payload', 'updated_at'])
    .where('status', '=', 'dead')
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, type: r.type, attempts: r.attempts, lastError: r.last_error, payload: r.payload, failedAt: r.updated_at }));
}

/** Puts dead jobs (one by id, or all) back in the queue, due now, with a fresh attempt budget. */
export async function replayDeadLetters(db: Kysely<Database>, id?: string): Promise<number> {
  let q = db
    .updateTable('jobs')
    .set({ status: 'queued', attempts: 0, expired_claims: 0, run_at: sql<Date>`now()`, locked_until: null, updated_at: sql<Date>`now()` })
    .where('status', '=', 'dead');
  if (id) q = q.where('id', '=', id);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function purgeDeadLetters(db: Kysely<Database>, id?: string): Promise<number> {
  let q = db.deleteFrom('jobs').where('status', '=', 'dead');
  if (id) q = q.where('id', '=', id);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}
