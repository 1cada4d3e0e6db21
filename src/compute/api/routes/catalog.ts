// Catalog reads, served from the in-memory read model (never a DynamoDB round trip per request).
// Responses carry a strong ETag of their bytes and the CDN caching contract (s-maxage + stale-while-revalidate),
// and are serialised once per change of the data (response-cache.ts). The plain listing (the storefront's hot path)
// has a cache of its own; filtered and sorted listings and searches are computed on a miss and cached in a second,
// smaller one, so however many different filters are asked for, they never evict the plain pages.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CATALOG } from '../../../delivery/cache-policy.ts';
import { notModified } from '../../../delivery/conditional.ts';
import { encodedEtag, negotiateEncoding } from '../../../delivery/encoding.ts';
import { isSlug, type Product } from '../../../domain/catalog.ts';
import { SORT_ORDERS, type Facets } from '../../../databases/catalog/browse.ts';
import { MAX_QUERY_LENGTH } from '../../../databases/catalog/search-index.ts';
import { notFound } from '../errors.ts';
import type { ApiServices } from '../ports.ts';
import { ResponseCache, type CachedResponse } from '../response-cache.ts';
import { CategoryListDto, FeaturedDto, ProductDetailDto, ProductListDto, SearchResultDto, assetUrlFor, productDetail, productSummary } from '../views.ts';

const slug = z.string().max(96).refine(isSlug, { message: 'must be a slug (lowercase words joined by hyphens)' });

/** At most this many products on the home page's featured shelf. */
const MAX_FEATURED = 24;
/** At most this many `option` filters in one request. */
const MAX_OPTION_FILTERS = 20;
const price = z.coerce
  .number({ message: 'must be a whole number of minor units' })
  .int('must be a whole number of minor units')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large')
  .optional();
const optionFilter = z
  .string()
  .max(200, 'is too long')
  .regex(/^[^:]+:.+$/s, 'must be Name:Value, e.g. Colour:Walnut');

const listQuery = z
  .object({
    category: slug.optional(),
    limit: z.coerce.number({ message: 'must be a whole number from 1 to 100' }).int('must be a whole number from 1 to 100').min(1, 'must be at least 1').max(100, 'must be at most 100').default(20),
    cursor: z.string().max(512, 'is too long').optional(),
    sort: z.enum(SORT_ORDERS, { message: `must be one of ${SORT_ORDERS.join(', ')}` }).default('featured').describe('featured (the merchant’s order), price-asc, price-desc, newest, name'),
    minPrice: price.describe('Lowest variant price to include, in minor units'),
    maxPrice: price.describe('Highest variant price to include, in minor units'),
    option: z
      .union([optionFilter, z.array(optionFilter).max(MAX_OPTION_FILTERS)], {
        message: `must be Name:Value (e.g. Colour:Walnut), given at most ${MAX_OPTION_FILTERS} times`,
      })
      .optional()
      .describe('Option filter Name:Value (e.g. Colour:Walnut), repeatable: values of one option are alternatives, options combine'),
    inStock: z.enum(['true', 'false'], { message: 'must be true or false' }).optional().describe('true: only products with a matching variant in stock'),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'must not be more than maxPrice',
    path: ['minPrice'],
  });

/** `option` values as a map of option name → accepted values. */
function optionFilters(raw: string | string[] | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const pair of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
    const colon = pair.indexOf(':');
    const name = pair.slice(0, colon);
    let values = out.get(name);
    if (!values) out.set(name, (values = new Set()));
    values.add(pair.slice(colon + 1));
  }
  return out;
}

