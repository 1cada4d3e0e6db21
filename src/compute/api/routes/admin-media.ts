// A product's photos and short videos (issue #8), beside its 3D model in the gallery. `catalog:write` (merchants
// and admins), like every catalog edit; each change is audited.
//
//   POST /api/admin/products/:productId/media-uploads             { filename, contentType, size }
//        → 201 { uploadId, upload: { url, method: 'PUT', headers }, expiresAt }   as for models (routes/uploads.ts):
//        the browser PUTs the file straight to object storage (a signed S3 URL, or the folder store's
//        PUT /api/uploads/<token>), one key, one type, exactly `size` bytes. Photos (.jpg .png .webp .avif) up to
//        MAX_IMAGE_UPLOAD_BYTES (20 MB), videos (.mp4 .webm) up to MAX_VIDEO_UPLOAD_BYTES (200 MB), else 413; any
//        other file 415. At most 20 per product (409 TOO_MANY_MEDIA).
//   POST /api/admin/products/:productId/media-uploads/:uploadId/complete
//        → 202 { media }   the stored file's first bytes decide what it is, never its name or declared type: bytes of
//        no taken format are 422 NOT_MEDIA, bytes of another format than declared 422 MEDIA_MISMATCH, and either way
//        the upload is deleted (nothing half-stored). Otherwise the item joins the end of the list as `processing`
//        and a media.process job is queued (compute/handlers/media-process.ts). Completing twice adds it once.
//   GET    /api/admin/products/:productId/media                   → 200 { media }
//   PATCH  /api/admin/products/:productId/media   { version, order?: [ids], alt?: { id: text } }   → 200 { media }
//   DELETE /api/admin/products/:productId/media/:mediaId?version=N                                  → 200 { media }
//
// `media.version` counts the merchant's edits (uploads, reorders, alt text, deletions): an edit names the version
// it was made from and a different one is 409 CONFLICT with `currentVersion`, as in the product editor. Processing
// results do not count, so a video finishing does not make the open list stale. Each write is the repository's
// conditional PutItem on the list's own version, re-read on a lost race with a processing result.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import { CatalogConflictError } from '../../../databases/catalog/repository.ts';
import { recordAudit } from '../../../databases/relational/audit.ts';
import {
  MAX_ALT,
  MAX_MEDIA_PER_PRODUCT,
  MEDIA_FORMATS,
  MediaRuleError,
  describeUnknown,
  editMedia,
  formatFromName,
  mediaIdForUpload,
  sniffMedia,
  type MediaFormat,
  type MediaItem,
  type ProductMedia,
} from '../../../domain/media.ts';
import { readObject } from '../../../storage/index.ts';
// The jobs' names and payloads only: the handlers and their image and video tools are not the API's to load.
import { MEDIA_PROCESS, newUploadId, type MediaProcessPayload } from '../../handlers/job-types.ts';
import { HttpError, invalidFields, notFound } from '../errors.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';
import { presignUpload, UPLOAD_GRANT, uploadGrant, uploadRequestBody } from './uploads.ts';
import { assetUrlFor, type AssetUrl } from '../views.ts';

const JSON_BODY_LIMIT = 8 * 1024;
/** 20 alt texts of 250 characters (4 bytes each at worst) and 20 ids fit in this. */
const EDIT_BODY_LIMIT = 32 * 1024;
const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const UPLOAD_ID = /^[0-9a-z]{9}[0-9a-f]{24}$/;
const MEDIA_ID = /^m-[0-9a-z]{9}[0-9a-f]{24}$/;
const MAX_RACES = 5;
/** Bytes read to tell what a file is (a WebM's DocType is within its first few hundred bytes). */
const SNIFF_BYTES = 4096;

interface MediaIntent {
  readonly v: 1;
  readonly kind: 'media';
  readonly productId: string;
  readonly uploadId: string;
  readonly key: string;
  readonly filename: string;
  readonly format: MediaFormat;
  readonly contentType: string;
  readonly size: number;
  readonly expiresAt: string;
}

const productParams = z.object({ productId: z.string().regex(PRODUCT_ID, 'must be a product id') });
const uploadParams = productParams.extend({ uploadId: z.string().regex(UPLOAD_ID, 'must be an upload id from POST …/media-uploads') });
const mediaParams = productParams.extend({ mediaId: z.string().regex(MEDIA_ID, 'must be a media id (m-…)') });
const version = z.number({ message: 'is required: the media list’s version you loaded' }).int('must be a whole number').min(0, 'must be at least 0');

