// Merchants' model uploads (issue #4), straight to object storage: the API never holds a model in memory.
//
//   POST /api/admin/products/:productId/model-uploads            { filename, contentType, size }
//        → 201 { uploadId, upload: { url, method: 'PUT', headers }, expiresAt }
//        The client PUTs the file to `upload.url` with `upload.headers`: a signed S3 URL, or with the folder store
//        PUT /api/uploads/<token> on this API (below). Either way the URL allows this one key, this content type and
//        exactly `size` bytes (at most MAX_UPLOAD_BYTES), for 30 minutes.
//   POST /api/admin/products/:productId/model-uploads/:uploadId/complete
//        → 202 { asset: { id, status } }   the object is there with the declared size and starts like a GLB or a
//        zip: a pending asset is recorded and an asset.process job queued (compute/handlers/asset-process.ts), which
//        points the product at the asset once it is ready. Idempotent: the asset id and the job's dedupe key come
//        from the upload id, so completing twice gives the same asset and one job.
//   GET  /api/admin/products/:productId/model-uploads/:uploadId
//        → 200 what became of it: uploaded yet, the asset's status, the merchant-facing error and report.
//   PUT  /api/uploads/<token>   only with a store that receives uploads through the API (ObjectStore
//        .verifyUploadToken, the folder store): the token is the grant; the body streams into the store, counted,
//        and a body longer than granted is refused (413) without being stored. A link writes its object once.
//
// What an upload declared (name, type, size) is kept beside it as `uploads/<product>/<upload>/upload.json`, so any
// API instance can complete it. All of this needs `catalog:write` (merchants and admins), like any catalog edit.
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PRIVATE } from '../../../delivery/cache-policy.ts';
import type { Asset3D } from '../../../domain/catalog.ts';
import { CatalogConflictError } from '../../../databases/catalog/repository.ts';
import { recordAudit } from '../../../databases/relational/audit.ts';
import { notAModel, sniffModel } from '../../../assets/sniff.ts';
import { ObjectStoreError, readObject, type PresignedPut } from '../../../storage/index.ts';
import { ASSET_PROCESS, type AssetProcessPayload, assetIdForUpload, newUploadId } from '../../handlers/job-types.ts';
import { HttpError, notFound } from '../errors.ts';
import { actorOf, requirePermission } from '../plugins/session.ts';
import type { ApiServices } from '../ports.ts';

/** How long an upload URL works; S3 checks it when the PUT starts, so a slow 100 MB upload still finishes. */
const UPLOAD_URL_TTL_SECONDS = 30 * 60;
const JSON_BODY_LIMIT = 8 * 1024;
/** Where uploads are kept, as uploaded (an asset's `sourceKey`). */
const UPLOAD_KEY_PREFIX = 'uploads/';
const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const UPLOAD_ID = /^[0-9a-z]{9}[0-9a-f]{24}$/;

/** The body that asks for an upload link (models here, photos and videos in admin-media.ts). */
export function uploadRequestBody(example: { filename: string; contentType: string }) {
  return z
    .object({
      filename: z.string({ message: `is required (the file name, e.g. ${example.filename})` }).trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
      contentType: z.string({ message: `is required (e.g. ${example.contentType})` }).trim().toLowerCase().min(1, 'is required').max(100),
      size: z.number({ message: 'is required (the file size in bytes)' }).int('must be a whole number of bytes').min(1, 'must be at least 1 byte'),
    })
    .strict();
}

/** The answer with the link: where to PUT the file, with which headers, until when. */
export const UPLOAD_GRANT = z.object({
  uploadId: z.string(),
  upload: z.object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()) }),
  expiresAt: z.string(),
});

/** A signed PUT link for `key`; a size or type the store refuses is the client's 400, not a 500. */
export async function presignUpload(objects: ApiServices['objects'], key: string, contentType: string, size: number) {
  try {
    return await objects.presignPut(key, { contentType, contentLength: size, expiresInSeconds: UPLOAD_URL_TTL_SECONDS });
  } catch (err) {
    if (err instanceof ObjectStoreError && err.code === 'INVALID_UPLOAD') throw new HttpError(400, 'INVALID_REQUEST', err.message.replace(/^storage: /, ''));
    throw err;
  }
}

