// Runs a money-moving request at most once per Idempotency-Key (Stripe's contract): a retry with the same key and
// body gets the first answer replayed; the same key with another body is refused; a request that did nothing
// (it threw) frees its key so a corrected retry can use it.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../databases/relational/database.ts';
import { answerIdempotencyKey, claimIdempotencyKey, releaseIdempotencyKey, STALE_MS } from '../../databases/relational/idempotency.ts';
import { isDatabaseUnavailable } from '../../databases/relational/unavailable.ts';
import { HttpError } from './errors.ts';

export const IdempotencyKeyHeaders = z.object({
  'idempotency-key': z
    .string({ message: 'is required: send a unique key per attempt and reuse it on retries' })
    .min(8, 'must be 8 to 128 characters')
    .max(128, 'must be 8 to 128 characters'),
});

export async function idempotent(
  db: Kysely<Database>,
  reply: FastifyReply,
  claim: { scope: string; key: string; body: unknown },
  run: () => Promise<{ status: number; body: unknown }>,
): Promise<FastifyReply> {
  const started = Date.now();
  const requestHash = createHash('sha256').update(JSON.stringify(claim.body)).digest('hex');
  const c = await claimIdempotencyKey(db, claim.scope, claim.key, requestHash);
  if (c.state === 'replay') return reply.code(c.status).header('idempotent-replayed', 'true').send(c.body);
  if (c.state === 'in_progress') throw new HttpError(409, 'IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry in a moment');
  if (c.state === 'mismatch') throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
  let result: { status: number; body: unknown };
  try {
    result = await run();
  } catch (err) {
    // The request's own error is the answer. When the database went away the release fails too: it is tried again
    // in the background once the database is back, so the client's retry is not told IN_PROGRESS until the claim
    // goes stale. Only for half of STALE_MS, so it can never free a claim another request has taken over since.
    await releaseIdempotencyKey(db, claim.scope, claim.key).catch((releaseErr: unknown) => {
      if (isDatabaseUnavailable(releaseErr)) void releaseOnceBack(db, claim.scope, claim.key, started + STALE_MS / 2);
    });
    throw err;
  }
  await answerIdempotencyKey(db, claim.scope, claim.key, result.status, result.body);
  return reply.code(result.status).send(result.body);
}

async function releaseOnceBack(db: Kysely<Database>, scope: string, key: string, until: number): Promise<void> {
  for (let tries = 0; Date.now() < until; tries++) {
    await new Promise<void>((resolve) => setTimeout(resolve, Math.min(2000, 250 * 2 ** tries)).unref());
    if (Date.now() >= until) return;
    try {
      await releaseIdempotencyKey(db, scope, key);
      return;
    } catch {
      // still away: try again, until the deadline
    }
  }
}
