// The operator's view of background work, the same as `vitrine jobs status|dead|replay|purge`: queue depth and lag,
// the dead letters with why each failed, and replaying or purging them once the cause is fixed. Admins only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { recordAudit } from '../../../databases/relational/audit.ts';
import { listDeadLetters, purgeDeadLetters, replayDeadLetters } from '../../queue/dead-letters.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

const JobsDto = z.object({
  depth: z.object({ queued: z.number().int(), running: z.number().int(), dead: z.number().int(), oldestQueuedAgeSeconds: z.number().nullable() }),
  deadLetters: z.array(z.object({ id: z.string(), type: z.string(), attempts: z.number().int(), lastError: z.string().nullable(), payload: z.unknown(), failedAt: z.string() })),
});
/** One dead letter by id, or all of them: "all" must be said, so an empty body never replays or purges everything. */
const Target = z
  .object({ id: z.string().max(64).optional(), all: z.literal(true).optional() })
  .strict()
  .refine((b) => (b.id === undefined) !== (b.all === undefined), { message: 'send either the id of one dead letter or "all": true' });

export const adminJobRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db, queue } = services;
  const manage = requirePermission('jobs:manage');
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get(
    '/api/admin/jobs',
    { preHandler: manage, schema: { querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(), response: { 200: JobsDto } } },
    async (req) => {
      const [d, dead] = await Promise.all([queue.depth(), listDeadLetters(db, req.query.limit)]);
      return {
        depth: { queued: d.queued, running: d.running, dead: d.dead, oldestQueuedAgeSeconds: d.oldestQueuedAgeMs === null ? null : d.oldestQueuedAgeMs / 1000 },
        deadLetters: dead.map((j) => ({ ...j, failedAt: j.failedAt.toISOString() })),
      };
    },
  );

  app.post(
    '/api/admin/jobs/dead/replay',
    { bodyLimit: 1024, preHandler: manage, schema: { body: Target, response: { 200: z.object({ replayed: z.number().int() }) } } },
    async (req) =>
      db.transaction().execute(async (trx) => {
        const replayed = await replayDeadLetters(trx, req.body.id);
        await recordAudit(trx, actorOf(req), { action: 'jobs.replay', target: { type: 'job', id: req.body.id ?? 'all-dead' }, after: { replayed } });
        return { replayed };
      }),
  );

  app.post(
    '/api/admin/jobs/dead/purge',
    { bodyLimit: 1024, preHandler: manage, schema: { body: Target, response: { 200: z.object({ purged: z.number().int() }) } } },
    async (req) =>
      db.transaction().execute(async (trx) => {
        const purged = await purgeDeadLetters(trx, req.body.id);
        await recordAudit(trx, actorOf(req), { action: 'jobs.purge', target: { type: 'job', id: req.body.id ?? 'all-dead' }, after: { purged } });
        return { purged };
      }),
  );
};
