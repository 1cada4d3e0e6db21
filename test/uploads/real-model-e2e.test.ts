// Issue #4's end-to-end check on a real model made by someone else: a merchant uploads ../shared/models'
// WaterBottle.glb through the HTTP API, the worker processes it to ready, the published GLB validates with 0 errors
// and is smaller than the upload, and the storefront's product page renders it (a canvas that is not blank).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import { loadPipelineTools } from '../../src/assets/tools.ts';
import { validate } from '../../src/assets/validate.ts';
import { noChromium, noModels, realModel } from '../assets/fixtures.ts';
import { CHROMIUM, CHROMIUM_ARGS, ensureWebBuilt, imageStats, waitForModelLoad, watchPage } from '../browser/browser-kit.ts';
import { until, untilValue } from '../helpers/wait.ts';
import { putBytes, requestUpload, startUploadShop, type UploadShop } from './shop.ts';

describe('a real model, uploaded over HTTP, on the storefront', { skip: noModels || noChromium, timeout: 600_000 }, () => {
  let shop: UploadShop;
  before(async () => {
    await ensureWebBuilt();
    shop = await startUploadShop({ RUN_WORKER: 'true', WORKER_CONCURRENCY: '1' });
  });
  after(async () => {
    await shop?.close();
  });

  it('WaterBottle.glb: ready, valid, smaller, and rendered on its product page', async () => {
    const glb = realModel('WaterBottle.glb');
    const asked = await requestUpload(shop.merchant, shop.productId, { filename: 'WaterBottle.glb', contentType: 'model/gltf-binary', size: glb.byteLength });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    assert.equal((await putBytes(asked.presigned, glb)).status, 200);
    const done = await shop.merchant.call('POST', `/api/admin/products/${shop.productId}/model-uploads/${asked.presigned.uploadId}/complete`);
    assert.equal(done.status, 202, JSON.stringify(done.body));

    const repo = shop.app.shop.runtime.catalog.repo;
    await until(async () => ['ready', 'failed'].includes((await repo.getAsset(done.body.asset.id))?.status ?? ''), 'the upload to be processed', 400_000);
    const asset = (await repo.getAsset(done.body.asset.id))!;
    assert.equal(asset.status, 'ready', asset.error);
    for (const v of asset.report?.ssim ?? []) assert.ok(v.ssim >= 0.97, `${v.orbit}: SSIM ${v.ssim}`);

    // The published file, as a shopper's browser downloads it.
    const product = await untilValue(async () => {
      const p = (await (await fetch(`${shop.app.baseUrl}/api/products/product-${shop.productId}`)).json()) as { slug: string; model?: { glb: string } };
      return p.model?.glb.includes(asset.glbKey!) ? p : undefined;
    }, 'the storefront to show the new model', 15_000);
    const published = new Uint8Array(await (await fetch(new URL(product.model!.glb, shop.app.baseUrl))).arrayBuffer());
    assert.ok(published.byteLength < glb.byteLength, `${published.byteLength} < ${glb.byteLength}`);
    const check = await validate(published, await loadPipelineTools());
    assert.equal(check.errors, 0, 'the published GLB passes the Khronos validator');

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const watch = watchPage(page);
      await page.goto(`${shop.app.baseUrl}/p/${product.slug}`);
      await waitForModelLoad(page);
      const shot = await page.locator('model-viewer').screenshot();
      const stats = await imageStats(shot);
      assert.ok(stats.nonBackground > 0.03 && stats.stdev > 4, `the canvas shows a model: ${JSON.stringify(stats)}`);
      watch.assertClean();
    } finally {
      await browser.close();
    }
  });
});
