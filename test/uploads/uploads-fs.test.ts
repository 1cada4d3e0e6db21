// Model uploads with the folder object store (the one-machine default): the upload URL is PUT /api/uploads/<token>
// on the shop itself. The common flow (tests in suite.ts), then what the token route must refuse, then, where
// Chromium is installed, an upload processed to ready by the in-process worker and shown on its product.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { FsObjectStore } from '../../src/storage/fs-store.ts';
import { demoModel, noChromium } from '../assets/fixtures.ts';
import { until } from '../helpers/wait.ts';
import { uploadApiSuite } from './suite.ts';
import { type UploadShop, asBody, putBytes, requestUpload, startUploadShop } from './shop.ts';

uploadApiSuite('folder', () => startUploadShop());

describe('PUT /api/uploads/<token> (folder store)', () => {
  let shop: UploadShop;
  let glb: Uint8Array;
  before(async () => {
    shop = await startUploadShop();
    glb = await demoModel('bar-stool');
  });
  after(async () => {
    await shop?.close();
  });

  const ask = async (size = glb.byteLength) => {
    const a = await requestUpload(shop.merchant, shop.productId, { filename: 'stool.glb', contentType: 'model/gltf-binary', size });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    return a.presigned;
  };
  const keyOf = (uploadId: string) => `uploads/${shop.productId}/${uploadId}/stool.glb`;

  it('points at the shop itself and needs no session or CSRF token (the token is the grant)', async () => {
    const p = await ask();
    assert.ok(p.upload.url.startsWith(`${shop.app.baseUrl}/api/uploads/`), p.upload.url);
    const res = await fetch(p.upload.url, { method: 'PUT', headers: { 'content-type': 'model/gltf-binary' }, body: asBody(glb) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { size: number; etag: string };
    assert.equal(body.size, glb.byteLength);
    assert.equal(res.headers.get('etag'), `"${body.etag}"`);
    const stored = await shop.app.shop.runtime.objects.head(keyOf(p.uploadId));
    assert.equal(stored?.etag, body.etag);
  });

  it('refuses an altered token, or one signed with another key (403)', async () => {
    const p = await ask();
    const token = p.upload.url.split('/api/uploads/')[1]!;
    const [payload, sig] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { n: number };
    const bigger = Buffer.from(JSON.stringify({ ...claims, n: claims.n * 100 })).toString('base64url');
    for (const forged of [`${bigger}.${sig}`, `${payload}.${sig.slice(0, -2)}AA`, 'not-a-token', `${payload}`]) {
      const res = await fetch(`${shop.app.baseUrl}/api/uploads/${forged}`, { method: 'PUT', headers: p.upload.headers, body: asBody(glb) });
      assert.equal(res.status, 403, forged);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UPLOAD_DENIED');
    }
    const other = new FsObjectStore(shop.app.dataDir, { uploadSigningKey: 'another-key-of-at-least-32-characters!!' });
    const elsewhere = await other.presignPut(keyOf(p.uploadId), { contentType: 'model/gltf-binary', contentLength: glb.byteLength, expiresInSeconds: 60 });
    const res = await fetch(new URL(elsewhere.url, shop.app.baseUrl), { method: 'PUT', headers: elsewhere.headers, body: asBody(glb) });
    assert.equal(res.status, 403);
    assert.equal(await shop.app.shop.runtime.objects.head(keyOf(p.uploadId)), null, 'nothing stored');

    // Even a genuine token is good for uploads only: never for the keys the shop serves.
    const published = await shop.app.shop.runtime.objects.presignPut('models/0123456789abcdef/chair.glb', { contentType: 'model/gltf-binary', contentLength: glb.byteLength, expiresInSeconds: 60 });
    const overwrite = await fetch(new URL(published.url, shop.app.baseUrl), { method: 'PUT', headers: published.headers, body: asBody(glb) });
    assert.equal(overwrite.status, 403);
    assert.equal(await shop.app.shop.runtime.objects.head('models/0123456789abcdef/chair.glb'), null);
  });

  it('refuses an expired token (403, saying so)', async () => {
    const key = `uploads/${shop.productId}/expired/stool.glb`;
    const p = await shop.app.shop.runtime.objects.presignPut(key, { contentType: 'model/gltf-binary', contentLength: glb.byteLength, expiresInSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2100 - (Date.now() % 1000)));
    const res = await fetch(new URL(p.url, shop.app.baseUrl), { method: 'PUT', headers: p.headers, body: asBody(glb) });
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'UPLOAD_EXPIRED');
    assert.match(body.error.message, /expired: ask for a new one/);
    assert.equal(await shop.app.shop.runtime.objects.head(key), null);
  });

  it('refuses a body longer than declared (413) or shorter (400), storing nothing, and then still takes the right one', async () => {
    const p = await ask();
    const longer = new Uint8Array(glb.byteLength + 1);
    longer.set(glb);
    const tooLong = await putBytes({ ...p }, longer);
    assert.equal(tooLong.status, 413);
    assert.match(tooLong.text, /longer than the \d+ bytes this upload link was issued for; nothing was stored/);
    const tooShort = await putBytes(p, glb.subarray(0, 100));
    assert.equal(tooShort.status, 400);
    assert.match(tooShort.text, /UPLOAD_INCOMPLETE/);

    // Streamed without a Content-Length (chunked): counted as it arrives, cut off past the grant.
    const chunks = [glb, new Uint8Array(64 * 1024)];
    const streamed = await fetch(p.upload.url, {
      method: 'PUT',
      headers: p.upload.headers,
      body: Readable.toWeb(Readable.from(chunks)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' }).then(
      async (r) => r.status,
      () => 'reset', // the server may close the connection on the rest of the body
    );
    assert.ok(streamed === 413 || streamed === 'reset', String(streamed));
    assert.equal(await shop.app.shop.runtime.objects.head(keyOf(p.uploadId)), null, 'nothing stored');

    const early = await shop.merchant.call('POST', `/api/admin/products/${shop.productId}/model-uploads/${p.uploadId}/complete`);
    assert.equal(early.status, 409);
    assert.equal((await putBytes(p, glb)).status, 200);
  });

  it('refuses another content type (415) and a second PUT on a used link (409)', async () => {
    const p = await ask();
    const wrongType = await putBytes(p, glb, { 'content-type': 'application/octet-stream' });
    assert.equal(wrongType.status, 415);
    assert.match(wrongType.text, /send the file with Content-Type: model\/gltf-binary/);
    assert.equal((await putBytes(p, glb)).status, 200);
    const again = await putBytes(p, glb);
    assert.equal(again.status, 409);
    assert.match(again.text, /ALREADY_UPLOADED/);
  });
});

describe('an upload processed by the in-process worker', { skip: noChromium, timeout: 600_000 }, () => {
  let shop: UploadShop;
  before(async () => {
    shop = await startUploadShop({ RUN_WORKER: 'true', WORKER_CONCURRENCY: '1' });
  });
  after(async () => {
    await shop?.close();
  });

  it('becomes ready and is shown on its product', async () => {
    const glb = await demoModel('ceramic-mug');
    const asked = await requestUpload(shop.merchant, shop.productId, { filename: 'mug.glb', contentType: 'model/gltf-binary', size: glb.byteLength });
    assert.equal((await putBytes(asked.presigned, glb)).status, 200);
    const done = await shop.merchant.call('POST', `/api/admin/products/${shop.productId}/model-uploads/${asked.presigned.uploadId}/complete`);
    assert.equal(done.status, 202);
    const repo = shop.app.shop.runtime.catalog.repo;
    await until(async () => ['ready', 'failed'].includes((await repo.getAsset(done.body.asset.id))?.status ?? ''), 'the asset to be processed', 300_000);
    const asset = await repo.getAsset(done.body.asset.id);
    assert.equal(asset?.status, 'ready', asset?.error);
    assert.ok(asset?.glbKey && asset.bytes! < glb.byteLength);
    await until(async () => (await repo.getProduct(shop.productId))?.assetId === asset!.id, 'the product to show the new model', 10_000);
    const status = await shop.merchant.call('GET', `/api/admin/products/${shop.productId}/model-uploads/${asked.presigned.uploadId}`);
    assert.equal(status.body.asset.status, 'ready');
    assert.equal(status.body.asset.shownOnProduct, true);
    assert.equal(status.body.asset.report.validation.input.errors, 0);
  });
});
