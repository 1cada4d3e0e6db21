// Job `media.process`: turns a merchant's uploaded photo or video (compute/api/routes/admin-media.ts) into what the
// product gallery shows, and records it on the product's media list.
//   photo → WebP at 480/960/1600 px wide (never upscaled), upright, metadata stripped (assets/media-image.ts);
//   video → the upload's bytes under a public key of their own, streamed from the private upload (never in memory),
//           its duration and frame size and a poster frame read by the worker's Chromium (assets/media-video.ts),
//           the poster as WebP renditions like a photo.
// Idempotent, for at-least-once delivery: only an item still `processing` is worked on (a repeat of a finished one is
// a no-op, an item the merchant deleted meanwhile is dropped); outputs are written before the record, under keys
// that hold only these bytes (content-hashed, or the upload's own id), so a re-run writes the same keys; the record
// write is conditional on the list's version and, on a lost race with a merchant's edit, re-reads the list and
// puts the result on the same item, keeping their order and alt text.
import path from 'node:path';
import type { CatalogRepository } from '../../databases/catalog/repository.ts';
import { CatalogConflictError } from '../../databases/catalog/repository.ts';
import type { AssetImage } from '../../domain/catalog.ts';
import { MEDIA_FORMATS, MAX_VIDEO_SECONDS, type MediaItem, type ProductMedia } from '../../domain/media.ts';
import type { BrowserProvider } from '../../assets/browser.ts';
import { MediaInputError, processImage, type ProcessedImage } from '../../assets/media-image.ts';
import { probeVideo } from '../../assets/media-video.ts';
import { contentHashedKey, putOnce, readObject } from '../../storage/index.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import type { Job } from '../queue/queue.ts';

import { MEDIA_PROCESS, type MediaProcessPayload } from './job-types.ts';
export { MEDIA_PROCESS, type MediaProcessPayload };

export interface MediaProcessDeps {
  readonly repo: CatalogRepository;
  readonly objects: ObjectStore;
  /** The worker's shared Chromium: needed for videos only. */
  readonly browser?: BrowserProvider;
}

const MAX_RACES = 5;
type Outcome = Pick<MediaItem, 'width' | 'height' | 'duration' | 'renditions' | 'videoKey'>;

export function mediaProcessHandler(deps: MediaProcessDeps): (job: Job) => Promise<void> {
  return async (job) => {
    const { productId, mediaId } = job.payload as Partial<MediaProcessPayload>;
    if (typeof productId !== 'string' || typeof mediaId !== 'string') throw new Error(`${MEDIA_PROCESS}: payload must be { productId, mediaId }`);
    const list = await deps.repo.getMedia(productId);
    const item = list?.items.find((m) => m.id === mediaId);
    if (!item || item.status !== 'processing') return; // deleted, or finished by an earlier delivery
    let outcome: Outcome | { error: string };
    try {
      outcome = item.kind === 'image' ? await photo(deps, item) : await video(deps, item);
    } catch (err) {
      if (err instanceof MediaInputError) outcome = { error: err.message };
      else {
        // Our side failed (storage, the browser): retried; out of attempts, the merchant is told rather than left waiting.
        if (job.lastAttempt) await record(deps.repo, productId, mediaId, { error: `Processing stopped after repeated failures on our side (${String((err as Error)?.message ?? err).slice(0, 200)}); the file itself may be fine: upload it again.` }).catch(() => {});
        throw err;
      }
    }
    await record(deps.repo, productId, mediaId, outcome);
  };
}

async function photo(deps: MediaProcessDeps, item: MediaItem): Promise<Outcome> {
  const bytes = await readObject(deps.objects, item.sourceKey);
  if (!bytes) throw new Error(`${MEDIA_PROCESS}: upload ${item.sourceKey} is missing from storage`);
  const image = await processImage(bytes, item.format);
  return { width: image.width, height: image.height, renditions: await storeRenditions(deps.objects, image, stem(item.filename)) };
}

async function video(deps: MediaProcessDeps, item: MediaItem): Promise<Outcome> {
  if (!deps.browser) throw new Error(`${MEDIA_PROCESS}: no browser configured (pass a BrowserProvider as deps.browser)`);
  const mimeType = MEDIA_FORMATS[item.format].mimeType;
  // Public under the upload's own id (unique, written once): immutable like a content hash, without reading the
  // whole file twice to hash it first.
  const videoKey = `media/${item.id}/${stem(item.filename)}.${item.format}`;
  const head = await deps.objects.head(videoKey);
  if (!head || head.size !== item.bytes) {
    const src = await deps.objects.get(item.sourceKey);
    if (!src) throw new Error(`${MEDIA_PROCESS}: upload ${item.sourceKey} is missing from storage`);
    await deps.objects.put(videoKey, src.body, { contentType: mimeType }); // streamed, stored atomically
  }
  const probe = await probeVideo(await deps.browser.get(), {
    size: item.bytes,
    mimeType,
    read: async (range) => (await readObject(deps.objects, videoKey, range)) ?? Buffer.alloc(0),
  });
  if (probe.duration > MAX_VIDEO_SECONDS) {
    throw new MediaInputError(`The video lasts ${Math.round(probe.duration)} s; product videos may last at most ${MAX_VIDEO_SECONDS / 60} minutes.`);
  }
  const poster = await processImage(probe.frame, 'png-frame');
  return {
    width: probe.width,
    height: probe.height,
    duration: probe.duration,
    videoKey,
    renditions: await storeRenditions(deps.objects, poster, `${stem(item.filename)}-poster`),
  };
}

async function storeRenditions(objects: ObjectStore, image: ProcessedImage, name: string): Promise<AssetImage[]> {
  const out: AssetImage[] = [];
  for (const r of image.renditions) {
    const key = contentHashedKey('media', r.bytes, `${name}-${r.width}.webp`);
    await putOnce(objects, key, r.bytes, 'image/webp');
    out.push({ key, width: r.width, height: r.height, mimeType: 'image/webp' });
  }
  return out;
}

/** Puts the outcome on the item, if it is still there and still processing; conditional, re-read on a lost race. */
async function record(repo: CatalogRepository, productId: string, mediaId: string, outcome: Outcome | { error: string }): Promise<void> {
  for (let race = 0; ; race++) {
    const list: ProductMedia | null = await repo.getMedia(productId);
    const item = list?.items.find((m) => m.id === mediaId);
    if (!list || !item || item.status !== 'processing') return;
    const done: MediaItem = 'error' in outcome ? { ...item, status: 'failed', error: outcome.error } : { ...item, ...outcome, status: 'ready' };
    try {
      await repo.putMedia({ ...list, items: list.items.map((m) => (m.id === mediaId ? done : m)) }, list.version);
      return;
    } catch (err) {
      if (!(err instanceof CatalogConflictError) || race >= MAX_RACES) throw err;
    }
  }
}

/** A file name's stem, safe in an object key. */
function stem(filename: string): string {
  const s = path.posix
    .basename(filename.replace(/\\/g, '/'))
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+|[-.]+$/g, '')
    .slice(0, 60);
  return s || 'media';
}