export const catalogRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { catalog, stock } = services;
  const url = assetUrlFor(services.assetBaseUrl);
  const entries = services.catalogCacheEntries ?? 2000;
  // The counters' labelled children looked up once, not per request.
  const hits = services.metrics.responseCache.labels({ result: 'hit' });
  const misses = services.metrics.responseCache.labels({ result: 'miss' });
  const count = (hit: boolean) => (hit ? hits : misses).inc();
  const cache = new ResponseCache(entries, count);
  const dynamic = new ResponseCache(Math.ceil(entries / 2), count);
  const onHand = (variantId: string): number => stock.onHand(variantId);
  const summaries = (items: readonly Product[]) => items.map((p) => productSummary(p, p.assetId ? catalog.asset(p.assetId) : undefined, url));

  app.get(
    '/api/products',
    {
      compress: false, // compressed once per data change by the response cache, not per request
      config: { session: false }, // the same for every caller: no session lookup
      schema: { querystring: listQuery, response: { 200: ProductListDto } },
    },
    async (req, reply) => {
      const { category, limit, cursor, sort, minPrice, maxPrice, option, inStock } = req.query;
      if (category && !catalog.categories().some((c) => c.slug === category)) throw notFound(`Category ${JSON.stringify(category)}`);
      // A first page carries facets, whose in-stock count follows the stock view; later pages only the catalog.
      const generation = cursor === undefined ? `${catalog.generation}.${stock.generation}` : String(catalog.generation);
      if (sort === 'featured' && minPrice === undefined && maxPrice === undefined && option === undefined && inStock !== 'true') {
        const key = `list|${category ?? ''}|${limit}|${cursor ?? ''}`;
        return send(req, reply, cache.get(key, generation, () => {
          if (cursor === undefined) return listAnswer(catalog.browse({ category, limit, facets: true, onHand, onHandGeneration: stock.generation }));
          return listAnswer(catalog.listPublished({ category, limit, cursor }));
        }));
      }
      const options = optionFilters(option);
      const filters = { minPrice, maxPrice, options, inStock: inStock === 'true' };
      const optionKey = [...options].map(([name, values]) => `${name}=${[...values].sort().join('\u0000')}`).sort().join('\u0001');
      const key = `browse|${category ?? ''}|${limit}|${cursor ?? ''}|${sort}|${minPrice ?? ''}|${maxPrice ?? ''}|${filters.inStock}|${optionKey}`;
      return send(req, reply, dynamic.get(key, generation, () =>
        listAnswer(catalog.browse({ category, limit, cursor, sort, ...filters, onHand, onHandGeneration: stock.generation, facets: cursor === undefined })),
      ));
    },
  );

  function listAnswer(page: { items: Product[]; nextCursor?: string; total?: number; facets?: Facets }) {
    return {
      items: summaries(page.items),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      ...(page.total === undefined ? {} : { total: page.total }),
      ...(page.facets ? { facets: page.facets } : {}),
    };
  }

  app.get(
    '/api/search',
    {
      compress: false,
      config: { session: false },
      schema: {
        querystring: z.object({
          q: z
            .string({ message: 'is required' })
            .trim()
            .min(1, 'must not be empty')
            .max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`)
            .describe('What the shopper typed: typos and unfinished words are fine'),
          limit: z.coerce.number({ message: 'must be a whole number from 1 to 20' }).int('must be a whole number from 1 to 20').min(1, 'must be at least 1').max(20, 'must be at most 20').default(10),
        }),
        response: { 200: SearchResultDto },
      },
    },
    async (req, reply) => {
      const { q, limit } = req.query;
      // Case and spacing never change the answer, so "Oak  Chair" and "oak chair" share one cached response.
      const normalized = q.toLowerCase().replace(/\s+/g, ' ');
      return send(req, reply, dynamic.get(`search|${limit}|${normalized}`, String(catalog.generation), () => {
        const found = catalog.search(normalized, limit);
        return found.suggestion === undefined ? { items: summaries(found.items) } : { items: summaries(found.items), suggestion: found.suggestion };
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
        productDetail(p, p.assetId ? catalog.asset(p.assetId) : undefined, (id) => stock.onHand(id), url, catalog.media(p.id)),
      ));
    },
  );

  /** The poster of a category's first product in the merchant's order (what its tile on the home page shows). */
  const categoryPoster = (slug: string): string | null => {
    const first = catalog.listPublished({ category: slug, limit: 1 }).items[0];
    return first ? productSummary(first, first.assetId ? catalog.asset(first.assetId) : undefined, url).poster : null;
  };

  app.get('/api/categories', { compress: false, config: { session: false }, schema: { response: { 200: CategoryListDto } } }, async (req, reply) =>
    // Shoppers see only categories with something to buy in them.
    send(req, reply, cache.get('categories', String(catalog.generation), () => ({
      items: catalog
        .categories()
        .filter((c) => c.productCount > 0)
        .map(({ slug, name, productCount }) => ({ slug, name, productCount, poster: categoryPoster(slug) })),
    }))),
  );

  app.get(
    '/api/featured',
    {
      compress: false,
      config: { session: false },
      schema: {
        querystring: z.object({
          limit: z.coerce.number({ message: 'must be a whole number from 1 to 24' }).int('must be a whole number from 1 to 24').min(1, 'must be at least 1').max(MAX_FEATURED, `must be at most ${MAX_FEATURED}`).default(8),
        }),
        response: { 200: FeaturedDto },
      },
    },
    async (req, reply) => {
      const { limit } = req.query;
      return send(req, reply, cache.get(`featured|${limit}`, String(catalog.generation), () => ({ items: summaries(featured(limit)) })));
    },
  );

  /**
   * The shop's front window: each category's first products in the merchant's order (rank), taken in turn (every
   * category's first, then every category's second...), so the home page shows the range rather than one aisle.
   */
  function featured(limit: number): Product[] {
    const lists = catalog.categories().map((c) => catalog.listPublished({ category: c.slug, limit }).items);
    const out: Product[] = [];
    for (let i = 0; out.length < limit && lists.some((l) => i < l.length); i++) {
      for (const l of lists) if (i < l.length && out.length < limit) out.push(l[i]!);
    }
    return out;
  }
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
