/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// The merchant's 3D panel and hotspots in a real browser (Debian's Chromium, the whole shop with the demo catalog and
// its worker): a merchant opens a demo product's model panel, clicks the model to place a hotspot, labels it and
// saves; a shopper's product page then shows it as a labelled button on the 3D view, reachable with the Tab key.
// Then a real model (../shared/models/WaterBottle.glb) goes through the panel: a progress bar while it uploads, the
// live status until it is ready, and the pipeline's report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../src/compute/accounts/passwords.ts';
import { insertAccount } from '../../src/databases/relational/accounts.ts';
import type { TestApp } from '../helpers/app.ts';
import { until } from '../helpers/wait.ts';
import { browserSkip, CHROMIUM, CHROMIUM_ARGS, ensureWebBuilt, MODEL_TIMEOUT, pointOnModel, waitForModelLoad, watchPage } from './browser-kit.ts';

const skip = browserSkip();
const MERCHANT = { email: 'mia.model@example.com', password: 'Merchant-pass-2024' };
const LABEL = 'Soft-close hinge';
const PRODUCT = 'demo-dining-chair';
const SLUG = 'dining-chair';
const WATER_BOTTLE = resolve('../shared/models/WaterBottle.glb');

interface PublicHotspot { id: string; label: string; position: number[]; normal: number[] }

