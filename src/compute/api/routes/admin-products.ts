// The merchant's product editor (issue #8). Needs `catalog:write` (merchants and admins); every write is audited
// with the product before and after.
//
//   GET   /api/admin/products?q=&status=published|draft&limit=&cursor=   drafts too, newest first (keyset pages)
//   GET   /api/admin/categories               every category (the editor's choices) and the store currency
//   POST  /api/admin/description-preview      { description } → { html }: the Markdown as shoppers will see it
//   GET   /api/admin/products/:productId                 the product, its stock per variant, its 3D model's status
//   POST  /api/admin/products                     { title, slug?, category?, price?, description? } → 201, a draft
//   PATCH /api/admin/products/:productId                 { version, title?, slug?, description?, category?, options?, variants? }
//   POST  /api/admin/products/:productId/publish         { version }   shown in its category, in search, at /p/:slug
//   POST  /api/admin/products/:productId/unpublish       { version }   gone from the storefront (its page 404s)
//
// Optimistic concurrency: each write names the version it was made from, and the catalog's conditional write
// (CatalogRepository.putProduct) refuses it if the product changed since: 409 with `currentVersion`, so two merchants
// never overwrite each other silently. Invalid input is 400 with `fields` (each field at fault and why), from zod for
// shapes and limits and from domain/product-edit.ts for the rules. Stock lives in Postgres (inventory): a variant's
// count is written only when the request names it, so an edit never undoes sales made since the form was loaded.
//
// The catalog is in DynamoDB and the audit log in Postgres: the entry (with the stock change, in one transaction)
// follows the catalog write, as for model uploads and credits. This instance serves the write at once (applyLocal);
// the others pick it up from the change feed within CATALOG_REFRESH_MS.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { fromPrice, isSlug, slugify, type Asset3D, type Product, type ProductStatus, type Variant } from '../../../domain/catalog.ts';
import { PRODUCT_LIMITS, publishProblems, validateProductDraft, type DraftVariant, type ProductDraft } from '../../../domain/product-edit.ts';
import { CatalogConflictError } from '../../../databases/catalog/repository.ts';
import { recordAudit } from '../../../databases/relational/audit.ts';
import { setStock, stockFor } from '../../../databases/relational/inventory.ts';
import { HttpError, invalidFields, notFound } from '../errors.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import { renderDescription } from '../markdown.ts';
import type { ApiServices } from '../ports.ts';
import { MoneyDto, assetUrlFor } from '../views.ts';

const BODY_LIMIT = 128 * 1024;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
// Named as the model-upload routes under the same path name it: the router shares one parameter name per position.
const params = z.object({ productId: z.string().regex(ID, 'must be a product id') });
const version = z.number({ message: 'is required: the version you loaded' }).int('must be a whole number').min(1, 'must be at least 1');
const noControl = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
const price = z.number({ message: 'must be a number of minor units (cents)' }).int('must be a whole number of minor units (cents)').max(PRODUCT_LIMITS.price, 'is too large');
// Descriptions may hold line breaks and tabs, nothing else of the control characters.
const description = z
  .string()
  .max(PRODUCT_LIMITS.description, `must be at most ${PRODUCT_LIMITS.description} characters`)
  .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'must not contain control characters');
const categoryField = z.string().max(96, 'must be at most 96 characters').describe('A category slug; "" for none (drafts only)');

const OptionInput = z
  .object({
    name: noControl(PRODUCT_LIMITS.optionName).trim(),
    values: z.array(noControl(PRODUCT_LIMITS.optionValue).trim()).max(PRODUCT_LIMITS.valuesPerOption, `may have at most ${PRODUCT_LIMITS.valuesPerOption} values`),
  })
  .strict();
const VariantInput = z
  .object({
    id: z.string().regex(ID, 'must be a variant id of this product').optional().describe('Absent for a new variant'),
    sku: z.string().max(PRODUCT_LIMITS.sku, `must be at most ${PRODUCT_LIMITS.sku} characters`).trim().optional().describe('Made from the slug and options when absent'),
    options: z.record(z.string().max(PRODUCT_LIMITS.optionName), z.string().max(PRODUCT_LIMITS.optionValue)).default({}),
    price,
    materialVariant: z.string().max(200).nullable().optional().describe('The model’s KHR_materials_variants name this variant shows; null for none'),
    stock: z.number({ message: 'must be a whole number' }).int('must be a whole number').optional().describe('Units on hand; absent leaves the count as it is'),
  })
  .strict();