const RenditionDto = z.object({ url: z.string(), width: z.number().int(), height: z.number().int() });
export const AdminMediaItemDto = z.object({
  id: z.string(),
  kind: z.enum(['image', 'video']),
  format: z.string(),
  status: z.enum(['processing', 'ready', 'failed']),
  error: z.string().optional().describe('Why processing failed, in the merchant’s words'),
  filename: z.string(),
  bytes: z.number().int(),
  alt: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  duration: z.number().nullable().describe('Seconds (videos)'),
  video: z.string().nullable().describe('The video’s URL (videos, once ready)'),
  renditions: z.array(RenditionDto).describe('WebP renditions of the photo or of the video’s poster frame, narrowest first'),
});
const AdminMediaDto = z.object({
  media: z.object({
    productId: z.string(),
    version: z.number().int().describe('Send it back with the next edit'),
    items: z.array(AdminMediaItemDto),
  }),
});
type AdminMedia = z.infer<typeof AdminMediaDto>;

export const adminMediaRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { objects, catalogWriter: repo, queue, config, catalog } = services;
  const url = assetUrlFor(services.assetBaseUrl);
  const write = requirePermission('catalog:write');
  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  const limitFor = (format: MediaFormat): { bytes: number; setting: string } =>
    MEDIA_FORMATS[format].kind === 'image'
      ? { bytes: config.MAX_IMAGE_UPLOAD_BYTES, setting: 'MAX_IMAGE_UPLOAD_BYTES' }
      : { bytes: config.MAX_VIDEO_UPLOAD_BYTES, setting: 'MAX_VIDEO_UPLOAD_BYTES' };

  const requireProduct = async (productId: string): Promise<void> => {
    if (!(await repo.getProduct(productId))) throw notFound('Product');
  };

  /** The write, made conditional on the stored list's version; `change` sees the fresh list on every try. */
  const update = async (productId: string, change: (current: ProductMedia) => ProductMedia | null): Promise<{ before: ProductMedia; after: ProductMedia } | null> => {
    for (let race = 0; ; race++) {
      const stored = await repo.getMedia(productId);
      const before: ProductMedia = stored ?? { productId, items: [], editVersion: 0, version: 0, updatedAt: new Date(0).toISOString() };
      const next = change(before);
      if (!next) return null;
      try {
        const after = await repo.putMedia(next, stored ? stored.version : undefined);
        catalog.applyLocal({ kind: 'media', value: after });
        return { before, after };
      } catch (err) {
        if (!(err instanceof CatalogConflictError) || race >= MAX_RACES) throw err;
      }
    }
  };

  app.post(
    '/api/admin/products/:productId/media-uploads',
    {
      bodyLimit: JSON_BODY_LIMIT,
      preHandler: write,
      schema: {
        params: productParams,
        body: uploadRequestBody({ filename: 'side-view.jpg', contentType: 'image/jpeg' }),
        response: { 201: UPLOAD_GRANT },
      },
    },
    async (req, reply) => {
      const { productId } = req.params;
      const { filename, contentType, size } = req.body;
      const format = formatFromName(filename);
      if (!format) {
        throw new HttpError(415, 'UNSUPPORTED_FILE', `Photos (.jpg, .png, .webp, .avif) and videos (.mp4, .webm) are taken (got ${JSON.stringify(filename)}).`, {
          fields: [{ field: 'filename', message: 'must be a .jpg, .png, .webp, .avif, .mp4 or .webm file' }],
        });
      }
      const mimeType = MEDIA_FORMATS[format].mimeType;
      if (contentType !== mimeType && contentType !== 'application/octet-stream') {
        throw new HttpError(415, 'UNSUPPORTED_FILE', `A .${filename.split('.').pop()} file is sent as ${mimeType}, not ${contentType}.`, {
          fields: [{ field: 'contentType', message: `must be ${mimeType}` }],
        });
      }
      const limit = limitFor(format);
      if (size > limit.bytes) {
        const what = MEDIA_FORMATS[format].kind === 'image' ? 'Photos' : 'Videos';
        throw new HttpError(413, 'UPLOAD_TOO_LARGE', `The file is ${describeBytes(size)}; ${what.toLowerCase()} may be at most ${describeBytes(limit.bytes)} (${limit.setting}).`, {
          fields: [{ field: 'size', message: `${what} may be at most ${describeBytes(limit.bytes)}` }],
        });
      }
      await requireProduct(productId);
      const current = await repo.getMedia(productId);
      if ((current?.items.length ?? 0) >= MAX_MEDIA_PER_PRODUCT) throw tooMany();
      const uploadId = newUploadId();
      const key = `${prefix(productId, uploadId)}/${safeName(filename, format)}`;
      const presigned = await presignUpload(objects, key, contentType, size);
      const intent: MediaIntent = { v: 1, kind: 'media', productId, uploadId, key, filename, format, contentType, size, expiresAt: presigned.expiresAt.toISOString() };
      await objects.put(intentKey(productId, uploadId), new TextEncoder().encode(JSON.stringify(intent)), { contentType: 'application/json' });
      return reply.code(201).send(uploadGrant(req, uploadId, presigned));
    },
  );

  app.post(
    '/api/admin/products/:productId/media-uploads/:uploadId/complete',
    { bodyLimit: JSON_BODY_LIMIT, preHandler: write, schema: { params: uploadParams, response: { 202: AdminMediaDto } } },
    async (req, reply) => {
      const { productId, uploadId } = req.params;
      await requireProduct(productId);
      const mediaId = mediaIdForUpload(uploadId);
      const existing = await repo.getMedia(productId);
      if (!existing?.items.some((m) => m.id === mediaId)) {
        const intent = await readIntent(productId, uploadId);
        const format = await checkStoredBytes(intent);
        const item: MediaItem = {
          id: mediaId,
          kind: MEDIA_FORMATS[format].kind,
          format,
          status: 'processing',
          sourceKey: intent.key,
          filename: intent.filename,
          bytes: intent.size,
          alt: '',
          createdAt: new Date().toISOString(),
        };
        const done = await update(productId, (cur) => {
          if (cur.items.some((m) => m.id === mediaId)) return null; // completed concurrently
          if (cur.items.length >= MAX_MEDIA_PER_PRODUCT) throw tooMany();
          return { ...cur, items: [...cur.items, item], editVersion: cur.editVersion + 1 };
        });
        if (done) {
          await recordAudit(services.db, actorOf(req), {
            action: 'product.media-upload',
            target: { type: 'product', id: productId },
            before: { version: done.before.editVersion, items: done.before.items.map((m) => m.id) },
            after: { version: done.after.editVersion, added: { id: mediaId, kind: item.kind, filename: item.filename, bytes: item.bytes } },
          });
        }
      }
      // Also on a repeat: a crash between the record and the job must not leave the item processing forever.
      const payload: MediaProcessPayload = { productId, mediaId };
      await queue.enqueue(MEDIA_PROCESS, payload, { dedupeKey: `${MEDIA_PROCESS}:${mediaId}` });
      return reply.code(202).send(view(await repo.getMedia(productId), productId, url));
    },
  );

  app.get(
    '/api/admin/products/:productId/media',
    { preHandler: write, schema: { params: productParams, response: { 200: AdminMediaDto } } },
    async (req) => {
      await requireProduct(req.params.productId);
      return view(await repo.getMedia(req.params.productId), req.params.productId, url);
    },
  );

  app.patch(
    '/api/admin/products/:productId/media',
    {
      bodyLimit: EDIT_BODY_LIMIT,
      preHandler: write,
      schema: {
        params: productParams,
        body: z
          .object({
            version,
            order: z.array(z.string().regex(MEDIA_ID, 'must be a media id (m-…)')).max(MAX_MEDIA_PER_PRODUCT, `must have at most ${MAX_MEDIA_PER_PRODUCT} ids`).optional().describe('Every media id once, in the new order'),
            alt: z
              .record(z.string().regex(MEDIA_ID, 'must be a media id (m-…)'), z.string().max(MAX_ALT * 4, `must be at most ${MAX_ALT} characters`))
              .optional()
              .describe('Alt text by media id ("" removes it)'),
          })
          .strict(),
        response: { 200: AdminMediaDto },
      },
    },
    async (req) => {
      const { productId } = req.params;
      const { version: edited, order, alt } = req.body;
      await requireProduct(productId);
      const done = await update(productId, (cur) => {
        if (cur.editVersion !== edited) throw stale(cur.editVersion);
        try {
          return { ...cur, items: editMedia(cur.items, { order, alt }), editVersion: cur.editVersion + 1 };
        } catch (err) {
          if (err instanceof MediaRuleError) throw invalidFields([{ field: err.field, message: err.message.slice(err.field.length + 2) }]);
          throw err;
        }
      });
      const { before, after } = done!;
      await recordAudit(services.db, actorOf(req), {
        action: 'product.media-update',
        target: { type: 'product', id: productId },
        before: { version: before.editVersion, items: before.items.map((m) => ({ id: m.id, alt: m.alt })) },
        after: { version: after.editVersion, items: after.items.map((m) => ({ id: m.id, alt: m.alt })) },
      });
      return view(after, productId, url);
    },
  );

  app.delete(
    '/api/admin/products/:productId/media/:mediaId',
    {
      preHandler: write,
      schema: {
        params: mediaParams,
        querystring: z.object({ version: z.coerce.number({ message: 'is required: the media list’s version you loaded' }).int().min(0) }).strict(),
        response: { 200: AdminMediaDto },
      },
    },
    async (req) => {
      const { productId, mediaId } = req.params;
      await requireProduct(productId);
      let removed: MediaItem | undefined;
      const done = await update(productId, (cur) => {
        if (cur.editVersion !== req.query.version) throw stale(cur.editVersion);
        removed = cur.items.find((m) => m.id === mediaId);
        if (!removed) throw notFound('Media');
        return { ...cur, items: cur.items.filter((m) => m.id !== mediaId), editVersion: cur.editVersion + 1 };
      });
      const { before, after } = done!;
      await recordAudit(services.db, actorOf(req), {
        action: 'product.media-delete',
        target: { type: 'product', id: productId },
        before: { version: before.editVersion, item: { id: removed!.id, kind: removed!.kind, filename: removed!.filename, alt: removed!.alt } },
        after: { version: after.editVersion, items: after.items.map((m) => m.id) },
      });
      // The private upload goes; published renditions stay (content-hashed keys may be shared, and pages and CDNs
      // cached with their URLs keep working until they refresh).
      await objects.delete(removed!.sourceKey).catch(() => {});
      return view(after, productId, url);
    },
  );

  // ---- helpers --------------------------------------------------------------------------------------------------

  const readIntent = async (productId: string, uploadId: string): Promise<MediaIntent> => {
    const bytes = await readObject(objects, intentKey(productId, uploadId));
    if (!bytes) throw notFound('Upload');
    const intent = JSON.parse(bytes.toString('utf8')) as MediaIntent;
    if (intent.v !== 1 || intent.kind !== 'media' || intent.productId !== productId || intent.uploadId !== uploadId) throw notFound('Upload');
    return intent;
  };

  /** The stored file is all there and is what it was declared as; otherwise it is deleted and the merchant told why. */
  const checkStoredBytes = async (intent: MediaIntent): Promise<MediaFormat> => {
    const head = await objects.head(intent.key);
    if (!head) throw new HttpError(409, 'NOT_UPLOADED', 'Nothing has been uploaded yet: PUT the file to the upload URL first, then complete.');
    const refuse = async (status: number, code: string, message: string): Promise<never> => {
      await objects.delete(intent.key).catch(() => {});
      await objects.delete(intentKey(intent.productId, intent.uploadId)).catch(() => {});
      throw new HttpError(status, code, message);
    };
    if (head.size !== intent.size) await refuse(422, 'SIZE_MISMATCH', `The stored file has ${head.size} bytes, not the ${intent.size} declared: upload it again.`);
    const first = (await readObject(objects, intent.key, { start: 0, end: Math.min(SNIFF_BYTES, head.size) - 1 })) ?? Buffer.alloc(0);
    const found = sniffMedia(first);
    const declared = MEDIA_FORMATS[intent.format];
    if (!found) return refuse(422, 'NOT_MEDIA', `${intent.filename} is ${describeUnknown(first)}, not ${declared.name}: nothing was kept.`);
    if (found !== intent.format) {
      return refuse(422, 'MEDIA_MISMATCH', `${intent.filename} is named as ${declared.name} but is ${MEDIA_FORMATS[found].name}: rename it (.${MEDIA_FORMATS[found].extensions[0]}) and upload it again; nothing was kept.`);
    }
    return found;
  };
};

