// The storefront's view beacon: product pages are served from the response cache and the CDN, so the API never
// sees most views; the page itself reports one with navigator.sendBeacon. A view is counted per UTC day and
// product (databases/relational/dashboard.ts) for the merchant's funnel. Nothing about the visitor is kept: no
// cookie is read, no address or agent stored, only the count.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordProductView } from '../../../databases/relational/dashboard.ts';
import { HttpError } from '../errors.ts';
import { checkSameOrigin } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

/** A view a minute more than a shopper clicking through products could make: beyond it, a script is counting. */
const VIEWS_PER_MINUTE = 60;

export const eventRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const publicOrigin = services.config.PUBLIC_URL ? new URL(services.config.PUBLIC_URL).origin : undefined;
  // sendBeacon cannot set headers: a string body goes as text/plain. In this plugin only, such a body is JSON.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpError(400, 'INVALID_REQUEST', 'body: must be JSON such as {"slug":"oak-chair"}'), undefined);
    }
  });

  app.post(
    '/api/events/view',
    {
      bodyLimit: 1024,
      // No CSRF token (a beacon carries no header) and no session lookup (nothing here depends on who it is); the
      // Origin check below still refuses another site's page.
      config: { csrf: false, session: false, rateLimit: { max: VIEWS_PER_MINUTE, timeWindow: 60_000 } },
      schema: {
        body: z.object({ slug: z.string().min(1).max(96).regex(/^[a-z0-9-]+$/, 'must be a product slug') }).strict(),
        response: { 204: z.null().describe('Counted (or, for a product not on sale, ignored)') },
      },
    },
    async (req, reply) => {
      checkSameOrigin(req, publicOrigin);
      // Only published products are counted: a made-up slug never makes a row.
      const product = services.catalog.productBySlug(req.body.slug);
      if (product) await recordProductView(services.db, product.id);
      return reply.code(204).send(null);
    },
  );
};
