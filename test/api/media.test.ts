// Product media (issue #8): a merchant uploads photos and videos straight to object storage, the media.process job
// makes WebP renditions (metadata stripped, never upscaled) and a video poster, the list is reordered, captioned and
// trimmed with versions, and shoppers get it with the product; the video streams in byte ranges. Refusals say why
// and keep nothing. On the whole shop (folder store, PGlite, dynalite) with its worker.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { listAudit } from '../../src/databases/relational/audit.ts';
import type { Browser } from '../accounts/client.ts';
import { putBytes, startUploadShop, type Presigned, type UploadShop } from '../uploads/shop.ts';
import { until } from '../helpers/wait.ts';
import { photo, recordVideo } from '../media/fixtures.ts';

interface Rendition {
  url: string;
  width: number;
  height: number;
}
interface AdminItem {
  id: string;
  kind: 'image' | 'video';
  status: 'processing' | 'ready' | 'failed';
  error?: string;
  filename: string;
  alt: string;
  width: number | null;
  height: number | null;
  duration: number | null;
  video: string | null;
  renditions: Rendition[];
}
interface MediaAnswer {
  media: { productId: string; version: number; items: AdminItem[] };
}

let shop: UploadShop;
let merchant: Browser;
let productId: string;
let slug: string;
const base = (): string => `/api/admin/products/${productId}`;

async function upload(filename: string, contentType: string, bytes: Uint8Array): Promise<{ status: number; body: any; uploadId: string }> {
  const ask = await merchant.call('POST', `${base()}/media-uploads`, { filename, contentType, size: bytes.byteLength });
  assert.equal(ask.status, 201, JSON.stringify(ask.body));
  const p = ask.body as Presigned;
  const put = await putBytes(p, bytes);
  assert.equal(put.status, 200, put.text);
  const done = await merchant.call('POST', `${base()}/media-uploads/${p.uploadId}/complete`);
  return { status: done.status, body: done.body, uploadId: p.uploadId };
}

const list = async (): Promise<MediaAnswer['media']> => {
  const r = await merchant.call('GET', `${base()}/media`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as MediaAnswer).media;
};

async function settled(id: string): Promise<AdminItem> {
  let item: AdminItem | undefined;
  await until(async () => {
    item = (await list()).items.find((m) => m.id === id);
    return item !== undefined && item.status !== 'processing';
  }, `media ${id} to be processed`, 120_000, 200);
  return item!;
}

const objectsUnder = async (prefix: string): Promise<string[]> => {
  const keys: string[] = [];
  for await (const o of shop.app.shop.runtime.objects.list(prefix)) keys.push(o.key);
  return keys;
};

before(async () => {
  shop = await startUploadShop({ RUN_WORKER: 'true', MAX_IMAGE_UPLOAD_BYTES: String(1024 * 1024) });
  merchant = shop.merchant;
  productId = shop.productId;
  const p = await shop.app.shop.runtime.catalog.repo.getProduct(productId);
  slug = p!.slug;
  // Published, so the storefront's API shows it.
  await shop.app.shop.runtime.catalog.repo.putProduct({ ...p!, status: 'published' }, p!.version);
});
after(async () => {
  await shop?.close();
});

let photoId: string;
let smallId: string;
let videoId: string;
let mp4Id: string;