function view(media: ProductMedia | null, productId: string, url: AssetUrl): AdminMedia {
  return {
    media: {
      productId,
      version: media?.editVersion ?? 0,
      items: (media?.items ?? []).map((m) => ({
        id: m.id,
        kind: m.kind,
        format: m.format,
        status: m.status,
        ...(m.error ? { error: m.error } : {}),
        filename: m.filename,
        bytes: m.bytes,
        alt: m.alt,
        width: m.width ?? null,
        height: m.height ?? null,
        duration: m.duration ?? null,
        video: m.videoKey ? url(m.videoKey) : null,
        renditions: (m.renditions ?? []).map((r) => ({ url: url(r.key), width: r.width, height: r.height })),
      })),
    },
  };
}

const stale = (currentVersion: number): HttpError =>
  new HttpError(409, 'CONFLICT', `The media were changed by someone else since you loaded them (now at version ${currentVersion}): reload them and make your change again`, { currentVersion });
const tooMany = (): HttpError => new HttpError(409, 'TOO_MANY_MEDIA', `A product may have at most ${MAX_MEDIA_PER_PRODUCT} photos and videos: delete one first.`);

// Under uploads/ (private; the only prefix the folder store's upload route writes), beside model uploads.
const prefix = (productId: string, uploadId: string): string => `uploads/${productId}/${uploadId}`;
const intentKey = (productId: string, uploadId: string): string => `${prefix(productId, uploadId)}/media.json`;

function safeName(filename: string, format: MediaFormat): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${stem || 'media'}.${MEDIA_FORMATS[format].extensions[0]}`;
}

function describeBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB (${n} bytes)` : `${n} bytes`;
}