/** The grant as answered; a store whose uploads come through this API gives a path, made a URL on the caller's origin. */
export function uploadGrant(req: FastifyRequest, uploadId: string, presigned: PresignedPut): z.infer<typeof UPLOAD_GRANT> {
  const url = new URL(presigned.url, `${req.protocol}://${req.host}`).toString();
  return { uploadId, upload: { url, method: presigned.method, headers: { ...presigned.headers } }, expiresAt: presigned.expiresAt.toISOString() };
}

/** What each accepted extension may be sent as (browsers give .zip files several names; octet-stream is "unknown"). */
const ACCEPTED = {
  glb: ['model/gltf-binary', 'application/octet-stream'],
  zip: ['application/zip', 'application/x-zip-compressed', 'application/x-zip', 'application/octet-stream'],
} as const;

interface UploadIntent {
  readonly v: 1;
  readonly productId: string;
  readonly uploadId: string;
  readonly key: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly createdAt: string;
  readonly expiresAt: string;
}

const productParams = z.object({ productId: z.string().regex(PRODUCT_ID, 'must be a product id') });
const uploadParams = productParams.extend({ uploadId: z.string().regex(UPLOAD_ID, 'must be an upload id from POST …/model-uploads') });
const AssetStatusDto = z.object({ id: z.string(), status: z.enum(['pending', 'processing', 'ready', 'failed']) });

export const uploadRoutes: FastifyPluginAsyncZod<{ services: ApiServices }> = async (app, { services }) => {
  const { objects, catalogWriter: repo, queue, config } = services;
  const limit = config.MAX_UPLOAD_BYTES;

  app.addHook('onSend', async (_req, reply) => {
    reply.header('cache-control', PRIVATE);
  });

  // The folder store has no server of its own: its upload URLs point here. In their own context, so the catch-all
  // body parser (the raw stream) applies to this route only.
  if (objects.verifyUploadToken) {
    await app.register(async (direct) => {
      direct.removeAllContentTypeParsers();
      direct.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
      // A wildcard, not a :param: tokens are longer than the router's parameter limit.
      direct.put<{ Params: { '*': string } }>(
        '/api/uploads/*',
        {
          config: { csrf: false, session: false }, // the signed token is the authority, not a session
          compress: false,
          // The body is the file itself (any content type the link was issued for), streamed: no body schema.
          schema: { response: { 200: z.object({ size: z.number(), etag: z.string() }) } },
        },
        async (req, reply) => receiveUpload(req, reply, services),
      );
    });
  }

  app.post(
    '/api/admin/products/:productId/model-uploads',
    {
      bodyLimit: JSON_BODY_LIMIT,
      preHandler: requirePermission('catalog:write'),
      schema: {
        params: productParams,
        body: uploadRequestBody({ filename: 'chair.glb', contentType: 'model/gltf-binary' }),
        response: { 201: UPLOAD_GRANT },
      },
    },
    async (req, reply) => {
      const { productId } = req.params;
      const { filename, contentType, size } = req.body;
      if (size > limit) {
        throw new HttpError(413, 'UPLOAD_TOO_LARGE', `The file is ${describeBytes(size)}; uploads may be at most ${describeBytes(limit)} (MAX_UPLOAD_BYTES).`);
      }
      const format = acceptedFormat(filename, contentType);
      if (!(await repo.getProduct(productId))) throw notFound('Product');
      const uploadId = newUploadId();
      const key = `${uploadPrefix(productId, uploadId)}/${safeFilename(filename, format)}`;
      const presigned = await presignUpload(objects, key, contentType, size);
      const intent: UploadIntent = {
        v: 1,
        productId,
        uploadId,
        key,
        filename,
        contentType,
        size,
        createdAt: new Date().toISOString(),
        expiresAt: presigned.expiresAt.toISOString(),
      };
      await objects.put(intentKey(productId, uploadId), new TextEncoder().encode(JSON.stringify(intent)), { contentType: 'application/json' });
      return reply.code(201).send(uploadGrant(req, uploadId, presigned));
    },
  );

  app.post(
    '/api/admin/products/:productId/model-uploads/:uploadId/complete',
    {
      bodyLimit: JSON_BODY_LIMIT,
      preHandler: requirePermission('catalog:write'),
      schema: { params: uploadParams, response: { 202: z.object({ asset: AssetStatusDto }) } },
    },
    async (req, reply) => {
      const { productId, uploadId } = req.params;
      const intent = await readIntent(services, productId, uploadId);
      if (!(await repo.getProduct(productId))) throw notFound('Product');
      const assetId = assetIdForUpload(uploadId);
      let asset = await repo.getAsset(assetId);
      if (!asset) {
        await checkUploadedBytes(services, intent);
        const pending: Asset3D = { id: assetId, status: 'pending', sourceKey: intent.key, materialVariants: [], version: 0, updatedAt: new Date().toISOString() };
        try {
          asset = await repo.putAsset(pending); // only if it does not exist yet
          // The catalog is in DynamoDB: the entry follows the write (a failure here leaves the upload done, unlogged).
          const product = await repo.getProduct(productId);
          await recordAudit(services.db, actorOf(req), {
            action: 'product.model-upload',
            target: { type: 'product', id: productId },
            before: { assetId: product?.assetId ?? null },
            after: { assetId, filename: intent.filename, bytes: intent.size },
          });
        } catch (err) {
          if (!(err instanceof CatalogConflictError)) throw err;
          asset = await repo.getAsset(assetId); // completed concurrently: the same asset
          if (!asset) throw err;
        }
      }
      // Also on a repeat: a crash between the record and the job must not strand the asset. One key, one job.
      const payload: AssetProcessPayload = { assetId, productId };
      await queue.enqueue(ASSET_PROCESS, payload, { dedupeKey: `${ASSET_PROCESS}:${assetId}` });
      return reply.code(202).send({ asset: { id: asset.id, status: asset.status } });
    },
  );

  app.get(
    '/api/admin/products/:productId/model-uploads/:uploadId',
    {
      preHandler: requirePermission('catalog:write'),
      schema: {
        params: uploadParams,
        response: {
          200: z.object({
            uploadId: z.string(),
            filename: z.string(),
            size: z.number(),
            expiresAt: z.string(),
            uploaded: z.boolean(),
            asset: AssetStatusDto.extend({ error: z.string().optional(), report: z.unknown().optional(), shownOnProduct: z.boolean() }).nullable(),
          }),
        },
      },
    },
    async (req) => {
      const { productId, uploadId } = req.params;
      const intent = await readIntent(services, productId, uploadId);
      const [asset, product, head] = await Promise.all([repo.getAsset(assetIdForUpload(uploadId)), repo.getProduct(productId), objects.head(intent.key)]);
      return {
        uploadId,
        filename: intent.filename,
        size: intent.size,
        expiresAt: intent.expiresAt,
        uploaded: head !== null,
        asset: asset
          ? {
              id: asset.id,
              status: asset.status,
              ...(asset.error ? { error: asset.error } : {}),
              ...(asset.report ? { report: asset.report } : {}),
              shownOnProduct: product?.assetId === asset.id,
            }
          : null,
      };
    },
  );
};

