// Merchants' edits of a 3D asset's record (issue #8): the credit its licence asks for, and the hotspots placed on it.
//
//   PATCH /api/admin/assets/:assetId   { credit: { author, licence, url? } }   or   { credit: null } to remove it
//        → 200 { asset: { id, status, credit } }
//        The asset id is the one a model upload answers with (`upload-<uploadId>`). A model under CC-BY must name its
//        author and licence, with a link to the licence, wherever it is shown: the product page shows this credit
//        under the 3D view. Needs `catalog:write` (merchants and admins); each change goes to the audit log.
//
//   PUT /api/admin/assets/:assetId/hotspots   { version, hotspots: [{ id, label, position, normal }] }
//        → 200 { asset: { id, version, hotspots } }   replaces the list (at most 24, each inside the model's box:
//        src/domain/hotspots.ts). `version` is the hotspots' version the merchant edited (0 before the first save):
//        a stale one is refused with 409 STALE, so two merchants never silently overwrite each other. The storefront
//        gets them as `model.hotspots` of GET /api/products/:slug. Audited as `asset.hotspots`, before and after.
//   GET /api/admin/products/:productId/model
//        → 200 { product, asset }   what the merchant's 3D panel shows: the product's model (null before the first
//        upload is ready), its status, the pipeline's report, its files' URLs, its box and hotspots.
//
// A conditional write on the asset's version, retried on a lost race, so a concurrent edit (the asset.process job
// adding its outputs) is kept: that job re-reads a changed asset the same way.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import type { Asset3D } from '../../../domain/catalog.ts';
import { CatalogConflictError } from '../../../databases/catalog/repository.ts';
import { recordAudit } from '../../../databases/relational/audit.ts';
import { HttpError, notFound } from '../errors.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';
import { checkHotspots, hotspotBox, HOTSPOT_ID, MAX_HOTSPOT_LABEL, MAX_HOTSPOTS, type Hotspot } from '../../../domain/hotspots.ts';
import { assetUrlFor, HotspotDto, hotspotsDto, ModelCreditDto } from '../views.ts';

const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const BODY_LIMIT = 8 * 1024;
/** 24 hotspots with 80-character labels and 6 numbers each fit in well under this. */
const HOTSPOTS_BODY_LIMIT = 32 * 1024;
/** Lost races to retry before answering 409. */
const MAX_RACES = 3;

const text = (what: string, max: number) =>
  z
    .string({ message: `is required (${what})` })
    .trim()
    .min(1, `must not be empty (${what})`)
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

export const CreditInput = z
  .object(
    {
      author: text('who made the model, as the licence asks to credit them', 200),
      licence: text('the licence’s name, e.g. CC BY 4.0', 100),
      url: z
        .url({ protocol: /^https?$/, hostname: z.regexes.domain, message: 'must be the http(s) address of the licence, e.g. https://creativecommons.org/licenses/by/4.0/' })
        .max(2000, 'must be at most 2000 characters')
        .optional(),
    },
    { message: 'is required: { author, licence, url? }, or null to remove the credit' },
  )
  .strict();

const coordinate = z.number({ message: 'must be a number' }).finite('must be a finite number');
const vec3 = (what: string) => z.tuple([coordinate, coordinate, coordinate], { message: `must be [x, y, z] (${what})` });

const HotspotInput = z
  .object({
    id: z.string({ message: 'is required' }).regex(HOTSPOT_ID, 'must be 1–40 lowercase letters, digits or hyphens'),
    label: text('what the hotspot points out, e.g. Soft-close hinge', MAX_HOTSPOT_LABEL),
    position: vec3('model coordinates in metres'),
    normal: vec3('the surface’s direction there'),
  })
  .strict();

const AssetStatus = z.enum(['pending', 'processing', 'ready', 'failed']);

const AdminModelDto = z.object({
  product: z.object({ id: z.string(), slug: z.string(), title: z.string(), status: z.enum(['draft', 'published', 'archived']) }),
  asset: z
    .object({
      id: z.string(),
      status: AssetStatus,
      error: z.string().optional(),
      glb: z.string().nullable().describe('The published (optimised) model'),
      poster: z.string().nullable(),
      dimensions: z.object({ width: z.number(), height: z.number(), depth: z.number() }).nullable(),
      bounds: z
        .object({ min: z.tuple([z.number(), z.number(), z.number()]), max: z.tuple([z.number(), z.number(), z.number()]) })
        .nullable()
        .describe('The box hotspots must lie in (model coordinates, metres); null when only the size is known'),
      bytes: z.number().nullable(),
      triangles: z.number().nullable(),
      report: z.unknown().optional().describe('What the asset pipeline found and did (AssetReport in src/domain/catalog.ts)'),
      credit: ModelCreditDto.nullable(),
      hotspots: z.array(HotspotDto),
      hotspotsVersion: z.number().int().describe('Send it back with PUT …/hotspots'),
      updatedAt: z.string(),
    })
    .nullable()
    .describe('The model the product shows; null until a first upload is ready'),
});

const AssetCreditDto = z.object({
  id: z.string(),
  status: AssetStatus,
  credit: ModelCreditDto.nullable(),
});

