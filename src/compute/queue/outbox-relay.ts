// The transactional outbox's relay: events committed together with the change they announce (an order and its
// `order.placed`) are handed to the job queue afterwards. At least once and never lost: a row is marked published
// only after the queue accepted it, and the queue deduplicates by the outbox row's id, so a relay that dies
// between the two steps causes no second job. Works with either queue adapter (the jobs table or SQS).
import type { Kysely } from 'kysely';
import type { Database } from '../../databases/relational/database.ts';
import type { JobQueue } from './queue.ts';

export async function relayOutbox(db: Kysely<Database>, queue: JobQueue, batch = 100): Promise<number> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'topic', 'payload', 'traceparent'])
    .where('published_at', 'is', null)
    .orderBy('created_at')
    .limit(batch)
    .execute();
  for (const row of rows) {
    // The relay runs on a timer, outside any trace: the job continues the trace of the request that wrote the event.
    await queue.enqueue(row.topic, row.payload, { dedupeKey: `outbox:${row.id}`, traceparent: row.traceparent ?? undefined });
    await db.updateTable('outbox').set({ published_at: new Date() }).where('id', '=', row.id).execute();
  }
  return rows.length;
}

/** Runs the relay every `intervalMs` until stopped; `kick()` runs it at once (after a local commit). */
export function startOutboxRelay(db: Kysely<Database>, queue: JobQueue, intervalMs: number, onError: (err: unknown) => void) {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    running ??= (async () => {
      try {
        while ((await relayOutbox(db, queue)) > 0 && !stopped);
      } catch (err) {
        onError(err);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    kick: tick,
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