// ---- the folder store's upload endpoint ---------------------------------------------------------------------------

async function receiveUpload(req: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply, services: ApiServices): Promise<unknown> {
  const { objects } = services;
  let grant;
  try {
    grant = objects.verifyUploadToken!(req.params['*']);
  } catch (err) {
    if (err instanceof ObjectStoreError && err.code === 'UPLOAD_EXPIRED') throw new HttpError(403, 'UPLOAD_EXPIRED', 'This upload link has expired: ask for a new one (POST …/model-uploads).');
    if (err instanceof ObjectStoreError && (err.code === 'UPLOAD_DENIED' || err.code === 'INVALID_KEY')) {
      throw new HttpError(403, 'UPLOAD_DENIED', 'This upload link is not valid (altered, or not issued by this shop): ask for a new one.');
    }
    throw err;
  }
  // Only merchants' uploads come this way: a token for any other key (say, a published model) is refused, and a
  // link writes its object once, so even a leaked signing key cannot replace what the shop serves.
  if (!grant.key.startsWith(UPLOAD_KEY_PREFIX)) throw new HttpError(403, 'UPLOAD_DENIED', 'This upload link is not for a model upload.');
  const sentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (sentType !== grant.contentType) {
    throw new HttpError(415, 'WRONG_CONTENT_TYPE', `This link takes ${grant.contentType}; send the file with Content-Type: ${grant.contentType}${sentType ? ` (not ${sentType})` : ''}.`);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && !req.headers['content-encoding']) {
    const n = Number(declared);
    if (n > grant.contentLength) throw tooLong(grant.contentLength);
    if (n < grant.contentLength) throw tooShort(n, grant.contentLength);
  }
  if (await objects.head(grant.key)) throw new HttpError(409, 'ALREADY_UPLOADED', 'This upload link has been used already; ask for a new one to send another file.');
  const body = req.body as Readable;
  const meta = await objects.put(grant.key, Readable.from(exactly(body, grant.contentLength)), { contentType: grant.contentType });
  return reply.code(200).header('etag', `"${meta.etag}"`).send({ size: meta.size, etag: meta.etag });
}

