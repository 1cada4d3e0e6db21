// Liveness and readiness, the targets of the load balancer's and Route 53's health checks.
import type { FastifyPluginAsync } from 'fastify';
import { NO_STORE } from '../../../delivery/cache-policy.ts';
import { checkReadiness } from '../../../monitoring/health.ts';
import type { ApiServices } from '../ports.ts';
import { notFound } from '../errors.ts';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const Liveness = z.object({ status: z.literal('ok') });
const ReadinessDto = z.object({
  status: z.enum(['ready', 'degraded', 'not_ready']),
  checks: z.record(z.string(), z.object({ status: z.enum(['up', 'down']), latencyMs: z.number(), error: z.string().optional() })),
});

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const healthRoutes: FastifyPluginAsync<{ services: ApiServices }> = async (app, { services }) => {
  // Liveness: the event loop answers. Never checks dependencies, so a database outage does not restart every node.
  app.get('/healthz', { logLevel: 'warn', config: { session: false }, schema: { response: { 200: Liveness } } }, async (_req, reply) => reply.header('cache-control', NO_STORE).send({ status: 'ok' }));

  // Prometheus scrape endpoint: never public (a bearer token, or loopback callers when no token is configured).
  app.get('/metrics', { logLevel: 'warn', config: { session: false } }, async (req, reply) => {
    const token = services.config.METRICS_TOKEN;
    const allowed = token
      ? safeEqual(req.headers.authorization ?? '', `Bearer ${token}`)
      : req.socket.remoteAddress === '127.0.0.1' || req.socket.remoteAddress === '::1' || req.socket.remoteAddress === '::ffff:127.0.0.1';
    if (!allowed) throw notFound('Route GET /metrics'); // do not advertise that it exists
    const { registry } = services.metrics;
    return reply.header('cache-control', NO_STORE).type(registry.contentType).send(await registry.metrics());
  });

  app.get('/readyz', { logLevel: 'warn', config: { session: false }, schema: { response: { 200: ReadinessDto, 503: ReadinessDto } } }, async (_req, reply) => {
    const r = await checkReadiness(services.readiness);
    return reply
      .code(r.status === 'not_ready' ? 503 : 200)
      .header('cache-control', NO_STORE)
      .send(r);
  });
};
