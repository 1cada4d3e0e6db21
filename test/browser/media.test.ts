/// <reference lib="dom" />
// (DOM types: the page.evaluate callbacks below run in the browser.)
// Product media in a real browser (Debian's Chromium, the whole shop with the demo catalog and its worker): a
// merchant uploads a photo and a video at once from the product editor (a progress bar each), waits for both to be
// processed, reorders them by dragging and with the keyboard, and sets their alt text; a shopper's product page then
// shows the 3D view first and the two in that order with that alt text, the video with its poster frame, playing;
// and with WebGL switched off the photo stands in for the 3D view. The files are made here (sharp, MediaRecorder).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hashPassword } from '../../src/compute/accounts/passwords.ts';
import { insertAccount } from '../../src/databases/relational/accounts.ts';
import type { TestApp } from '../helpers/app.ts';
import { photo, recordVideo } from '../media/fixtures.ts';
import { browserSkip, CHROMIUM, CHROMIUM_ARGS, ensureWebBuilt, watchPage } from './browser-kit.ts';

const skip = browserSkip();
const MERCHANT = { email: 'mo.media@example.com', password: 'Merchant-pass-2024' };
const PRODUCT = 'demo-dining-chair';
const SLUG = 'dining-chair';
const PHOTO_ALT = 'The walnut chair seen from the side';
const VIDEO_ALT = 'The chair turning on a stand';
const TIMEOUT = 120_000;