/** The body's chunks, failing (so the store commits nothing) as soon as it is longer than granted, or if it ends short. */
async function* exactly(body: Readable, length: number): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
    n += bytes.byteLength;
    if (n > length) throw tooLong(length);
    yield bytes;
  }
  if (n < length) throw tooShort(n, length);
}

const tooLong = (length: number): HttpError =>
  new HttpError(413, 'UPLOAD_TOO_LARGE', `The body is longer than the ${length} bytes this upload link was issued for; nothing was stored.`);
const tooShort = (n: number, length: number): HttpError =>
  new HttpError(400, 'UPLOAD_INCOMPLETE', `The body has ${n} bytes, not the ${length} this upload link was issued for; nothing was stored.`);

// ---- helpers ------------------------------------------------------------------------------------------------------

function uploadPrefix(productId: string, uploadId: string): string {
  return `${UPLOAD_KEY_PREFIX}${productId}/${uploadId}`;
}

function intentKey(productId: string, uploadId: string): string {
  return `${uploadPrefix(productId, uploadId)}/upload.json`;
}

async function readIntent(services: ApiServices, productId: string, uploadId: string): Promise<UploadIntent> {
  const bytes = await readObject(services.objects, intentKey(productId, uploadId));
  if (!bytes) throw notFound('Upload');
  const intent = JSON.parse(bytes.toString('utf8')) as UploadIntent;
  if (intent.v !== 1 || intent.productId !== productId || intent.uploadId !== uploadId) throw notFound('Upload');
  return intent;
}

/** The object is there, with the size that was declared, and starts like a GLB or a zip. */
async function checkUploadedBytes(services: ApiServices, intent: UploadIntent): Promise<void> {
  const head = await services.objects.head(intent.key);
  if (!head) throw new HttpError(409, 'NOT_UPLOADED', 'Nothing has been uploaded yet: PUT the file to the upload URL first, then complete.');
  if (head.size !== intent.size) {
    throw new HttpError(422, 'SIZE_MISMATCH', `The stored file has ${head.size} bytes, not the ${intent.size} declared: upload it again with a new upload URL.`);
  }
  const first = (await readObject(services.objects, intent.key, { start: 0, end: 1023 })) ?? Buffer.alloc(0);
  const format = sniffModel(first);
  if (format !== 'glb' && format !== 'zip') {
    throw new HttpError(
      422,
      'NOT_A_MODEL',
      format === 'gltf' ? 'The file is a .gltf on its own: zip it together with its .bin and textures and upload the .zip.' : notAModel(first, head.size),
    );
  }
}

/** The upload's format from its name and declared type; 415 with what is accepted otherwise. */
function acceptedFormat(filename: string, contentType: string): 'glb' | 'zip' {
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  if (ext === 'gltf') {
    throw new HttpError(415, 'UNSUPPORTED_FILE', 'A .gltf needs its .bin and textures: put them in one .zip with the .gltf and upload the .zip.');
  }
  if (ext !== 'glb' && ext !== 'zip') {
    throw new HttpError(415, 'UNSUPPORTED_FILE', `Only .glb files, or .zip files holding a .gltf with its .bin and textures, are accepted (got ${JSON.stringify(filename)}).`);
  }
  const types: readonly string[] = ACCEPTED[ext];
  if (!types.includes(contentType)) {
    throw new HttpError(415, 'UNSUPPORTED_FILE', `A .${ext} is sent as ${types.join(' or ')}, not ${contentType}.`);
  }
  return ext;
}

/** A file name safe in an object key (and readable as a download name), keeping its extension. */
export function safeFilename(filename: string, ext: 'glb' | 'zip'): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${stem || 'model'}.${ext}`;
}

function describeBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB (${n} bytes)` : `${n} bytes`;
}
