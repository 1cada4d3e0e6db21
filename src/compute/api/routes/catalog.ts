// Catalog reads, served from the in-memory read model (never a DynamoDB round trip per request).
// Responses carry a strong ETag of their bytes and the CDN caching contract (s-maxage + stale-while-revalidate),
// and are serialised once per change of the data (response-cache.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CATALOG } from '../../../delivery/cache-policy.ts';
import { notModified } from '../../../delivery/conditional.ts';
import { encodedEtag, negotiateEncoding } from '../../../delivery/encoding.ts';
import { isSlug } from '../../../domain/catalog.ts';
import { notFound } from '../errors.ts';
import type { ApiServices } from '../ports.ts';
import { ResponseCache, type CachedResponse } from '../response-cache.ts';
import { CategoryListDto, ProductDetailDto, ProductListDto, assetUrlFor, productDetail, productSummary } from '../views.ts';

const slug = z.string().max(96).refine(isSlug, { message: 'must be a slug (lowercase words joined by hyphens)' });

export const catalogRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { catalog, stock } = services;
  const url = assetUrlFor(services.assetBaseUrl);
  const cache = new ResponseCache(2000, (hit) => services.metrics.responseCache.inc({ result: hit ? 'hit' : 'miss' }));

  app.get(
    '/api/products',
    {
      compress: false, // compressed once per data change by the response cache, not per request
      config: { session: false }, // the same for every caller: no session lookup
      schema: {
        querystring: z.object({
          category: slug.optional(),
          limit: z.coerce.number({ message: 'must be a whole number from 1 to 100' }).int('must be a whole number from 1 to 100').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
          cursor: z.string().max(512, 'is too long').optional(),
        }),
        response: { 200: ProductListDto },
      },
    },
    async (req, reply) => {
      const { category, limit, cursor } = req.query;
      if (category && !catalog.categories().some((c) => c.slug === category)) throw notFound(`Category ${JSON.stringify(category)}`);
      const key = `list|${category ?? ''}|${limit}|${cursor ?? ''}`;
      return send(req, reply, cache.get(key, String(catalog.generation), () => {
        const page = catalog.listPublished({ category, limit, cursor });
        const items = page.items.map((p) => productSummary(p, p.assetId ? catalog.asset(p.assetId) : undefined, url));
        return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
      }));
    },
  );

  app.get(
    '/api/products/:slug',
    { compress: false, config: { session: false }, schema: { params: z.object({ slug }), response: { 200: ProductDetailDto } } },
    async (req, reply) => {
      const p = catalog.productBySlug(req.params.slug);
      if (!p) throw notFound(`Product ${JSON.stringify(req.params.slug)}`);
      return send(req, reply, cache.get(`product|${p.slug}`, `${catalog.generation}.${stock.generation}`, () =>
        productDetail(p, p.assetId ? catalog.asset(p.assetId) : undefined, (id) => stock.onHand(id), url),
      ));
    },
  );

  app.get('/api/categories', { compress: false, config: { session: false }, schema: { response: { 200: CategoryListDto } } }, async (req, reply) =>
    // Shoppers see only categories with something to buy in them.
    send(req, reply, cache.get('categories', String(catalog.generation), () => ({
      items: catalog
        .categories()
        .filter((c) => c.productCount > 0)
        .map(({ slug, name, productCount }) => ({ slug, name, productCount })),
    }))),
  );
};

/**
 * Sends bytes serialised (and compressed) once per data generation, each encoding with its own strong ETag,
 * answering 304 when the client or CDN already has them. Buffers skip Fastify's serializer: the zod response
 * schemas above are the documented contract, checked by the HTTP tests.
 */
function send(req: FastifyRequest, reply: FastifyReply, res: CachedResponse): FastifyReply {
  const { bytes, encoding } = res.body(negotiateEncoding(req.headers['accept-encoding']));
  const etag = encodedEtag(res.etag, encoding);
  reply.header('cache-control', CATALOG).header('etag', etag).header('vary', 'Accept-Encoding');
  if (notModified(req.headers['if-none-match'], etag)) return reply.code(304).send();
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.type('application/json; charset=utf-8').send(bytes);
}
