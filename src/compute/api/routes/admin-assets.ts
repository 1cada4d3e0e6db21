// Merchants' edits of a 3D asset's record (issue #8): the credit its licence asks for.
//
//   PATCH /api/admin/assets/:assetId   { credit: { author, licence, url? } }   or   { credit: null } to remove it
//        → 200 { asset: { id, status, credit } }
//        The asset id is the one a model upload answers with (`upload-<uploadId>`). A model under CC-BY must name its
//        author and licence, with a link to the licence, wherever it is shown: the product page shows this credit
//        under the 3D view. Needs `catalog:write` (merchants and admins); each change goes to the audit log.
//
// A conditional write on the asset's version, retried on a lost race, so a concurrent edit (the asset.process job
// adding its outputs) is kept: that job re-reads a changed asset the same way.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import type { Asset3D } from '../../../domain/catalog.ts';
import { CatalogConflictError } from '../../../databases/catalog/repository.ts';
import { recordAudit } from '../../../databases/relational/audit.ts';
import { notFound } from '../errors.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';
import { ModelCreditDto } from '../views.ts';

const ASSET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const BODY_LIMIT = 8 * 1024;
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

const AssetCreditDto = z.object({
  id: z.string(),
  status: z.enum(['pending', 'processing', 'ready', 'failed']),
  credit: ModelCreditDto.nullable(),
});

export const adminAssetRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const repo = services.catalogWriter;
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
};
