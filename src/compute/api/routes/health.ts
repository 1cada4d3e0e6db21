// Liveness and readiness, the targets of the load balancer's and Route 53's health checks.
import type { FastifyPluginAsync } from 'fastify';
import { NO_STORE } from '../../../delivery/cache-policy.ts';
import { checkReadiness } from '../../../monitoring/health.ts';
import type { ApiServices } from '../ports.ts';

export const healthRoutes: FastifyPluginAsync<{ services: ApiServices }> = async (app, { services }) => {
  // Liveness: the event loop answers. Never checks dependencies, so a database outage does not restart every node.
  app.get('/healthz', { logLevel: 'warn' }, async (_req, reply) => reply.header('cache-control', NO_STORE).send({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    const r = await checkReadiness(services.readiness);
    return reply
      .code(r.status === 'not_ready' ? 503 : 200)
      .header('cache-control', NO_STORE)
      .send(r);
  });
};