describe('uploading photos and videos', () => {
  it('turns a photo into upright WebP renditions at 480/960/1600 px, with no metadata left', async () => {
    // 2400 × 1200 stored, EXIF orientation 6 (a quarter turn): upright it is 1200 wide, 2400 high.
    const bytes = await photo(2400, 1200, 'jpeg', { exif: true, orientation: 6 });
    const done = await upload('Side view.JPG', 'image/jpeg', bytes);
    assert.equal(done.status, 202, JSON.stringify(done.body));
    const added = (done.body as MediaAnswer).media.items.at(-1)!;
    assert.equal(added.status, 'processing');
    assert.equal(added.kind, 'image');
    photoId = added.id;
    const item = await settled(photoId);
    assert.equal(item.status, 'ready', item.error);
    assert.deepEqual([item.width, item.height], [1200, 2400]);
    assert.deepEqual(item.renditions.map((r) => r.width), [480, 960, 1200], 'the standard widths below it, then its own: never upscaled');
    for (const r of item.renditions) {
      const res = await fetch(shop.app.baseUrl + r.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/webp');
      assert.match(res.headers.get('cache-control') ?? '', /immutable/);
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      assert.equal(meta.format, 'webp');
      assert.deepEqual([meta.width, meta.height], [r.width, r.height]);
      assert.equal(meta.width! * 2, meta.height, 'upright: the quarter turn applied');
      assert.equal(meta.exif, undefined, 'no EXIF (camera, GPS) left');
      assert.equal(meta.orientation, undefined);
    }
  });

  it('keeps a small photo at its own size (one rendition, not upscaled); PNG and AVIF are taken too', async () => {
    const png = await upload('badge.png', 'image/png', await photo(300, 200, 'png'));
    assert.equal(png.status, 202);
    smallId = `m-${png.uploadId}`;
    const avif = await upload('detail.avif', 'image/avif', await photo(640, 480, 'avif'));
    assert.equal(avif.status, 202);
    const small = await settled(smallId);
    assert.equal(small.status, 'ready', small.error);
    assert.deepEqual(small.renditions.map((r) => [r.width, r.height]), [[300, 200]]);
    const a = await settled(`m-${avif.uploadId}`);
    assert.equal(a.status, 'ready', a.error);
    assert.deepEqual(a.renditions.map((r) => r.width), [480, 640]);
    // Not wanted further on: removed to keep the list short.
    const del = await merchant.call('DELETE', `${base()}/media/m-${avif.uploadId}?version=${(await list()).version}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
  });

  it('reads a WebM’s duration and size in the worker’s Chromium and makes a WebP poster frame', async () => {
    const done = await upload('turntable.webm', 'video/webm', await recordVideo('webm', { width: 320, height: 180, seconds: 2 }));
    assert.equal(done.status, 202, JSON.stringify(done.body));
    videoId = `m-${done.uploadId}`;
    const item = await settled(videoId);
    assert.equal(item.status, 'ready', item.error);
    assert.equal(item.kind, 'video');
    assert.deepEqual([item.width, item.height], [320, 180]);
    assert.ok(item.duration! > 1 && item.duration! < 3, `about 2 s (got ${item.duration})`);
    assert.match(item.video ?? '', /^\/assets\/media\/.+\.webm$/);
    assert.deepEqual(item.renditions.map((r) => [r.width, r.height]), [[320, 180]], 'a poster at the frame’s size');
    const poster = await fetch(shop.app.baseUrl + item.renditions[0]!.url);
    assert.equal(poster.headers.get('content-type'), 'image/webp');
    const { data, info } = await sharp(Buffer.from(await poster.arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    // The frame is the recording's blue background (#2a6f97): a real picture, not a black or empty canvas.
    const mid = (Math.floor(info.height / 4) * info.width + 10) * info.channels;
    assert.ok(Math.abs(data[mid]! - 0x2a) < 24 && Math.abs(data[mid + 2]! - 0x97) < 24, `poster pixel ${[...data.subarray(mid, mid + 3)]}`);
  });

  it('takes an MP4 (H.264) video too', async () => {
    const done = await upload('demo.mp4', 'video/mp4', await recordVideo('mp4', { width: 256, height: 144, seconds: 1.5 }));
    assert.equal(done.status, 202, JSON.stringify(done.body));
    mp4Id = `m-${done.uploadId}`;
    const item = await settled(mp4Id);
    assert.equal(item.status, 'ready', item.error);
    assert.deepEqual([item.width, item.height], [256, 144]);
    assert.match(item.video ?? '', /\.mp4$/);
  });

  it('streams the video in byte ranges: 206 with Content-Range, from storage', async () => {
    const item = (await list()).items.find((m) => m.id === videoId)!;
    const whole = await fetch(shop.app.baseUrl + item.video!);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/webm');
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    const size = (await whole.arrayBuffer()).byteLength;
    const part = await fetch(shop.app.baseUrl + item.video!, { headers: { range: 'bytes=100-1099' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-1099/${size}`);
    assert.equal((await part.arrayBuffer()).byteLength, 1000);
    const tail = await fetch(shop.app.baseUrl + item.video!, { headers: { range: `bytes=${size - 10}-` } });
    assert.equal(tail.status, 206);
    assert.equal((await tail.arrayBuffer()).byteLength, 10);
    const beyond = await fetch(shop.app.baseUrl + item.video!, { headers: { range: `bytes=${size + 5}-` } });
    assert.equal(beyond.status, 416);
  });

  it('completing twice adds the item once', async () => {
    const again = await merchant.call('POST', `${base()}/media-uploads/${videoId.slice(2)}/complete`);
    assert.equal(again.status, 202);
    assert.equal((again.body as MediaAnswer).media.items.filter((m) => m.id === videoId).length, 1);
  });
});

describe('refusals: clear, at the field, and nothing kept', () => {
  it('refuses a file type that is not taken (415) and a photo over MAX_IMAGE_UPLOAD_BYTES (413)', async () => {
    const gif = await merchant.call('POST', `${base()}/media-uploads`, { filename: 'anim.gif', contentType: 'image/gif', size: 1000 });
    assert.equal(gif.status, 415);
    assert.equal(gif.body.error.code, 'UNSUPPORTED_FILE');
    assert.equal(gif.body.error.fields[0].field, 'filename');
    const big = await merchant.call('POST', `${base()}/media-uploads`, { filename: 'huge.jpg', contentType: 'image/jpeg', size: 1024 * 1024 + 1 });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'UPLOAD_TOO_LARGE');
    assert.match(big.body.error.message, /MAX_IMAGE_UPLOAD_BYTES/);
    const bigVideo = await merchant.call('POST', `${base()}/media-uploads`, { filename: 'long.mp4', contentType: 'video/mp4', size: 201 * 1024 * 1024 });
    assert.equal(bigVideo.status, 413, 'videos: 200 MB by default');
    const wrongType = await merchant.call('POST', `${base()}/media-uploads`, { filename: 'a.png', contentType: 'video/mp4', size: 1000 });
    assert.equal(wrongType.status, 415);
    assert.equal(wrongType.body.error.fields[0].field, 'contentType');
  });

  it('refuses bytes that are no image or video (422 NOT_MEDIA) and deletes the upload', async () => {
    const before = (await list()).items.length;
    const r = await upload('photo.png', 'image/png', new TextEncoder().encode('<html>this is not a picture at all</html>'.repeat(4)));
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'NOT_MEDIA');
    assert.match(r.body.error.message, /text, not an image or a video/);
    assert.deepEqual(await objectsUnder(`uploads/${productId}/${r.uploadId}/`), [], 'nothing half-stored');
    assert.equal((await list()).items.length, before);
  });

  it('refuses a file whose bytes are another format than its name says (422 MEDIA_MISMATCH)', async () => {
    const r = await upload('holiday.jpg', 'image/jpeg', await photo(64, 64, 'png'));
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'MEDIA_MISMATCH');
    assert.match(r.body.error.message, /is a PNG image/);
    assert.deepEqual(await objectsUnder(`uploads/${productId}/${r.uploadId}/`), []);
    const v = await upload('clip.mp4', 'video/mp4', await photo(64, 64, 'jpeg'));
    assert.equal(v.status, 422);
    assert.equal(v.body.error.code, 'MEDIA_MISMATCH', 'a photo sent as a video');
  });

  it('a photo that starts right but is cut short fails processing with the reason, shown in the list', async () => {
    const whole = await photo(800, 600, 'jpeg');
    const r = await upload('cut.jpg', 'image/jpeg', whole.subarray(0, Math.floor(whole.length / 3)));
    assert.equal(r.status, 202);
    const item = await settled(`m-${r.uploadId}`);
    assert.equal(item.status, 'failed');
    assert.match(item.error ?? '', /damaged or cut short/);
    const del = await merchant.call('DELETE', `${base()}/media/${item.id}?version=${(await list()).version}`);
    assert.equal(del.status, 200);
  });

  it('refuses customers (403) and guests', async () => {
    const r = await shop.customer.call('POST', `${base()}/media-uploads`, { filename: 'a.jpg', contentType: 'image/jpeg', size: 100 });
    assert.equal(r.status, 403);
    const g = await fetch(`${shop.app.baseUrl}${base()}/media`);
    assert.equal(g.status, 401);
  });
});

