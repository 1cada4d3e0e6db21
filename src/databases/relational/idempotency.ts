// Idempotency keys (the Stripe convention): a client retrying a request with the same Idempotency-Key gets the
// first answer instead of a second order or charge. A key is claimed before the work and answered after it;
// a claim older than STALE_MS (its process died) may be taken over, and the work it started is resumed.
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';

// Longer than any healthy checkout (a gateway call is seconds); a retry past it resumes the dead attempt's order.
export const STALE_MS = 15_000;

export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly state: 'in_progress' }
  | { readonly state: 'mismatch' };

export async function claimIdempotencyKey(db: Kysely<Database>, scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
  const inserted = await db
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, status: 'in_progress', response_status: null, response_body: null })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { state: 'claimed' };
  const row = await db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  if (row.request_hash !== requestHash) return { state: 'mismatch' };
  if (row.status === 'done') return { state: 'replay', status: row.response_status ?? 200, body: row.response_body };
  // A claim whose owner died long ago: take it over atomically (only one taker wins).
  const taken = await db
    .updateTable('idempotency_keys')
    .set({ created_at: sql<Date>`now()` })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status', '=', 'in_progress')
    .where('created_at', '<', new Date(Date.now() - STALE_MS))
    .returning('key')
    .executeTakeFirst();
  return taken ? { state: 'claimed' } : { state: 'in_progress' };
}

export async function answerIdempotencyKey(db: Kysely<Database>, scope: string, key: string, status: number, body: unknown): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status: 'done', response_status: status, response_body: JSON.stringify(body) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** Frees a key whose request failed before doing anything, so the client may retry with it. */
export async function releaseIdempotencyKey(db: Kysely<Database>, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('status', '=', 'in_progress').execute();
}
