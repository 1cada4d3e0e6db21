// Layer 3, Compute (the design's EC2 behind an ELB): the HTTP API. Stateless: any number of instances can run
// behind a load balancer; what lives in memory here is only a cache of the databases.
// Loaded in three layers, as Fastify's demo app does: external plugins (and error handling), then the app's own
// plugins (the session: who is calling, CSRF checks), then routes.
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyHttpOptions, type FastifyInstance } from 'fastify';
import type http from 'node:http';
import { readFileSync } from 'node:fs';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { constants as zlib } from 'node:zlib';
import { loggerOptions, requestId } from '../../monitoring/logger.ts';
import { tracing } from '../../monitoring/tracing.ts';
import { AccessLog } from './access-log.ts';
import { lazyChildLogger } from './request-logger.ts';
import { errorHandler, HttpError } from './errors.ts';
import { registerOpenApi } from './openapi.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { sessionPlugin } from './plugins/session.ts';
import type { ApiServices } from './ports.ts';
import { accountRoutes } from './routes/account.ts';
import { adminRoutes } from './routes/admin.ts';
import { adminAssetRoutes } from './routes/admin-assets.ts';
import { adminMediaRoutes } from './routes/admin-media.ts';
import { adminAdvisorRoutes } from './routes/admin-advisor.ts';
import { adminAuditRoutes } from './routes/admin-audit.ts';
import { adminCustomerRoutes } from './routes/admin-customers.ts';
import { adminDashboardRoutes } from './routes/admin-dashboard.ts';
import { eventRoutes } from './routes/events.ts';
import { adminJobRoutes } from './routes/admin-jobs.ts';
import { adminOrderRoutes } from './routes/admin-orders.ts';
import { adminProductRoutes } from './routes/admin-products.ts';
import { assetRoutes } from './routes/assets.ts';
import { authRoutes } from './routes/auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { commerceRoutes } from './routes/commerce.ts';
import { stripeWebhookRoutes } from './routes/stripe-webhook.ts';
import { uploadRoutes } from './routes/uploads.ts';
import { healthRoutes } from './routes/health.ts';
import { webRoutes } from './routes/web.ts';

export interface AppOptions {
  readonly logLevel: string;
  /** Trust X-Forwarded-* from the load balancer / CDN in front (never on a directly exposed node); default TRUST_PROXY. */
  readonly trustProxy?: boolean | number | string[];
}

export async function buildApp(services: ApiServices, opts: AppOptions): Promise<FastifyInstance> {
  const { TLS_CERT_FILE, TLS_KEY_FILE } = services.config;
  // HTTPS mode (a node exposed without a TLS-terminating proxy). Passed through a typed-as-HTTP options object on
  // purpose: Fastify's typings give an HTTPS server another instance type, while requests and replies (all the app
  // touches) are the same; listen() reports an https:// address.
  const tls: { https?: { cert: Buffer; key: Buffer } } = TLS_CERT_FILE && TLS_KEY_FILE ? { https: { cert: readFileSync(TLS_CERT_FILE), key: readFileSync(TLS_KEY_FILE) } } : {};
  const options: FastifyHttpOptions<http.Server> = {
    ...tls,
    logger: loggerOptions(opts.logLevel, 'vitrine-api'),
    genReqId: requestId,
    requestIdHeader: false,
    logController: new AccessLog(),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: 1024 * 1024, // JSON bodies; uploads go straight to object storage, never through this limit
    trustProxy: trustProxyOption(opts.trustProxy ?? services.config.TRUST_PROXY),
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // The router's own refusals (a malformed URL, a parameter over maxParamLength) in the API's error shape too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
  };
  const app = Fastify(options).withTypeProvider<ZodTypeProvider>();
  // First, so every later hook and handler runs inside the request's span (when tracing is on; nothing otherwise).
  tracing()?.instrumentFastify(app);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.addHook('onResponse', (req, reply, done) => {
    // Route patterns, not URLs, as labels: a label per product slug would explode the series count.
    services.metrics.recordHttp(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // The request id and the security headers on every response, in one hook.
  await registerSecurityHeaders(app, {
    assetOrigin: services.assetBaseUrl ? new URL(services.assetBaseUrl).origin : undefined,
    uploadOrigin: (await services.objects.uploadOrigin()) ?? undefined,
    hsts: tls.https !== undefined || (services.config.PUBLIC_URL?.startsWith('https://') ?? false),
  });
  // A GET or HEAD has no body to decompress: without this, @fastify/compress would run its request hook on every
  // read. Added before the plugin, whose own onRoute hook reads the setting.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'GET' || m === 'HEAD') && route.decompress === undefined) route.decompress = false;
  });
  await app.register(fastifyCookie);
  await app.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    // Brotli's default (11) costs ~50x more CPU than 4 for a few % on JSON; the CDN caches the result anyway.
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });

  // Rate limits on state changes (sign-ups, carts, checkouts, uploads…), per client IP (the real one behind
  // TRUST_PROXY) and per instance. Reads are left to the CDN and the in-memory catalog. A direct loopback caller
  // with no proxy configured is the operator's own machine (health checks, benchmarks): not limited.
  const trusted = services.config.TRUST_PROXY !== false;
  // Attached route by route to state-changing methods only (before the plugin, whose own onRoute hook reads
  // `config.rateLimit`): reads, the hot path, carry no rate-limit hook at all.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => UNSAFE_METHODS.has(m))) return;
    const config = (route.config ?? {}) as { rateLimit?: object };
    route.config = { ...config, rateLimit: { max: services.config.RATE_LIMIT_WRITES_PER_MINUTE, timeWindow: 60_000, ...config.rateLimit } };
  });
  await app.register(fastifyRateLimit, {
    global: false,
    allowList: (req) => !trusted && LOOPBACK.has(req.socket.remoteAddress ?? ''),
    keyGenerator: (req) => req.ip,
    errorResponseBuilder: (_req, ctx) =>
      new HttpError(429, 'RATE_LIMITED', `Too many requests from this address: at most ${ctx.max} a minute; retry in ${Math.max(1, Math.ceil(ctx.ttl / 1000))} s`),
  });

  // Before the routes: it documents each route as it is added.
  await registerOpenApi(app);

  // The app's own plugins: who is calling (session cookie → req.account) and CSRF checks on every state change.
  await app.register(sessionPlugin, { services });

  await app.register(healthRoutes, { services });
  await app.register(catalogRoutes, { services });
  await app.register(authRoutes, { services });
  await app.register(adminRoutes, { services });
  await app.register(commerceRoutes, { services });
  await app.register(accountRoutes, { services });
  await app.register(adminOrderRoutes, { services });
  await app.register(adminCustomerRoutes, { services });
  await app.register(adminDashboardRoutes, { services });
  await app.register(eventRoutes, { services });
  await app.register(adminProductRoutes, { services });
  await app.register(adminJobRoutes, { services });
  await app.register(adminAuditRoutes, { services });
  await app.register(adminAdvisorRoutes, { services });
  await app.register(stripeWebhookRoutes, { services });
  await app.register(assetRoutes, { services });
  await app.register(uploadRoutes, { services });
  await app.register(adminAssetRoutes, { services });
  await app.register(adminMediaRoutes, { services });
  await app.register(webRoutes, { services });
  return app;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** TRUST_PROXY as Fastify takes it: a number of proxies in front becomes "trust that many hops" (its typings lack numbers). */
function trustProxyOption(v: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof v === 'number' ? (_address, hop) => hop < v : v;
}