describe('the 3D panel’s hotspot editor and the storefront’s hotspots, in Chromium', { skip, timeout: 900_000 }, () => {
  let app: TestApp | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  let shots = '';
  const contexts: BrowserContext[] = [];

  const newPage = async (width = 1280): Promise<Page> => {
    const context = await browser!.newContext({ locale: 'en-US', viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    // SwiftShader on a busy machine can stall the page's main thread while it builds the model's first frames.
    page.setDefaultTimeout(MODEL_TIMEOUT);
    return page;
  };

  const signIn = async (page: Page, next: string): Promise<void> => {
    await page.goto(`${baseUrl}/account/signin?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Email').fill(MERCHANT.email);
    await page.getByLabel('Password').fill(MERCHANT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === next);
  };

  const publicHotspots = async (slug: string): Promise<PublicHotspot[]> =>
    ((await (await fetch(`${baseUrl}/api/products/${slug}`)).json()) as { model: { hotspots: PublicHotspot[] } | null }).model?.hotspots ?? [];

  before(async () => {
    await ensureWebBuilt();
    shots = mkdtempSync(join(tmpdir(), 'vitrine-hotspots-shots-'));
    const { startTestApp } = await import('../helpers/app.ts');
    // The worker runs: the upload test needs its asset.process job (one at a time: two cores).
    app = await startTestApp({ env: { RUN_WORKER: 'true', WORKER_CONCURRENCY: '1' } });
    baseUrl = app.baseUrl;
    await insertAccount(app.shop.runtime.relational.db, { email: MERCHANT.email, name: 'Mia Merchant', role: 'merchant', passwordHash: await hashPassword(MERCHANT.password) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (shots && !process.env.KEEP_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    else if (shots) console.log(`# screenshots kept in ${shots}`);
  });

  test('a merchant clicks the model to place a labelled hotspot; a shopper sees it and reaches it with the keyboard', async () => {
    const page = await newPage();
    const watch = watchPage(page);
    const panel = `/admin/products/${PRODUCT}/model`;
    await signIn(page, panel);
    await page.getByRole('heading', { level: 1, name: /^3D model: / }).waitFor();
    // The demo's model: its poster and what the shop knows of it, then the interactive preview.
    await page.getByTestId('current-model').getByTestId('poster').waitFor();
    assert.equal(await page.getByTestId('asset-status').textContent(), 'ready');
    // The preview is below the model's report: on screen, model-viewer shows the model.
    await page.getByTestId('preview').scrollIntoViewIfNeeded();
    await waitForModelLoad(page);

    const point = await pointOnModel(page);
    await page.mouse.click(point.x, point.y);

    // The new hotspot's label field takes the focus: the merchant just types.
    const label = page.getByLabel('Hotspot 1 label');
    await label.waitFor();
    assert.equal(await label.evaluate((el) => el === document.activeElement), true, 'the label field has the focus');
    await page.keyboard.type(LABEL);
    const marker = page.locator('model-viewer .hotspot');
    assert.equal(await marker.count(), 1, 'the hotspot shows on the preview');
    assert.equal(await marker.textContent(), LABEL);

    // A second click places a second hotspot; deleting it puts the keyboard back on the first one's label.
    // (Points are looked up again before each click: focusing a field may have scrolled the page.)
    let other = await pointOnModel(page, await marker.boundingBox());
    await page.mouse.click(other.x, other.y);
    await page.getByLabel('Hotspot 2 label').waitFor();
    assert.equal(await page.getByLabel('Hotspot 2 label').evaluate((el) => el === document.activeElement), true);
    await page.getByRole('button', { name: 'Delete hotspot 2' }).click();
    assert.equal(await page.getByLabel('Hotspot 2 label').count(), 0);
    assert.equal(await label.evaluate((el) => el === document.activeElement), true, 'focus back on hotspot 1');
    // Move: press it, then click the model.
    await page.getByRole('button', { name: 'Move' }).click();
    assert.equal(await page.getByRole('button', { name: 'Cancel move' }).getAttribute('aria-pressed'), 'true');
    other = await pointOnModel(page, await marker.boundingBox());
    await page.mouse.click(other.x, other.y);
    await page.getByText('Hotspot moved. Save to keep it.').waitFor();
    assert.equal(await marker.count(), 1);

    await page.getByRole('button', { name: 'Save hotspots' }).click();
    await page.getByText('Saved: 1 hotspot is on the product page.').waitFor();
    await page.screenshot({ path: join(shots, 'model-panel.png'), fullPage: true });

    // Stored on the model, in the model's box.
    await until(async () => (await publicHotspots(SLUG)).length === 1, 'the catalog shows the hotspot', 20_000);
    const [stored] = await publicHotspots(SLUG);
    assert.ok(stored);
    assert.equal(stored.label, LABEL);
    const asset = await app!.shop.runtime.catalog.repo.getAsset(PRODUCT);
    assert.ok(asset?.bounds);
    stored.position.forEach((v, i) => assert.ok(v >= asset.bounds!.min[i]! - 0.05 && v <= asset.bounds!.max[i]! + 0.05, `position ${i} in the box`));
    assert.ok(Math.abs(Math.hypot(...stored.normal) - 1) < 1e-4, 'a unit normal');
    // A reload shows the saved list, not an unsaved copy.
    await page.reload();
    await page.getByLabel('Hotspot 1 label').waitFor();
    assert.equal(await page.getByLabel('Hotspot 1 label').inputValue(), LABEL);
    watch.assertClean();

    // The shopper: the poster first, then the 3D view with the hotspot as a labelled button.
    const shopper = await newPage();
    const shopperWatch = watchPage(shopper);
    await shopper.goto(`${baseUrl}/p/${SLUG}`);
    await waitForModelLoad(shopper);
    const hotspot = shopper.getByRole('button', { name: LABEL, exact: true });
    await hotspot.waitFor({ state: 'visible' });
    assert.equal(await hotspot.getAttribute('slot'), `hotspot-${stored.id}`);
    const box = await hotspot.boundingBox();
    const frame = await shopper.getByTestId('model-viewer').boundingBox();
    assert.ok(box && frame && box.width > 0 && box.height > 0, 'the hotspot has a size');
    assert.ok(box.x < frame.x + frame.width && box.x + box.width > frame.x && box.y < frame.y + frame.height && box.y + box.height > frame.y, 'the hotspot is on the 3D view');
    const readable = await hotspot.evaluate((el) => {
      const s = getComputedStyle(el);
      return { size: parseFloat(s.fontSize), colour: s.color, background: s.backgroundColor };
    });
    assert.ok(readable.size >= 12, `a readable label (${readable.size} px)`);

    // Tab reaches the hotspot (from the top of the page), and Enter on it turns the camera to it.
    await shopper.locator('body').focus();
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await shopper.keyboard.press('Tab');
      reached = await hotspot.evaluate((el) => el === document.activeElement);
    }
    assert.ok(reached, 'the hotspot is reached with the Tab key');
    const before = await shopper.evaluate(() => (document.querySelector('model-viewer') as unknown as { getCameraTarget(): { x: number; y: number; z: number } }).getCameraTarget());
    await shopper.keyboard.press('Enter');
    await shopper.waitForFunction(
      ([b, target]) => {
        const t = (document.querySelector('model-viewer') as unknown as { getCameraTarget(): { x: number; y: number; z: number } }).getCameraTarget();
        return Math.hypot(t.x - b.x, t.y - b.y, t.z - b.z) > 1e-4 && Math.hypot(t.x - target[0]!, t.y - target[1]!, t.z - target[2]!) < 0.01;
      },
      [before, stored.position] as const,
      { timeout: MODEL_TIMEOUT },
    );
    await shopper.screenshot({ path: join(shots, 'product-hotspot.png') });
    shopperWatch.assertClean();
  });

  test('a real model uploaded through the panel: progress, live status until ready, and the report', { skip: existsSync(WATER_BOTTLE) ? false : `${WATER_BOTTLE} is absent` }, async () => {
    const list = (await (await fetch(`${baseUrl}/api/products?category=home&limit=5`)).json()) as { items: { id: string; slug: string }[] };
    const target = list.items[0]!;
    const page = await newPage();
    const watch = watchPage(page);
    const panel = `/admin/products/${encodeURIComponent(target.id)}/model`;
    await signIn(page, panel);
    await page.getByRole('heading', { level: 1, name: /^3D model: / }).waitFor();

    // The progress bar moves while the file goes up (recorded from the page, so no value is missed).
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[data-testid="upload-progress"]') as HTMLProgressElement | null;
        if (bar && seen.at(-1) !== bar.value) seen.push(bar.value);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByLabel('Model file').setInputFiles(WATER_BOTTLE);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByTestId('processing').waitFor();
    assert.match(page.url(), /\?upload=/, 'the address keeps the upload being followed');
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    assert.ok(seen.length >= 1 && seen.at(-1) === 100, `the progress bar reached 100 % (${seen.join(', ')})`);

    // Live status, without reloading, until ready (asset processing takes minutes on two busy cores).
    await page.getByText('WaterBottle.glb is ready').waitFor({ timeout: 600_000 });
    assert.doesNotMatch(page.url(), /\?upload=/);
    const report = page.getByTestId('current-model').getByTestId('model-report');
    await report.waitFor();
    assert.match((await report.getByTestId('validation-input').getByTestId('errors').textContent()) ?? '', /^0 errors$/);
    assert.match((await report.getByTestId('bytes').textContent()) ?? '', /KB → .*(KB|bytes).*smaller/);
    assert.match((await report.getByTestId('triangles').textContent()) ?? '', /\d → \d/);
    const ssim = await report.getByTestId('ssim').locator('td').allTextContents();
    assert.ok(ssim.length >= 1 && ssim.every((v) => Number(v) >= 0.97), `SSIM per view ${ssim.join(', ')}`);
    await page.getByTestId('current-model').getByTestId('poster').waitFor();
    await page.getByTestId('preview').scrollIntoViewIfNeeded();
    await waitForModelLoad(page);
    // React sets model-viewer's `src` property (not the attribute).
    const src = await page.evaluate(() => (document.querySelector('model-viewer') as unknown as { src: string }).src);
    const repo = app!.shop.runtime.catalog.repo;
    const shown = await repo.getAsset((await repo.getProduct(target.id))!.assetId!);
    assert.match(shown!.id, /^upload-/, 'the product shows the upload');
    assert.ok(shown!.bounds, 'the pipeline recorded the model’s box (where hotspots may go)');
    assert.ok(src.endsWith(`/assets/${shown!.glbKey}`), `the preview shows the published model (${src})`);
    await page.screenshot({ path: join(shots, 'model-panel-upload.png'), fullPage: true });
    watch.assertClean();
  });
});
