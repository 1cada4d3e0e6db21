// /assets/*: objects from the object store (the design's S3) with everything CloudFront needs from an origin:
// immutable caching for content-hashed keys, a strong ETag with 304s, and byte ranges (206) for models and video.
import type { FastifyPluginAsync } from 'fastify';
import { IMMUTABLE } from '../../../delivery/cache-policy.ts';
import { decideRange, notModified, strongEtag } from '../../../delivery/conditional.ts';
import { assertKey } from '../../../storage/object-store.ts';
import { notFound } from '../errors.ts';
import type { ApiServices } from '../ports.ts';

const PRIVATE_PREFIXES = ['uploads/'];

export const assetRoutes: FastifyPluginAsync<{ services: ApiServices }> = async (app, { services }) => {
  const { objects } = services;

  // Compression is off here: models are already compressed (meshopt/Draco, WebP) and byte ranges must address
  // the stored bytes. The CDN compresses what is worth it.
  app.get<{ Params: { '*': string } }>('/assets/*', { compress: false, config: { session: false } }, async (req, reply) => {
    const key = req.params['*'];
    try {
      assertKey(key);
    } catch {
      throw notFound('Asset');
    }
    // Merchants' uploads as they sent them are private until the pipeline publishes its outputs elsewhere.
    if (PRIVATE_PREFIXES.some((p) => key.startsWith(p))) throw notFound('Asset');
    const meta = await objects.head(key);
    if (!meta) throw notFound('Asset');
    const etag = strongEtag(meta.etag);
    reply
      .header('etag', etag)
      .header('cache-control', IMMUTABLE)
      .header('accept-ranges', 'bytes')
      .header('last-modified', meta.lastModified.toUTCString())
      .header('access-control-allow-origin', '*') // assets are public; AR viewers and other origins may fetch them
      .header('x-content-type-options', 'nosniff');
    if (notModified(req.headers['if-none-match'], etag)) return reply.code(304).send();

    const ifRange = typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : undefined;
    const decision = decideRange(req.headers.range, ifRange, meta.size, etag);
    if (decision.kind === 'unsatisfiable') {
      return reply.code(416).header('content-range', `bytes */${meta.size}`).type('application/json').send({
        error: { code: 'RANGE_NOT_SATISFIABLE', message: `Range outside the ${meta.size}-byte object` },
      });
    }
    const range = decision.kind === 'partial' ? decision.range : undefined;
    const obj = await objects.get(key, range);
    if (!obj) throw notFound('Asset');
    reply.type(meta.contentType);
    if (range) {
      reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${meta.size}`)
        .header('content-length', range.end - range.start + 1);
    } else {
      reply.header('content-length', meta.size);
    }
    services.metrics.assetBytes.inc({ kind: key.split('/')[0] ?? 'other' }, range ? range.end - range.start + 1 : meta.size);
    return reply.send(obj.body);
  });
};