describe('product photos and videos: the merchant’s editor and the shopper’s gallery, in Chromium', { skip, timeout: 900_000 }, () => {
  let app: TestApp | undefined;
  let baseUrl = '';
  let browser: Browser | undefined;
  let files = '';
  const contexts: BrowserContext[] = [];

  const newPage = async (b: Browser, width = 1280): Promise<Page> => {
    const context = await b.newContext({ locale: 'en-US', viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    return page;
  };

  before(async () => {
    await ensureWebBuilt();
    files = mkdtempSync(join(tmpdir(), 'vitrine-media-files-'));
    writeFileSync(join(files, 'side-view.jpg'), await photo(1800, 1200, 'jpeg', { exif: true }));
    writeFileSync(join(files, 'turntable.webm'), await recordVideo('webm', { width: 480, height: 270, seconds: 2 }));
    const { startTestApp } = await import('../helpers/app.ts');
    app = await startTestApp({ env: { RUN_WORKER: 'true', WORKER_CONCURRENCY: '1' } });
    baseUrl = app.baseUrl;
    await insertAccount(app.shop.runtime.relational.db, { email: MERCHANT.email, name: 'Mo Media', role: 'merchant', passwordHash: await hashPassword(MERCHANT.password) });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  const rowNames = async (page: Page): Promise<string[]> => page.getByTestId('media-row').locator('strong').allTextContents();

  test('a merchant uploads a photo and a video with progress, reorders them and sets their alt text', async () => {
    const page = await newPage(browser!);
    const watch = watchPage(page);
    const editor = `/admin/products/${PRODUCT}`;
    await page.goto(`${baseUrl}/account/signin?next=${encodeURIComponent(editor)}`);
    await page.getByLabel('Email').fill(MERCHANT.email);
    await page.getByLabel('Password').fill(MERCHANT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === editor);
    const section = page.getByTestId('media-section');
    await section.getByText('No photos or videos yet.').waitFor();

    // Every value each upload's progress bar shows, as the page shows it (rows come and go within milliseconds).
    // (A string: tsx would wrap a named function in a helper the page does not have.)
    await page.evaluate(`(() => {
      const seen = {};
      window.progressSeen = seen;
      new MutationObserver(() => {
        document.querySelectorAll('[data-testid="media-sending"]').forEach((li) => {
          const bar = li.querySelector('progress');
          const name = (li.textContent || '').split(':')[0];
          if (bar) (seen[name] = seen[name] || []).push(bar.value);
        });
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    })()`);
    await page.getByLabel('Add photos or videos').setInputFiles([join(files, 'side-view.jpg'), join(files, 'turntable.webm')]);
    await section.getByRole('button', { name: 'Upload', exact: true }).click();

    // Both join the list as they finish uploading, then turn ready as the worker processes them.
    await page.getByTestId('media-row').nth(1).waitFor();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="media-status"]')).filter((s) => s.textContent === 'Ready').length === 2, null, { timeout: TIMEOUT });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: Record<string, number[]> }).progressSeen);
    assert.deepEqual(Object.keys(seen).sort(), ['side-view.jpg', 'turntable.webm'], 'a progress bar per file');
    for (const [name, values] of Object.entries(seen)) assert.equal(Math.max(...values), 100, `${name}'s bar reached 100 %`);
    assert.match(await section.getByTestId('media-row').filter({ hasText: 'turntable.webm' }).textContent() ?? '', /Video · 480 × 270 · \d\.\d s/);
    assert.match(await section.getByTestId('media-row').filter({ hasText: 'side-view.jpg' }).textContent() ?? '', /Photo · 1800 × 1200/);
    // A photo without alt text is pointed out.
    await section.getByTestId('media-alt-warning').waitFor();

    // Drag and drop: the photo goes first, whatever order the uploads finished in.
    const photoRow = section.getByTestId('media-row').filter({ hasText: 'side-view.jpg' });
    const videoRow = section.getByTestId('media-row').filter({ hasText: 'turntable.webm' });
    if ((await rowNames(page))[0] !== 'side-view.jpg') {
      await photoRow.dragTo(section.getByTestId('media-row').first());
      await section.getByRole('status').filter({ hasText: 'Order saved.' }).waitFor();
    }
    assert.deepEqual(await rowNames(page), ['side-view.jpg', 'turntable.webm']);
    // The keyboard: the video's "Move up" button, reached with Tab-able focus and pressed with Enter.
    await videoRow.getByRole('button', { name: 'Move turntable.webm up' }).focus();
    await page.keyboard.press('Enter');
    await section.getByRole('status').filter({ hasText: 'Moved turntable.webm to position 1.' }).waitFor();
    assert.deepEqual(await rowNames(page), ['turntable.webm', 'side-view.jpg']);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Move turntable.webm up', 'the focus stays on the moved item');

    // Alt text, each saved on its own.
    await photoRow.getByLabel(/^Alt text/).fill(PHOTO_ALT);
    await photoRow.getByRole('button', { name: 'Save alt text of side-view.jpg' }).click();
    await section.getByRole('status').filter({ hasText: 'Alt text of side-view.jpg saved.' }).waitFor();
    await videoRow.getByLabel(/^Alt text/).fill(VIDEO_ALT);
    await videoRow.getByLabel(/^Alt text/).press('Enter');
    await section.getByRole('status').filter({ hasText: 'Alt text of turntable.webm saved.' }).waitFor();
    assert.equal(await section.getByTestId('media-alt-warning').count(), 0, 'no warning once every photo is described');

    // A reload shows what was saved.
    await page.reload();
    await page.getByTestId('media-row').nth(1).waitFor();
    assert.deepEqual(await rowNames(page), ['turntable.webm', 'side-view.jpg']);
    assert.equal(await page.getByTestId('media-row').filter({ hasText: 'side-view.jpg' }).getByLabel(/^Alt text/).inputValue(), PHOTO_ALT);
    watch.assertClean();
  });

  test('the shopper sees the 3D view first, then the video and the photo in that order, with their alt text', async () => {
    const page = await newPage(browser!);
    const watch = watchPage(page);
    await page.goto(`${baseUrl}/p/${SLUG}`);
    const thumbs = page.getByTestId('gallery-thumb');
    await thumbs.nth(2).waitFor();
    assert.deepEqual(await thumbs.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))), ['3D view', `Video 1: ${VIDEO_ALT}`, `Photo 2: ${PHOTO_ALT}`]);
    assert.equal(await thumbs.first().getAttribute('aria-current'), 'true', 'the 3D view is shown first');
    await page.locator('model-viewer').waitFor({ state: 'attached' });

    // The keyboard: Tab reaches the thumbnails, the arrow keys move along them, Enter shows one.
    await thumbs.first().focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), `Video 1: ${VIDEO_ALT}`);
    await page.keyboard.press('Enter');
    const video = page.getByTestId('gallery-video');
    await video.waitFor();
    assert.equal(await page.locator('.viewer-slot').isVisible(), false, 'the 3D view steps aside');
    const v = await video.evaluate((el: HTMLVideoElement) => ({ poster: el.poster, preload: el.preload, controls: el.controls, label: el.getAttribute('aria-label'), type: el.querySelector('source')?.type }));
    assert.match(v.poster, /\/assets\/media\/.+-poster-480\.webp$/);
    assert.equal(v.preload, 'none');
    assert.equal(v.controls, true, 'the browser’s controls: play, mute, fullscreen');
    assert.equal(v.label, VIDEO_ALT);
    assert.equal(v.type, 'video/webm');
    const poster = await fetch(v.poster);
    assert.equal(poster.status, 200);
    assert.equal(poster.headers.get('content-type'), 'image/webp');
    // It plays (muted, as a shopper may), streamed from /assets in byte ranges.
    const played = await video.evaluate(async (el: HTMLVideoElement) => {
      el.muted = true;
      await el.play();
      await new Promise<void>((r) => el.addEventListener('timeupdate', () => el.currentTime > 0.3 && r()));
      return { time: el.currentTime, width: el.videoWidth };
    });
    assert.ok(played.time > 0.3 && played.width === 480, JSON.stringify(played));

    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    const img = page.getByTestId('gallery-image');
    await img.waitFor();
    await page.waitForFunction(() => {
      const i = document.querySelector('[data-testid="gallery-image"]') as HTMLImageElement | null;
      return !!i && i.complete && i.naturalWidth > 0;
    });
    const shown = await img.evaluate((el: HTMLImageElement) => ({ alt: el.alt, srcset: el.srcset, sizes: el.sizes, loading: el.loading, current: el.currentSrc }));
    assert.equal(shown.alt, PHOTO_ALT);
    assert.deepEqual([...shown.srcset.matchAll(/ (\d+)w/g)].map((m) => Number(m[1])), [480, 960, 1600]);
    assert.equal(shown.loading, 'lazy');
    assert.match(shown.current, /\.webp$/);
    // Back to the 3D view.
    await thumbs.first().click();
    assert.equal(await page.locator('.viewer-slot').isVisible(), true);
    assert.equal(await img.count(), 0);
    watch.assertClean();
  });

  test('without WebGL the photo stands in for the 3D view', async () => {
    const noGl = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--disable-webgl', '--disable-3d-apis'] });
    try {
      const page = await newPage(noGl);
      const watch = watchPage(page);
      await page.goto(`${baseUrl}/p/${SLUG}`);
      const img = page.getByTestId('gallery-image');
      await img.waitFor();
      await page.waitForFunction(() => {
        const i = document.querySelector('[data-testid="gallery-image"]') as HTMLImageElement | null;
        return !!i && i.complete && i.naturalWidth > 0;
      });
      assert.equal(await img.getAttribute('alt'), PHOTO_ALT);
      assert.equal(await img.evaluate((el: HTMLImageElement) => el.loading), 'eager', 'the page’s main image is not lazy');
      assert.equal(await page.locator('model-viewer').count(), 0, 'no 3D view to fail');
      const labels = await page.getByTestId('gallery-thumb').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      assert.deepEqual(labels, [`Video 1: ${VIDEO_ALT}`, `Photo 2: ${PHOTO_ALT}`, 'Picture of the model'], 'the model’s poster stays, after the gallery');
      watch.assertClean();

      // On a phone the 3D view waits for a tap (WebGL is asked only then): the photo stands in once it is asked for.
      const phone = await noGl.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      contexts.push(phone);
      const tap = await phone.newPage();
      const tapWatch = watchPage(tap);
      await tap.goto(`${baseUrl}/p/${SLUG}`);
      await tap.getByRole('button', { name: 'View in 3D' }).click();
      await tap.getByTestId('gallery-image').waitFor();
      assert.equal(await tap.getByTestId('gallery-image').getAttribute('alt'), PHOTO_ALT);
      assert.equal(await tap.locator('model-viewer').count(), 0);
      tapWatch.assertClean();
    } finally {
      await noGl.close();
    }
  });
});