describe('the list: order, alt text, deletion, versions, audit', () => {
  it('reorders and sets alt text in one versioned edit; a stale version is 409 with currentVersion', async () => {
    const now = await list();
    assert.deepEqual(now.items.map((m) => m.id), [photoId, smallId, videoId, mp4Id]);
    const order = [videoId, photoId, mp4Id, smallId];
    const ok = await merchant.call('PATCH', `${base()}/media`, { version: now.version, order, alt: { [photoId]: '  Oak chair, side view  ', [videoId]: 'The chair turning' } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const after = (ok.body as MediaAnswer).media;
    assert.deepEqual(after.items.map((m) => m.id), order);
    assert.equal(after.items[1]!.alt, 'Oak chair, side view', 'trimmed');
    assert.equal(after.version, now.version + 1);
    const stale = await merchant.call('PATCH', `${base()}/media`, { version: now.version, order: [...order].reverse() });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'CONFLICT');
    assert.equal(stale.body.error.currentVersion, after.version);
    const audit = await listAudit(shop.app.shop.runtime.relational.db, { action: 'product.media-update', target: { type: 'product', id: productId }, limit: 5 });
    assert.equal(audit.items.length, 1);
  });

  it('refuses an order that leaves an item out or names one twice, at the field', async () => {
    const now = await list();
    const missing = await merchant.call('PATCH', `${base()}/media`, { version: now.version, order: [photoId, videoId, mp4Id] });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.fields[0].field, 'order');
    const twice = await merchant.call('PATCH', `${base()}/media`, { version: now.version, order: [photoId, photoId, mp4Id, smallId] });
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error.fields[0].field, 'order.1');
    const control = await merchant.call('PATCH', `${base()}/media`, { version: now.version, alt: { [photoId]: 'bad\u0007bell' } });
    assert.equal(control.status, 400);
    assert.equal(control.body.error.fields[0].field, `alt.${photoId}`);
  });

  it('shoppers get the ready media in the merchant’s order with alt text, renditions and the video’s poster', async () => {
    let product: any;
    await until(async () => {
      product = await (await fetch(`${shop.app.baseUrl}/api/products/${slug}`)).json();
      return product.media?.length === 4 && product.media[0].id === videoId;
    }, 'the storefront API to show the new order');
    assert.deepEqual(product.media.map((m: any) => m.id), [videoId, photoId, mp4Id, smallId]);
    const [video, image] = product.media;
    assert.equal(video.kind, 'video');
    assert.equal(video.alt, 'The chair turning');
    assert.equal(video.video.type, 'video/webm');
    assert.ok(video.images[0].url.endsWith('.webp'), 'the poster frame');
    assert.equal(image.alt, 'Oak chair, side view');
    assert.deepEqual(image.images.map((i: any) => i.width), [480, 960, 1200]);
    assert.equal(JSON.stringify(product).includes('uploads/'), false, 'private uploads never leak');
  });

  it('deletes an item (versioned, audited) and removes its private upload', async () => {
    const now = await list();
    const stale = await merchant.call('DELETE', `${base()}/media/${smallId}?version=${now.version - 1}`);
    assert.equal(stale.status, 409);
    const del = await merchant.call('DELETE', `${base()}/media/${smallId}?version=${now.version}`);
    assert.equal(del.status, 200);
    assert.deepEqual((del.body as MediaAnswer).media.items.map((m) => m.id), [videoId, photoId, mp4Id]);
    assert.deepEqual((await objectsUnder(`uploads/${productId}/${smallId.slice(2)}/`)).filter((k) => !k.endsWith('media.json')), []);
    const gone = await merchant.call('DELETE', `${base()}/media/${smallId}?version=${now.version + 1}`);
    assert.equal(gone.status, 404);
    const audit = await listAudit(shop.app.shop.runtime.relational.db, { action: 'product.media-delete', target: { type: 'product', id: productId }, limit: 10 });
    assert.ok(audit.items.some((a) => JSON.stringify(a.before).includes(smallId)));
  });
});
