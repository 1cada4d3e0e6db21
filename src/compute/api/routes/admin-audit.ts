// The audit log for admins: every staff action (order moves and refunds, role changes, dead-letter replays, model
// uploads, the CLI's admin creation) with who, when, on what, and the state before and after. Read-only.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { listAudit } from '../../../databases/relational/audit.ts';
import { requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

const AuditEntryDto = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ id: z.string().nullable(), email: z.string(), requestId: z.string().optional() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const adminAuditRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get(
    '/api/admin/audit',
    {
      preHandler: requirePermission('audit:read'),
      schema: {
        querystring: z
          .object({
            actor: z.string().trim().max(254).optional(),
            action: z.string().max(60).regex(/^[a-z.-]+$/, 'must be an action name such as order.refund').optional(),
            targetType: z.string().max(30).optional(),
            targetId: z.string().max(128).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().regex(/^\d{1,15}$/, 'must be the nextCursor of a previous page').transform(Number).optional(),
          })
          .strict()
          .refine((q) => (q.targetType === undefined) === (q.targetId === undefined), { message: 'targetType and targetId go together' }),
        response: { 200: z.object({ items: z.array(AuditEntryDto), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await listAudit(services.db, {
        actorEmail: q.actor?.toLowerCase(),
        action: q.action,
        target: q.targetType && q.targetId ? { type: q.targetType, id: q.targetId } : undefined,
        before: q.cursor,
        limit: q.limit,
      });
      return { items: page.items.map((e) => ({ ...e, at: e.at.toISOString() })), nextCursor: page.nextBefore === null ? null : String(page.nextBefore) };
    },
  );
};
