// The store advisor for admins: the same checks as `vitrine advisor` (monitoring/advisor), run on request against
// this instance's stores and metrics, prioritised by severity, each with its evidence and the fix.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

const FindingDto = z.object({
  id: z.string(),
  category: z.enum(['cost', 'security', 'performance', 'fault_tolerance']),
  severity: z.enum(['high', 'medium', 'low']),
  title: z.string(),
  evidence: z.string(),
  fix: z.string(),
});
const RANK = { high: 0, medium: 1, low: 2 } as const;

export const adminAdvisorRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.get(
    '/api/admin/advisor',
    { preHandler: requirePermission('advisor:read'), schema: { response: { 200: z.object({ checkedAt: z.string(), findings: z.array(FindingDto) }) } } },
    async () => {
      const findings = await services.advisor.run();
      return { checkedAt: new Date().toISOString(), findings: [...findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]) };
    },
  );
};
