// The upload API's behaviour that holds whichever object store runs (a folder, or S3): asserted once, run by
// uploads-fs.test.ts and uploads-s3.test.ts against a real shop.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadPipelineTools } from '../../src/assets/tools.ts';
import { Browser } from '../accounts/client.ts';
import { demoModel } from '../assets/fixtures.ts';
import { trickyGltf, zipOf } from './fixtures.ts';
import { type UploadShop, processJobs, putBytes, requestUpload } from './shop.ts';

export function uploadApiSuite(storeName: string, start: () => Promise<UploadShop>): void {
  describe(`model uploads (${storeName} store)`, () => {
    let shop: UploadShop;
    let glb: Uint8Array;
    before(async () => {
      shop = await start();
      glb = await demoModel('bar-stool');
    });
    after(async () => {
      await shop?.close();
    });

    const base = () => `/api/admin/products/${shop.productId}/model-uploads`;

    it('takes a .glb straight to storage, then records a pending asset and queues one job, once', async () => {
      const asked = await requestUpload(shop.merchant, shop.productId, { filename: 'Bar Stool (v2).GLB', contentType: 'model/gltf-binary', size: glb.byteLength });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      const p = asked.presigned;
      assert.match(p.uploadId, /^[0-9a-z]{9}[0-9a-f]{24}$/);
      assert.equal(p.upload.method, 'PUT');
      assert.ok(/^https?:\/\//.test(p.upload.url), `an absolute URL: ${p.upload.url}`);
      assert.deepEqual(p.upload.headers, { 'content-type': 'model/gltf-binary' });
      const ttl = Date.parse(p.expiresAt) - Date.now();
      assert.ok(ttl > 29 * 60_000 && ttl <= 30 * 60_000, `expires in 30 minutes (${ttl} ms)`);
      assert.equal(asked.headers.get('cache-control'), 'private, no-store');

      const before = await shop.merchant.call('GET', `${base()}/${p.uploadId}`);
      assert.equal(before.status, 200);
      assert.equal(before.body.uploaded, false);
      assert.equal(before.body.asset, null);

      // The merchant's page may send it there: the upload's origin is the page's own, or the CSP's connect-src names it.
      const page = await fetch(`${shop.app.baseUrl}/`);
      const connect = (page.headers.get('content-security-policy') ?? '').split('; ').find((d) => d.startsWith('connect-src '))?.split(' ') ?? [];
      const uploadOrigin = new URL(p.upload.url).origin;
      if (uploadOrigin !== new URL(shop.app.baseUrl).origin) assert.ok(connect.includes(uploadOrigin), `connect-src ${connect.join(' ')} allows ${uploadOrigin}`);
      else assert.ok(connect.includes("'self'"));

      const put = await putBytes(p, glb);
      assert.equal(put.status, 200, put.text);

      const done = await shop.merchant.call('POST', `${base()}/${p.uploadId}/complete`);
      assert.equal(done.status, 202, JSON.stringify(done.body));
      assert.deepEqual(done.body, { asset: { id: `upload-${p.uploadId}`, status: 'pending' } });

      const repo = shop.app.shop.runtime.catalog.repo;
      const asset = await repo.getAsset(`upload-${p.uploadId}`);
      assert.equal(asset?.status, 'pending');
      assert.equal(asset?.sourceKey, `uploads/${shop.productId}/${p.uploadId}/Bar-Stool-v2.glb`);
      const stored = await shop.app.shop.runtime.objects.head(asset!.sourceKey!);
      assert.equal(stored?.size, glb.byteLength);
      assert.equal(stored?.contentType, 'model/gltf-binary');
      const leak = await fetch(`${shop.app.baseUrl}/assets/${asset!.sourceKey}`);
      assert.equal(leak.status, 404, 'the merchant’s source file is not public; only published outputs are');
      let jobs = (await processJobs(shop)).filter((j) => (j.payload as { assetId: string }).assetId === asset!.id);
      assert.equal(jobs.length, 1);
      assert.deepEqual(jobs[0]!.payload, { assetId: asset!.id, productId: shop.productId });

      // Completing again (a retry, a double click) is the same asset and the same one job.
      const again = await shop.merchant.call('POST', `${base()}/${p.uploadId}/complete`);
      assert.equal(again.status, 202);
      assert.deepEqual(again.body, done.body);
      jobs = (await processJobs(shop)).filter((j) => (j.payload as { assetId: string }).assetId === asset!.id);
      assert.equal(jobs.length, 1);

      const status = await shop.merchant.call('GET', `${base()}/${p.uploadId}`);
      assert.equal(status.status, 200);
      assert.equal(status.body.uploaded, true);
      assert.equal(status.body.filename, 'Bar Stool (v2).GLB');
      assert.deepEqual(status.body.asset, { id: asset!.id, status: 'pending', shownOnProduct: false });
      assert.equal((await repo.getProduct(shop.productId))?.assetId, undefined, 'the product shows it only once it is ready');
    });

    it('takes a .zip holding a .gltf with its .bin and texture', async () => {
      const zip = zipOf(await trickyGltf(await loadPipelineTools()), 'chair/');
      const asked = await requestUpload(shop.merchant, shop.productId, { filename: 'chair.zip', contentType: 'application/zip', size: zip.byteLength });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      assert.equal((await putBytes(asked.presigned, zip)).status, 200);
      const done = await shop.merchant.call('POST', `${base()}/${asked.presigned.uploadId}/complete`);
      assert.equal(done.status, 202, JSON.stringify(done.body));
      assert.equal(done.body.asset.status, 'pending');
    });

    it('refuses a file over MAX_UPLOAD_BYTES (413), a bare .gltf and other types (415), bad fields (400)', async () => {
      const limit = shop.app.shop.runtime.config.MAX_UPLOAD_BYTES;
      const big = await requestUpload(shop.merchant, shop.productId, { filename: 'huge.glb', contentType: 'model/gltf-binary', size: limit + 1 });
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, 'UPLOAD_TOO_LARGE');
      assert.match(big.body.error.message, /uploads may be at most 100 MiB \(104857600 bytes\) \(MAX_UPLOAD_BYTES\)/);

      const gltf = await requestUpload(shop.merchant, shop.productId, { filename: 'chair.gltf', contentType: 'model/gltf+json', size: 1000 });
      assert.equal(gltf.status, 415);
      assert.match(gltf.body.error.message, /put them in one \.zip with the \.gltf/);
      const obj = await requestUpload(shop.merchant, shop.productId, { filename: 'chair.obj', contentType: 'text/plain', size: 1000 });
      assert.equal(obj.status, 415);
      const mislabelled = await requestUpload(shop.merchant, shop.productId, { filename: 'chair.glb', contentType: 'image/png', size: 1000 });
      assert.equal(mislabelled.status, 415);
      assert.match(mislabelled.body.error.message, /A \.glb is sent as model\/gltf-binary or application\/octet-stream, not image\/png/);

      const zero = await requestUpload(shop.merchant, shop.productId, { filename: 'chair.glb', contentType: 'model/gltf-binary', size: 0 });
      assert.equal(zero.status, 400);
      const extra = await shop.merchant.call('POST', base(), { filename: 'chair.glb', contentType: 'model/gltf-binary', size: 10, key: 'x' });
      assert.equal(extra.status, 400);
    });

    it('is for merchants and admins only: 403 for customers, 401 for guests, 404 for unknown products and uploads', async () => {
      const body = { filename: 'chair.glb', contentType: 'model/gltf-binary', size: 100 };
      const customer = await requestUpload(shop.customer, shop.productId, body);
      assert.equal(customer.status, 403);
      assert.equal(customer.body.error.code, 'FORBIDDEN');
      const guest = new Browser(shop.app.baseUrl);
      await guest.csrf();
      assert.equal((await requestUpload(guest, shop.productId, body)).status, 401);

      const ok = await requestUpload(shop.merchant, shop.productId, body);
      assert.equal(ok.status, 201);
      assert.equal((await shop.customer.call('POST', `${base()}/${ok.presigned.uploadId}/complete`)).status, 403);
      assert.equal((await shop.customer.call('GET', `${base()}/${ok.presigned.uploadId}`)).status, 403);
      assert.equal((await guest.call('POST', `${base()}/${ok.presigned.uploadId}/complete`)).status, 401);

      assert.equal((await requestUpload(shop.merchant, 'no-such-product', body)).status, 404);
      const unknown = await shop.merchant.call('POST', `${base()}/000000000${'0'.repeat(24)}/complete`);
      assert.equal(unknown.status, 404);
      assert.equal((await shop.merchant.call('GET', `/api/admin/products/other-product/model-uploads/${ok.presigned.uploadId}`)).status, 404);
      assert.equal((await shop.merchant.call('POST', `${base()}/not-an-id/complete`)).status, 400);
    });

    it('will not complete before the bytes are there (409), nor bytes that are not a model (422)', async () => {
      const notYet = await requestUpload(shop.merchant, shop.productId, { filename: 'chair.glb', contentType: 'model/gltf-binary', size: glb.byteLength });
      const early = await shop.merchant.call('POST', `${base()}/${notYet.presigned.uploadId}/complete`);
      assert.equal(early.status, 409);
      assert.equal(early.body.error.code, 'NOT_UPLOADED');

      const pdf = new TextEncoder().encode('%PDF-1.7 this is a brochure, not a chair');
      const wrong = await requestUpload(shop.merchant, shop.productId, { filename: 'chair.glb', contentType: 'model/gltf-binary', size: pdf.byteLength });
      assert.equal((await putBytes(wrong.presigned, pdf)).status, 200);
      const refused = await shop.merchant.call('POST', `${base()}/${wrong.presigned.uploadId}/complete`);
      assert.equal(refused.status, 422);
      assert.equal(refused.body.error.code, 'NOT_A_MODEL');
      assert.match(refused.body.error.message, /looks like a PDF document/);
      assert.equal(await shop.app.shop.runtime.catalog.repo.getAsset(`upload-${wrong.presigned.uploadId}`), null);
    });
  });
}
