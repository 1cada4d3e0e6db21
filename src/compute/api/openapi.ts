// The API's OpenAPI 3 document, generated from the same zod schemas that validate every request and response
// (so it cannot drift from the code), at /api/openapi.json, with a browsable Swagger UI at /api/docs. Only /api
// and the health probes are documented; the web app's pages and the asset files are not an API.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const DOCS = '/api/docs';
const zodTransform = createJsonSchemaTransform({ skipList: [] });

/** Every error is `{ error: { code, message } }` (errors.ts); documented once for all routes. */
const ErrorBody = {
  description: 'An error: a machine-readable code and a message for people',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        currentStatus: { type: 'string', description: 'On an illegal order move (409): the order status now' },
        fields: {
          type: 'array',
          description: 'On invalid input (400): each field at fault, as a dotted path into the request ("variants.0.price"), and what is wrong with it',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
        },
        currentVersion: { type: 'integer', description: 'On a stale edit (409): the version stored now' },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

const documented = (url: string): boolean => (url.startsWith('/api/') && !url.startsWith(`${DOCS}`)) || url === '/healthz' || url === '/readyz';

/** The app's version: from the nearest package.json above this module (the sources, or the built dist/server/). */
function packageVersion(): string {
  for (let url = new URL('./package.json', import.meta.url); ; ) {
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'vitrine') return pkg.version ?? '0.0.0';
    } catch {
      // no package.json here: look one folder up
    }
    const up = new URL('../package.json', url);
    if (up.href === url.href) return '0.0.0';
    url = up;
  }
}

export async function registerOpenApi(app: FastifyInstance, version = packageVersion()): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vitrine API',
        version,
        description:
          'The storefront, account and merchant API of a Vitrine shop. Money is always { amount: integer minor units, currency }. ' +
          'State-changing requests need the x-csrf-token header from GET /api/auth/csrf; checkout and refunds need an Idempotency-Key.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'vitrine_session' } } },
    },
    transform: (input) => {
      if (!documented(input.url)) return { schema: { hide: true }, url: input.url };
      const out = zodTransform(input);
      const schema = (out.schema ?? {}) as { response?: Record<string, unknown> };
      schema.response = { ...schema.response, '4XX': ErrorBody, '5XX': ErrorBody };
      return { ...out, schema };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS, uiConfig: { deepLinking: true, tryItOutEnabled: false }, staticCSP: false });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