export const adminAssetRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const repo = services.catalogWriter;
  const url = assetUrlFor(services.assetBaseUrl);
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  app.patch(
    '/api/admin/assets/:assetId',
    {
      bodyLimit: BODY_LIMIT,
      preHandler: requirePermission('catalog:write'),
      schema: {
        params: z.object({ assetId: z.string().regex(ASSET_ID, 'must be an asset id (e.g. upload-… from a model upload)') }),
        body: z.object({ credit: CreditInput.nullable() }).strict(),
        response: { 200: z.object({ asset: AssetCreditDto }) },
      },
    },
    async (req) => {
      const { assetId } = req.params;
      const wanted = req.body.credit;
      let before: Asset3D | null = null;
      let saved: Asset3D | undefined;
      for (let race = 0; !saved; race++) {
        before = await repo.getAsset(assetId);
        if (!before) throw notFound('Asset');
        const { credit: _old, ...rest } = before;
        const next: Asset3D = wanted ? { ...rest, credit: { ...wanted } } : rest;
        try {
          saved = await repo.putAsset(next, before.version);
        } catch (err) {
          if (!(err instanceof CatalogConflictError) || race >= MAX_RACES) throw err;
        }
      }
      // The catalog is in DynamoDB: the entry follows the write (as for uploads, a failure here leaves it unlogged).
      await recordAudit(services.db, actorOf(req), {
        action: 'asset.credit',
        target: { type: 'asset', id: assetId },
        before: { credit: before?.credit ?? null },
        after: { credit: saved.credit ?? null },
      });
      return { asset: { id: saved.id, status: saved.status, credit: saved.credit ?? null } };
    },
  );

  app.put(
    '/api/admin/assets/:assetId/hotspots',
    {
      bodyLimit: HOTSPOTS_BODY_LIMIT,
      preHandler: requirePermission('catalog:write'),
      schema: {
        params: z.object({ assetId: z.string().regex(ASSET_ID, 'must be an asset id (e.g. upload-… from a model upload)') }),
        body: z
          .object({
            version: z.number({ message: 'is required (the hotspots’ version you edited: hotspotsVersion)' }).int().min(0),
            hotspots: z.array(HotspotInput, { message: 'is required: a list of { id, label, position, normal }' }).max(MAX_HOTSPOTS, `must have at most ${MAX_HOTSPOTS} hotspots`),
          })
          .strict(),
        response: { 200: z.object({ asset: z.object({ id: z.string(), version: z.number().int(), hotspots: z.array(HotspotDto) }) }) },
      },
    },
    async (req) => {
      const { assetId } = req.params;
      let before: Asset3D | null = null;
      let saved: Asset3D | undefined;
      for (let race = 0; !saved; race++) {
        before = await repo.getAsset(assetId);
        if (!before) throw notFound('Asset');
        const current = before.hotspotsVersion ?? 0;
        if (req.body.version !== current) {
          throw new HttpError(409, 'STALE', `These hotspots were changed meanwhile (version ${current}, you edited ${req.body.version}): reload them and make your change again.`);
        }
        const box = before.status === 'ready' ? hotspotBox(before) : null;
        if (!box) throw new HttpError(409, 'MODEL_NOT_READY', 'Hotspots can be placed once the model has been processed.');
        const hotspots: Hotspot[] = checkHotspots(req.body.hotspots as Hotspot[], box);
        try {
          saved = await repo.putAsset({ ...before, hotspots, hotspotsVersion: current + 1 }, before.version);
        } catch (err) {
          // Another write to the asset (a credit, the pipeline): re-read and check the hotspots' version again.
          if (!(err instanceof CatalogConflictError) || race >= MAX_RACES) throw err;
        }
      }
      await recordAudit(services.db, actorOf(req), {
        action: 'asset.hotspots',
        target: { type: 'asset', id: assetId },
        before: { version: before?.hotspotsVersion ?? 0, hotspots: hotspotsDto(before?.hotspots) },
        after: { version: saved.hotspotsVersion ?? 0, hotspots: hotspotsDto(saved.hotspots) },
      });
      return { asset: { id: saved.id, version: saved.hotspotsVersion ?? 0, hotspots: hotspotsDto(saved.hotspots) } };
    },
  );

  app.get(
    '/api/admin/products/:productId/model',
    {
      preHandler: requirePermission('catalog:write'),
      schema: { params: z.object({ productId: z.string().regex(PRODUCT_ID, 'must be a product id') }), response: { 200: AdminModelDto } },
    },
    async (req) => {
      const product = await repo.getProduct(req.params.productId);
      if (!product) throw notFound('Product');
      const asset = product.assetId ? await repo.getAsset(product.assetId) : null;
      return {
        product: { id: product.id, slug: product.slug, title: product.title, status: product.status },
        asset: asset
          ? {
              id: asset.id,
              status: asset.status,
              ...(asset.error ? { error: asset.error } : {}),
              glb: asset.glbKey ? url(asset.glbKey) : null,
              poster: asset.posterKey ? url(asset.posterKey) : null,
              dimensions: asset.dimensions ?? null,
              bounds: asset.bounds ? { min: vec(asset.bounds.min), max: vec(asset.bounds.max) } : null,
              bytes: asset.bytes ?? null,
              triangles: asset.triangles ?? null,
              ...(asset.report ? { report: asset.report } : {}),
              credit: asset.credit ?? null,
              hotspots: hotspotsDto(asset.hotspots),
              hotspotsVersion: asset.hotspotsVersion ?? 0,
              updatedAt: asset.updatedAt,
            }
          : null,
      };
    },
  );
};

const vec = ([x, y, z]: readonly [number, number, number]): [number, number, number] => [x, y, z];