const CreateBody = z
  .object({
    title: noControl(PRODUCT_LIMITS.title).trim(),
    slug: z.string().max(96, 'must be at most 96 characters').optional().describe('Made from the title when absent'),
    description: description.optional(),
    category: categoryField.optional(),
    price: price.optional().describe('The first variant’s price in minor units; 0 when absent'),
  })
  .strict();

const PatchBody = z
  .object({
    version,
    title: noControl(PRODUCT_LIMITS.title).trim().optional(),
    slug: z.string().max(96, 'must be at most 96 characters').optional(),
    description: description.optional(),
    category: categoryField.optional(),
    extraCategories: z.array(z.string().max(96, 'must be at most 96 characters')).max(PRODUCT_LIMITS.extraCategories, `may name at most ${PRODUCT_LIMITS.extraCategories} more categories`).optional().describe('Other categories it is listed in too (the whole list)'),
    options: z.array(OptionInput).max(PRODUCT_LIMITS.options, `may have at most ${PRODUCT_LIMITS.options} options`).optional(),
    variants: z.array(VariantInput).max(PRODUCT_LIMITS.variants, `may have at most ${PRODUCT_LIMITS.variants} variants`).optional().describe('The whole list: variants left out are removed'),
  })
  .strict();

const StatusEnum = z.enum(['draft', 'published', 'archived']);
const AdminVariantDto = z.object({
  id: z.string(),
  sku: z.string(),
  options: z.record(z.string(), z.string()),
  price: MoneyDto,
  materialVariant: z.string().optional(),
  stock: z.number().int().describe('Units on hand (Postgres inventory)'),
});
const AdminProductDto = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  description: z.string().describe('Markdown, as the merchant wrote it'),
  category: z.string(),
  extraCategories: z.array(z.string()).describe('Other categories it is listed in too'),
  status: StatusEnum,
  options: z.array(z.object({ name: z.string(), values: z.array(z.string()) })),
  variants: z.array(AdminVariantDto),
  assetId: z.string().nullable(),
  version: z.number().int().describe('Send it back with the next edit'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ModelStatusDto = z
  .object({
    assetId: z.string(),
    status: z.enum(['pending', 'processing', 'ready', 'failed']),
    materialVariants: z.array(z.string()).describe('KHR_materials_variants names: what a variant may show'),
    poster: z.string().nullable(),
    error: z.string().optional(),
  })
  .describe('The 3D model the storefront shows for this product');
const AdminProductAnswer = z.object({ product: AdminProductDto, model: ModelStatusDto.nullable() });
const AdminProductSummaryDto = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  status: StatusEnum,
  category: z.string(),
  price: MoneyDto.nullable().describe('The lowest variant price'),
  variants: z.number().int(),
  poster: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const CategoryChoicesDto = z.object({
  items: z.array(z.object({ slug: z.string(), name: z.string(), productCount: z.number().int().describe('Published products in it') })),
  currency: z.string().describe('The store currency new prices are in'),
});

type ProductAnswer = z.infer<typeof AdminProductAnswer>;

export const adminProductRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { db, catalog, catalogWriter: repo } = services;
  const currency = services.config.CURRENCY;
  const url = assetUrlFor(services.assetBaseUrl);
  const write = requirePermission('catalog:write');
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  const load = async (id: string): Promise<Product> => {
    const p = await repo.getProduct(id);
    if (!p) throw notFound('Product');
    return p;
  };
  const assetOf = async (p: Product): Promise<Asset3D | null> => (p.assetId ? repo.getAsset(p.assetId) : null);
  const answer = async (p: Product, stock?: Map<string, number>): Promise<ProductAnswer> => {
    const counts = stock ?? (await stockFor(db, p.variants.map((v) => v.id)));
    const asset = await assetOf(p);
    return {
      product: {
        id: p.id,
        slug: p.slug,
        title: p.title,
        description: p.description,
        category: p.category,
        extraCategories: [...(p.extraCategories ?? [])],
        status: p.status,
        options: p.options.map((o) => ({ name: o.name, values: [...o.values] })),
        variants: p.variants.map((v) => ({
          id: v.id,
          sku: v.sku,
          options: { ...v.options },
          price: v.price,
          ...(v.materialVariant ? { materialVariant: v.materialVariant } : {}),
          stock: counts.get(v.id) ?? 0,
        })),
        assetId: p.assetId ?? null,
        version: p.version,
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
      },
      model: asset
        ? {
            assetId: asset.id,
            status: asset.status,
            materialVariants: [...asset.materialVariants],
            poster: asset.status === 'ready' && asset.posterKey ? url(asset.posterKey) : null,
            ...(asset.error ? { error: asset.error } : {}),
          }
        : null,
    };
  };
  const categorySlugs = (): Set<string> => new Set(catalog.categories().map((c) => c.slug));
  /**
   * The names a variant may map to: the model's, once it is processed. A model not (or no longer) ready cannot be
   * checked against, so only the mappings already stored stay allowed; no model at all allows none.
   */
  const materialVariantsOf = (asset: Asset3D | null, p: Product): readonly string[] | null => {
    if (!asset) return null;
    if (asset.status === 'ready') return asset.materialVariants;
    return p.variants.flatMap((v) => (v.materialVariant ? [v.materialVariant] : []));
  };

  /**
   * The conditional write, then the stock and the audit entry in one Postgres transaction. A lost race is told
   * apart from a taken slug by reading the product again.
   */
  const save = async (req: FastifyRequest, action: string, before: Product, next: Product, stock: readonly { variantId: string; onHand: number }[]): Promise<ProductAnswer> => {
    const stockBefore = await stockFor(db, [...new Set([...before.variants, ...next.variants].map((v) => v.id))]);
    let saved: Product;
    try {
      saved = await repo.putProduct(next, before.version);
    } catch (err) {
      if (err instanceof CatalogConflictError) throw await conflict(before.id, before.version, next.slug);
      throw err;
    }
    catalog.applyLocal({ kind: 'product', value: saved });
    const stockAfter = new Map(stockBefore);
    for (const row of stock) stockAfter.set(row.variantId, row.onHand);
    await db.transaction().execute(async (trx) => {
      if (stock.length > 0) await setStock(trx, stock.map((r) => ({ ...r, productId: saved.id })));
      await recordAudit(trx, actorOf(req), {
        action,
        target: { type: 'product', id: saved.id },
        before: snapshot(before, stockBefore),
        after: snapshot(saved, stockAfter),
      });
    });
    return answer(saved, stockAfter);
  };

  const conflict = async (id: string, expected: number, slug: string): Promise<HttpError> => {
    const now = await repo.getProduct(id);
    if (now && now.version !== expected) return stale(now.version);
    return slugTaken(slug);
  };

  app.get(
    '/api/admin/products',
    {
      preHandler: write,
      schema: {
        querystring: z
          .object({
            q: z.string().trim().max(200, 'must be at most 200 characters').optional().describe('Words in the title or slug'),
            status: z.enum(['published', 'draft'], { message: 'must be published or draft' }).optional(),
            limit: z.coerce.number({ message: 'must be a whole number from 1 to 100' }).int('must be a whole number from 1 to 100').min(1, 'must be at least 1').max(100, 'must be at most 100').default(25),
            cursor: z.string().max(512, 'is too long').optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(AdminProductSummaryDto), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => {
      const page = catalog.listForStaff({ status: req.query.status, text: req.query.q, limit: req.query.limit, cursor: req.query.cursor });
      return {
        items: page.items.map((p) => {
          const asset = p.assetId ? catalog.asset(p.assetId) : undefined;
          return {
            id: p.id,
            slug: p.slug,
            title: p.title,
            status: p.status,
            category: p.category,
            price: p.variants.length > 0 ? fromPrice(p) : null,
            variants: p.variants.length,
            poster: asset?.status === 'ready' && asset.posterKey ? url(asset.posterKey) : null,
            version: p.version,
            createdAt: p.createdAt,
            updatedAt: p.updatedAt,
          };
        }),
        nextCursor: page.nextCursor ?? null,
      };
    },
  );

  app.get('/api/admin/categories', { preHandler: write, schema: { response: { 200: CategoryChoicesDto } } }, async () => ({
    items: catalog.categories().map(({ slug, name, productCount }) => ({ slug, name, productCount })),
    currency,
  }));

  // What shoppers will see, before saving: the same renderer and sanitiser as the product page's API.
  app.post(
    '/api/admin/description-preview',
    { bodyLimit: BODY_LIMIT, preHandler: write, schema: { body: z.object({ description }).strict(), response: { 200: z.object({ html: z.string().describe('Sanitised HTML') }) } } },
    async (req) => ({ html: renderDescription(req.body.description) }),
  );

  app.get('/api/admin/products/:productId', { preHandler: write, schema: { params, response: { 200: AdminProductAnswer } } }, async (req) => answer(await load(req.params.productId)));

  app.post(
    '/api/admin/products',
    { bodyLimit: BODY_LIMIT, preHandler: write, schema: { body: CreateBody, response: { 201: AdminProductAnswer } } },
    async (req, reply) => {
      const b = req.body;
      const id = `p-${randomBytes(10).toString('hex')}`;
      const slug = b.slug ?? (await freeSlug(slugify(b.title) || 'product'));
      const draft: ProductDraft = {
        title: b.title,
        slug,
        description: b.description ?? '',
        category: b.category ?? '',
        options: [],
        variants: [{ sku: defaultSku(slug, {}), options: {}, price: b.price ?? 0, stock: 0 }],
      };
      const problems = validateProductDraft(draft, { categories: categorySlugs(), materialVariants: null })
        // The request has one price, not a list of variants: say so in its terms.
        .map((f) => (f.field.startsWith('variants.0.price') ? { ...f, field: 'price' } : f));
      if (problems.length > 0) throw invalidFields(problems);
      if (b.slug !== undefined) await assertSlugFree(slug, id);
      const now = new Date().toISOString();
      const product: Product = {
        id,
        slug,
        title: draft.title,
        description: draft.description,
        category: draft.category,
        status: 'draft',
        options: [],
        variants: [{ id: newVariantId(id), sku: draft.variants[0]!.sku, options: {}, price: { amount: draft.variants[0]!.price, currency } }],
        rank: nextRank(),
        version: 0,
        createdAt: now,
        updatedAt: now,
      };
      let saved: Product;
      try {
        saved = await repo.putProduct(product);
      } catch (err) {
        if (err instanceof CatalogConflictError) throw slugTaken(slug);
        throw err;
      }
      catalog.applyLocal({ kind: 'product', value: saved });
      const stock = new Map(saved.variants.map((v) => [v.id, 0]));
      await db.transaction().execute(async (trx) => {
        await setStock(trx, saved.variants.map((v) => ({ variantId: v.id, productId: saved.id, onHand: 0 })));
        await recordAudit(trx, actorOf(req), { action: 'product.create', target: { type: 'product', id: saved.id }, after: snapshot(saved, stock) });
      });
      return reply.code(201).send(await answer(saved, stock));
    },
  );

  app.patch(
    '/api/admin/products/:productId',
    { bodyLimit: BODY_LIMIT, preHandler: write, schema: { params, body: PatchBody, response: { 200: AdminProductAnswer } } },
    async (req) => {
      const b = req.body;
      const current = await load(req.params.productId);
      if (current.version !== b.version) throw stale(current.version);
      const asset = await assetOf(current);
      const byId = new Map(current.variants.map((v) => [v.id, v]));
      const slug = b.slug ?? current.slug;
      const options = b.options ?? current.options;
      // Variants as the editor sent them, or as stored when it sent none (their stock untouched).
      const inputs: (DraftVariant & { id?: string })[] = b.variants
        ? b.variants.map((v) => ({
            ...(v.id === undefined ? {} : { id: v.id }),
            sku: v.sku || defaultSku(slug, v.options),
            options: v.options,
            price: v.price,
            ...(v.materialVariant ? { materialVariant: v.materialVariant } : {}),
            ...(v.stock === undefined ? {} : { stock: v.stock }),
          }))
        : current.variants.map((v) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price.amount, ...(v.materialVariant ? { materialVariant: v.materialVariant } : {}) }));
      const draft: ProductDraft = {
        title: b.title ?? current.title,
        slug,
        description: b.description ?? current.description,
        category: b.category ?? current.category,
        extraCategories: b.extraCategories ?? current.extraCategories ?? [],
        options,
        variants: inputs,
      };
      const problems = validateProductDraft(draft, { categories: categorySlugs(), materialVariants: materialVariantsOf(asset, current) });
      const seen = new Set<string>();
      inputs.forEach((v, i) => {
        if (v.id === undefined) return;
        if (!byId.has(v.id)) problems.push({ field: `variants.${i}.id`, message: 'is not a variant of this product' });
        else if (seen.has(v.id)) problems.push({ field: `variants.${i}.id`, message: 'is listed twice' });
        seen.add(v.id);
      });
      // A published product stays publishable: it may not lose the category shoppers find it in.
      if (current.status === 'published') problems.push(...publishProblems(draft));
      if (problems.length > 0) throw invalidFields(problems);
      if (slug !== current.slug) await assertSlugFree(slug, current.id);

      const variants: Variant[] = inputs.map((v) => ({
        id: v.id ?? newVariantId(current.id),
        sku: v.sku,
        options: { ...v.options },
        price: { amount: v.price, currency: byId.get(v.id ?? '')?.price.currency ?? currency },
        ...(v.materialVariant ? { materialVariant: v.materialVariant } : {}),
      }));
      // New variants get a stock row (0 unless given) so the storefront and checkout know them.
      const stock = inputs.flatMap((v, i) => (v.stock !== undefined ? [{ variantId: variants[i]!.id, onHand: v.stock }] : v.id === undefined ? [{ variantId: variants[i]!.id, onHand: 0 }] : []));
      const { extraCategories: _replaced, ...rest } = current; // left out when the new list is empty
      const extraCategories = draft.extraCategories ?? [];
      const next: Product = {
        ...rest,
        ...(extraCategories.length > 0 ? { extraCategories: [...extraCategories] } : {}),
        title: draft.title,
        slug,
        description: draft.description,
        category: draft.category,
        options: options.map((o) => ({ name: o.name, values: [...o.values] })),
        variants,
      };
      return save(req, 'product.update', current, next, stock);
    },
  );

  const statusChange = async (req: FastifyRequest, id: string, expected: number, to: ProductStatus, action: string): Promise<ProductAnswer> => {
    const current = await load(id);
    if (current.version !== expected) throw stale(current.version);
    if (current.status === to) return answer(current); // already there: nothing to write or log
    if (to === 'published') {
      // Publishing checks the stored product in full again: the model it maps to may have changed since the edit.
      const asset = await assetOf(current);
      const draft: ProductDraft = { ...current, variants: current.variants.map((v) => ({ ...v, price: v.price.amount })) };
      const problems = [...validateProductDraft(draft, { categories: categorySlugs(), materialVariants: materialVariantsOf(asset, current) }), ...publishProblems(current)];
      if (problems.length > 0) throw invalidFields(problems);
    }
    return save(req, action, current, { ...current, status: to }, []);
  };
  const statusSchema = { params, body: z.object({ version }).strict(), response: { 200: AdminProductAnswer } };
  app.post('/api/admin/products/:productId/publish', { bodyLimit: BODY_LIMIT, preHandler: write, schema: statusSchema }, async (req) =>
    statusChange(req, req.params.productId, req.body.version, 'published', 'product.publish'),
  );
  app.post('/api/admin/products/:productId/unpublish', { bodyLimit: BODY_LIMIT, preHandler: write, schema: statusSchema }, async (req) =>
    statusChange(req, req.params.productId, req.body.version, 'draft', 'product.unpublish'),
  );

  /** A slug made from a title, with -2, -3… when taken (slugs are unique across drafts and published products). */
  async function freeSlug(base: string): Promise<string> {
    const stem = base.slice(0, 90).replace(/-+$/, '') || 'product';
    for (let n = 1; n < 50; n++) {
      const candidate = n === 1 ? stem : `${stem}-${n}`;
      if (!(await repo.getProductBySlug(candidate))) return candidate;
    }
    return `${stem}-${randomBytes(3).toString('hex')}`;
  }

  async function assertSlugFree(slug: string, id: string): Promise<void> {
    if (!isSlug(slug)) return; // reported by the rules already
    const holder = await repo.getProductBySlug(slug);
    if (holder && holder.id !== id) throw slugTaken(slug);
  }

  /** New products list after every existing one until the merchant orders them. */
  function nextRank(): number {
    let max = 0;
    for (const p of catalog.listForStaff({ limit: 1000 }).items) max = Math.max(max, p.rank);
    return Math.floor(max) + 1;
  }
};

function stale(currentVersion: number): HttpError {
  return new HttpError(409, 'CONFLICT', `This product was changed by someone else since you loaded it (it is now at version ${currentVersion}): reload it and make your change again`, {
    currentVersion,
  });
}

function slugTaken(slug: string): HttpError {
  const message = `is already used by another product (${slug})`;
  return new HttpError(409, 'SLUG_TAKEN', `slug: ${message}`, { fields: [{ field: 'slug', message }] });
}

function newVariantId(productId: string): string {
  return `${productId}-${randomBytes(4).toString('hex')}`;
}

/** "OAK-CHAIR-WALNUT-L": the slug and the option values, as far as they fit. */
function defaultSku(slug: string, options: Readonly<Record<string, string>>): string {
  const parts = [slug, ...Object.values(options)].map((s) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, ''));
  return parts.filter(Boolean).join('-').slice(0, PRODUCT_LIMITS.sku).replace(/-+$/, '') || `SKU-${randomBytes(3).toString('hex').toUpperCase()}`;
}

/** What the audit log keeps of a product: everything a merchant edits, and the stock of its variants. */
function snapshot(p: Product, stock: ReadonlyMap<string, number>) {
  return {
    version: p.version,
    status: p.status,
    title: p.title,
    slug: p.slug,
    description: p.description,
    category: p.category,
    extraCategories: p.extraCategories ?? [],
    options: p.options,
    variants: p.variants.map((v) => ({ id: v.id, sku: v.sku, options: v.options, price: v.price, materialVariant: v.materialVariant ?? null, stock: stock.get(v.id) ?? 0 })),
  };
}
